"""The read port's queries for a contributor's statement page (`services/statement_ports.py`):
its paid lines paged, counted and summed in SQL under the redaction rule of
`confidentiality.redact`, and its pools summed, so the page costs the same statements and rows
however many contributions and lines its history holds; and its substitution effects, a page
of allocations at a time, from the table that keeps them apart from the bases. Also the one
select of paid lines that `SqlQueries.paid_lines` reads whole."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy import case as when

from purldesk.adapters.storage.balance_tables import AccountBalanceRow, ContributionTotalRow
from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.substitution_tables import AllocationSubstitutionRow
from purldesk.adapters.storage.sums import halves, joined
from purldesk.adapters.storage.tables import (
    AttributionRow,
    CatalogItemRow,
    ContributionRow,
    PackageRow,
    RequirementLineRow,
    ShipmentRow,
)
from purldesk.domain import substitution
from purldesk.domain.access import Viewer
from purldesk.domain.basis import BasisAltered
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import USD, Currency, Money
from purldesk.domain.packages import PackageId, PackageStatus, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.services.read_ports import PaidLine
from purldesk.services.statement_ports import StatementTotals, SubstitutionRun


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def sees_everything_of(viewer: Viewer, column: Any) -> ColumnElement[bool]:
    """`Viewer.sees_everything_of` as SQL over a contributor column."""
    if viewer.sees_all_amounts:
        return true()
    if viewer.organization is None:
        return false()
    return column == viewer.organization  # type: ignore[no-any-return]


def hidden_from(viewer: Viewer) -> ColumnElement[bool]:
    """A contribution whose amount `viewer` may not see (`confidentiality.can_see_amount`)."""
    c = ContributionRow
    return and_(c.confidential == true(), ~sees_everything_of(viewer, c.contributor))


def amount_shown(viewer: Viewer) -> ColumnElement[bool]:
    """Whether `redact` leaves a contribution's amount to `viewer`: where the amount may be
    seen (`can_see_amount`), and in its own currency only where the giver may be known
    (`can_see_contributor`) or the currency is USD."""
    c = ContributionRow
    sees_all = sees_everything_of(viewer, c.contributor)
    shown = or_(c.confidential == false(), sees_all)
    named = or_(c.anonymous == false(), sees_all)
    return and_(shown, or_(named, c.currency == USD))


def paid_select(paid_by: ColumnElement[bool]) -> Select[Any]:
    """Each attribution of the contributions `paid_by` picks out, with its line's shipments
    (columns as `paid_line` reads them), unordered."""
    a, s = AttributionRow, ShipmentRow
    same_line = and_(s.package_id == a.package_id, s.line_id == a.line_id)
    shipped = select(func.coalesce(func.sum(s.quantity), 0)).where(same_line)
    received = shipped.where(s.received_on.is_not(None))
    columns = (
        a.contribution_id, a.package_id, PackageRow.status, a.line_id, RequirementLineRow.ref,
        CatalogItemRow.name, a.amount_minor, a.currency, shipped.scalar_subquery(),
        received.scalar_subquery(),
    )  # fmt: skip
    return (
        select(*columns)
        .join(ContributionRow, ContributionRow.id == a.contribution_id)
        .join(PackageRow, PackageRow.id == a.package_id)
        .join(RequirementLineRow, RequirementLineRow.id == a.line_id)
        .join(CatalogItemRow, CatalogItemRow.code == RequirementLineRow.item_code)
        .where(paid_by)
    )


def paid_line(row: Any) -> PaidLine:
    cid, pid, status, line_id, ref, name, minor, currency, sent, arrived = row
    return PaidLine(
        ContributionId(cid), PackageId(pid), PackageStatus(status), LineId(line_id), ref, name,
        Money(minor, Currency(currency)), _int(sent), _int(arrived),
    )  # fmt: skip


S = AllocationSubstitutionRow


def _kept_for(contributor: ParticipantCode) -> ColumnElement[bool]:
    """The contributor's effects kept with the packages its money pays: those packages found
    once from its contributions, not by searching each effect's package for its money. The
    packages are a materialized common table expression: as a plain subquery, PostgreSQL
    planned a search of each effect's package for the contributor's money (22 ms at three
    years of history; 2 ms so). A statement may use it more than once: it is found once."""
    a, c = AttributionRow, ContributionRow
    pays = (
        select(a.package_id)
        .distinct()
        .join(c, c.id == a.contribution_id)
        .where(c.contributor == contributor)
        .cte("pays")
        .prefix_with("MATERIALIZED")
    )
    return and_(S.contributor == contributor, S.package_id.in_(select(pays.c.package_id)))


FIRST_PACKAGE = func.min(S.package_id).label("first_package")


def _runs(kept: ColumnElement[bool]) -> Select[datetime, date, str, int]:
    """One row per run (`StatementQueries.substitution_runs`) of the effects `kept` picks out,
    with its first package, unordered."""
    return (
        select(S.recorded_at, S.allocated_on, S.document, FIRST_PACKAGE)
        .where(kept)
        .group_by(S.recorded_at, S.allocated_on, S.document)
    )


RUN_ORDER = ("recorded_at", "allocated_on", "first_package")


def _ordered(*columns: Any, desc: bool) -> list[Any]:
    """`columns` to order by, each descending if `desc`."""
    return [column.desc() for column in columns] if desc else list(columns)


def _run(at: Any, on: Any, document: str, packages: list[PackageId]) -> SubstitutionRun:
    try:
        effect = substitution.parse(json.loads(document))
    except (ValueError, InvalidInput) as error:
        raise BasisAltered(f"{package_ref(packages[0])}: {error}") from error
    return SubstitutionRun(on, at, tuple(packages), effect)


def _ref(contribution_id: Any) -> ColumnElement[str]:
    """`contributions.contribution_ref` in SQL, on both databases: the id zero-padded to five
    digits, or as it is from six ("C-00042", "C-123456")."""
    digits = cast(contribution_id, String)
    padded = func.substr(literal("0000", String) + digits, func.length(digits))
    return literal("C-", String) + when((contribution_id >= 100_000, digits), else_=padded)


class StatementQueries:
    """The statement page's part of `SqlQueries`, over its read-only session."""

    _session: ReadSession

    def statement_totals(self, viewer: Viewer, *, contributor: ParticipantCode) -> StatementTotals:
        a, b, c = AttributionRow, AccountBalanceRow, ContributionRow
        given = c.contributor == contributor
        t = ContributionTotalRow  # counted by the kept totals: a row per key
        counted = (
            select(func.sum(t.count).label("n")).where(t.contributor == contributor).subquery()
        )
        paid = (
            select(
                func.count().label("n"),
                *(h.label(f"h{i}") for i, h in enumerate(halves(a.amount_minor))),
            )
            .join(c, c.id == a.contribution_id)
            .where(given, amount_shown(viewer))
            .subquery()
        )
        # The pool of each contribution found by its account's key, as `balance_of` finds it.
        pools = (
            select(func.sum(b.amount_high).label("h0"), func.sum(b.amount_low).label("h1"))
            .join(c, b.account == literal("pool:", String) + _ref(c.id))
            .where(given, b.currency == USD)
            .subquery()
        )
        # Each an aggregate without groups: one row each, joined into one.
        n, lines, high, low, pool_high, pool_low = self._session.execute(
            select(counted.c.n, paid.c.n, paid.c.h0, paid.c.h1, pools.c.h0, pools.c.h1).select_from(
                counted.join(paid, true()).join(pools, true())
            )
        ).one()
        return StatementTotals(_int(n), _int(lines), joined(high, low), joined(pool_high, pool_low))

    def paid_line_page(
        self, viewer: Viewer, *, contributor: ParticipantCode, offset: int, limit: int
    ) -> list[PaidLine]:
        a, c = AttributionRow, ContributionRow
        # The page's attributions first, then their lines and shipments: the shipments are
        # summed for the page's rows only, not for every attribution the contributor has.
        keys = (
            select(a.package_id, a.position)
            .join(c, c.id == a.contribution_id)
            .where(c.contributor == contributor, amount_shown(viewer))
            .order_by(a.package_id.desc(), a.position)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        on_page = and_(a.package_id == keys.c.package_id, a.position == keys.c.position)
        rows = self._session.execute(
            paid_select(true()).join(keys, on_page).order_by(a.package_id.desc(), a.position)
        )
        return [paid_line(row) for row in rows]

    def paid_packages(self, contributor: ParticipantCode) -> list[PackageId]:
        a, c = AttributionRow, ContributionRow
        found = self._session.scalars(
            select(a.package_id)
            .distinct()
            .join(c, c.id == a.contribution_id)
            .where(c.contributor == contributor)
            .order_by(a.package_id)
        )
        return [PackageId(package_id) for package_id in found]

    def count_substitution_runs(self, contributor: ParticipantCode) -> int:
        counted = select(func.count()).select_from(_runs(_kept_for(contributor)).subquery())
        return _int(self._session.scalar(counted))

    def substitution_runs(
        self,
        contributor: ParticipantCode,
        *,
        offset: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[SubstitutionRun]:
        kept = _kept_for(contributor)
        runs = (
            _runs(kept)
            .order_by(*_ordered(S.recorded_at, S.allocated_on, FIRST_PACKAGE, desc=newest_first))
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        same_run = and_(
            S.recorded_at == runs.c.recorded_at,
            S.allocated_on == runs.c.allocated_on,
            S.document == runs.c.document,
        )
        rows = self._session.execute(
            select(runs.c.recorded_at, runs.c.allocated_on, runs.c.document, S.package_id)
            .join(runs, same_run)
            .where(kept)
            .order_by(*_ordered(*(runs.c[n] for n in RUN_ORDER), desc=newest_first), S.package_id)
        )
        grouped: dict[tuple[Any, Any, str], list[PackageId]] = {}
        for at, on, document, package_id in rows:
            grouped.setdefault((at, on, document), []).append(PackageId(package_id))
        return [_run(at, on, document, found) for (at, on, document), found in grouped.items()]
