"""The read port's queries for one package's page: its lines with what is attributed to each,
and a page of its payments as one viewer may see them, with the money it may not see counted
and summed in SQL (`package_money.PaymentFacts`), so that a package of a thousand payers
reads one page of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, false, func, null, select, union_all

from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.packages import SqlPackageRepository
from purldesk.adapters.storage.statement_queries import hidden_from
from purldesk.adapters.storage.tables import AttributionRow, ContributionRow
from purldesk.domain.access import Viewer
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import Currency, Money
from purldesk.domain.package_money import HiddenMoney, PaymentFacts
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.requirements import LineId
from purldesk.services.package_list_ports import PackageOutline


def _int(value: Any) -> int:
    """A SUM or COUNT as an int (PostgreSQL sums bigints into numeric; nothing sums to NULL)."""
    return 0 if value is None else int(value)


class PackageQueries:
    """One package's outline and a page of its payments, over one read-only session."""

    _session: ReadSession

    def package_outline(self, package_id: PackageId) -> PackageOutline:
        package = SqlPackageRepository(self._session).outline(package_id)
        a = AttributionRow
        paid = self._session.execute(
            select(a.line_id, func.sum(a.amount_minor))
            .where(a.package_id == package_id)
            .group_by(a.line_id)
        )
        return PackageOutline(package, {LineId(line): _int(minor) for line, minor in paid})

    def package_payments(
        self, viewer: Viewer, package_id: PackageId, *, own_only: bool, offset: int, limit: int
    ) -> PaymentFacts:
        a, c = AttributionRow, ContributionRow
        paid = select().select_from(a).join(c, c.id == a.contribution_id)
        of_package = a.package_id == package_id
        hidden = hidden_from(viewer)
        shown = ~hidden
        if own_only:
            owned = false() if viewer.organization is None else c.contributor == viewer.organization
            shown = and_(shown, owned)
        page = self._session.execute(
            paid.add_columns(
                a.contribution_id, a.line_id, a.amount_minor, a.currency, func.count().over()
            )
            .where(of_package, shown)
            .order_by(a.position)
            .offset(offset)
            .limit(limit)
        ).all()
        # Each row counts them all; a page past the end has no row to count them.
        count = (
            page[0][-1]
            if page
            else self._session.scalar(paid.add_columns(func.count()).where(of_package, shown))
        )
        return PaymentFacts(
            tuple(
                Attribution(ContributionId(who), LineId(line), Money(minor, Currency(code)))
                for who, line, minor, code, _ in page
            ),
            offset,
            _int(count),
            self._hidden(viewer, package_id),
            own_only,
        )

    def _hidden(self, viewer: Viewer, package_id: PackageId) -> HiddenMoney:
        """The package's money `viewer` may not see: its sum, and its distinct payers on the
        whole package and on each line."""
        if viewer.sees_all_amounts:
            return HiddenMoney()
        a, c = AttributionRow, ContributionRow
        hidden = select().select_from(a).join(c, c.id == a.contribution_id)
        hidden = hidden.where(a.package_id == package_id, hidden_from(viewer))
        payers = func.count(c.contributor.distinct())
        rows = self._session.execute(
            union_all(
                hidden.add_columns(null().cast(Integer), func.sum(a.amount_minor), payers),
                hidden.add_columns(a.line_id, null().cast(Integer), payers).group_by(a.line_id),
            )
        ).all()
        whole = [(minor, count) for line, minor, count in rows if line is None]
        minor, count = whole[0] if whole else (0, 0)
        by_line = {LineId(line): _int(n) for line, _, n in rows if line is not None}
        return HiddenMoney(_int(minor), _int(count), by_line)
