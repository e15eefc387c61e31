"""The read port on SQLAlchemy: what pages and reports show, in aggregates and joins.

Each query is one statement (a package is three: its row, its lines, its attributions), so a
page costs a fixed number of them however long the history grows. Nothing here writes. The
work pages' queries, which filter and page in SQL, are in `page_queries` and `ledger_queries`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true

from purldesk.adapters.storage.balance_tables import (
    AccountBalanceRow,
    ContributionTotalRow,
    KindBalanceRow,
)
from purldesk.adapters.storage.catalog import SqlCatalogRepository
from purldesk.adapters.storage.contributions import with_members
from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.ledger_queries import LedgerQueries
from purldesk.adapters.storage.package_queries import PackageQueries
from purldesk.adapters.storage.packages import SqlPackageRepository, SqlShipmentRepository
from purldesk.adapters.storage.page_queries import PageQueries
from purldesk.adapters.storage.participants import SqlParticipantRepository
from purldesk.adapters.storage.repository import from_row
from purldesk.adapters.storage.requirements import SqlCycleRepository, SqlRequirementRepository
from purldesk.adapters.storage.rows import IN_LIST_CHUNK
from purldesk.adapters.storage.share_queries import ShareQueries
from purldesk.adapters.storage.statement_queries import (
    StatementQueries,
    paid_line,
    paid_select,
)
from purldesk.adapters.storage.statement_queries import sees_everything_of as _sees_everything_of
from purldesk.adapters.storage.sums import halves, joined, joined_or_none
from purldesk.adapters.storage.tables import (
    AllocationBasisRow,
    AttributionRow,
    CatalogItemRow,
    ContributionMemberRow,
    ContributionRow,
    CycleRow,
    LedgerPostingRow,
    PackageClearanceRow,
    PackageLineRow,
    PackageRow,
    RequirementLineRow,
    ShipmentRow,
)
from purldesk.domain import basis
from purldesk.domain.access import Viewer
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.deliveries import Shipment
from purldesk.domain.ledger import ACCOUNT_KINDS
from purldesk.domain.money import Currency, Money
from purldesk.domain.packages import Package, PackageId, PackageStatus, Restriction
from purldesk.domain.participants import Participant, ParticipantCode
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    RankChange,
    RequirementLine,
)
from purldesk.services.read_ports import (
    ContributionGroup,
    HiddenPayer,
    MemberReceived,
    PackageTotals,
    PaidLine,
    ShipmentLine,
)


def _int(value: Any) -> int:
    """A SUM as an int: PostgreSQL sums bigints into numeric (a Decimal), and nothing into NULL."""
    return 0 if value is None else int(value)


def _among(column: Any, packages: Collection[PackageId] | None) -> ColumnElement[bool]:
    """The rows of `packages`, or of every package (None)."""
    return true() if packages is None else column.in_(sorted(packages))


class SqlQueries(ShareQueries, PageQueries, PackageQueries, StatementQueries, LedgerQueries):
    """`ReadQueries` over one read-only session (with the queries of `ShareQueries`, and the
    work pages' in `page_queries` and `ledger_queries`)."""

    def __init__(self, session: ReadSession) -> None:
        self._session = session

    def participants(self) -> list[Participant]:
        return SqlParticipantRepository(self._session).list()

    def items(self) -> dict[ItemCode, CatalogItem]:
        return {item.code: item for item in SqlCatalogRepository(self._session).list()}

    def cycles(self) -> list[Cycle]:
        return SqlCycleRepository(self._session).list()

    def cycle(self, cycle_id: CycleId) -> Cycle:
        return SqlCycleRepository(self._session).get(cycle_id)

    def latest_cycle(
        self, *, status: CycleStatus | None = None, opened_by: date | None = None
    ) -> Cycle | None:
        chosen = select(CycleRow).order_by(CycleRow.opens_on.desc(), CycleRow.id.desc()).limit(1)
        if status is not None:
            chosen = chosen.where(CycleRow.status == status.value)
        if opened_by is not None:
            chosen = chosen.where(CycleRow.opens_on <= opened_by)
        row = self._session.scalars(chosen).first()
        return None if row is None else from_row(Cycle, row)

    def find_cycle(self, name: str) -> Cycle | None:
        return SqlCycleRepository(self._session).find_by_name(name)

    def lines(self, cycle_id: CycleId) -> list[RequirementLine]:
        return SqlRequirementRepository(self._session).list(cycle_id)

    def lines_by_id(self, line_ids: Collection[LineId]) -> dict[LineId, RequirementLine]:
        rows = self._session.scalars(
            select(RequirementLineRow)
            .where(RequirementLineRow.id.in_(sorted(line_ids)))
            .order_by(RequirementLineRow.id)
        )
        return {LineId(row.id): from_row(RequirementLine, row) for row in rows}

    def line_refs(self, line_ids: Collection[LineId]) -> dict[LineId, str]:
        r = RequirementLineRow
        rows = self._session.execute(
            select(r.id, r.ref).where(r.id.in_(sorted(line_ids))).order_by(r.id)
        )
        return {LineId(line_id): ref for line_id, ref in rows}

    def find_line(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        return SqlRequirementRepository(self._session).find_by_ref(cycle_id, ref)

    def rank_history(self, line_id: LineId) -> list[RankChange]:
        return SqlRequirementRepository(self._session).rank_history(line_id)

    def change_history(self, line_id: LineId) -> list[LineChange]:
        return SqlRequirementRepository(self._session).change_history(line_id)

    def funded_lots(
        self, cycle_id: CycleId, *, excluding: Collection[PackageId] = ()
    ) -> dict[LineId, int]:
        rows = self._session.execute(
            select(PackageLineRow.line_id, func.sum(PackageLineRow.lots))
            .join(PackageRow, PackageRow.id == PackageLineRow.package_id)
            .where(
                PackageRow.cycle_id == cycle_id,
                PackageRow.status != PackageStatus.CANCELLED.value,
                PackageRow.id.not_in(sorted(excluding)),
            )
            .group_by(PackageLineRow.line_id)
        )
        return {LineId(line_id): _int(lots) for line_id, lots in rows}

    def restrictions(
        self, *, packages: Collection[PackageId] | None = None
    ) -> dict[PackageId, Restriction]:
        rows = self._session.execute(
            select(PackageRow.id, PackageClearanceRow.organization)
            .outerjoin(PackageClearanceRow, PackageClearanceRow.package_id == PackageRow.id)
            .where(PackageRow.contents_restricted == true(), _among(PackageRow.id, packages))
        )
        cleared: dict[PackageId, set[ParticipantCode]] = {}
        for package_id, organization in rows:
            codes = cleared.setdefault(PackageId(package_id), set())
            if organization is not None:
                codes.add(ParticipantCode(organization))
        return {pid: Restriction(frozenset(codes)) for pid, codes in sorted(cleared.items())}

    def contribution_groups(
        self,
        viewer: Viewer,
        *,
        statuses: Collection[ContributionStatus],
        contributor: ParticipantCode | None = None,
    ) -> list[ContributionGroup]:
        t = ContributionTotalRow
        sees_all = _sees_everything_of(viewer, t.contributor)
        shown = or_(t.confidential == false(), sees_all)
        named = or_(t.anonymous == false(), sees_all)
        # A giver anonymous to the viewer is no one's: asking for its money finds none.
        given = true() if contributor is None else and_(t.contributor == contributor, named)
        # Read from the kept totals, whose key holds every column masked or filtered by: each
        # total is masked as its contributions would be one by one, so hidden sums are nulled
        # before anything is summed, never leave the database, and the groups keep their count.
        each = (
            select(
                t.count,
                case((shown, t.currency), else_=None).label("currency"),
                case((and_(shown, named), t.contributor), else_=None).label("giver"),
                *(case((shown, column), else_=None).label(column.key) for column in (
                    t.amount_high, t.amount_low, t.usd_high, t.usd_low, t.converted)),
            )
            .where(t.status.in_(sorted(s.value for s in statuses)), given, t.count > 0)
            .subquery()
        )  # fmt: skip
        e = each.c
        rows = self._session.execute(
            select(
                func.sum(e.count), e.currency, e.giver, func.sum(e.amount_high),
                func.sum(e.amount_low), func.sum(e.usd_high), func.sum(e.usd_low),
                func.sum(e.converted),
            )
            .group_by(e.currency, e.giver)
            .order_by(e.currency, e.giver)
        )  # fmt: skip
        return [
            ContributionGroup(
                _int(count),
                code,
                None if who is None else ParticipantCode(who),
                joined_or_none(high, low),
                joined(usd_high, usd_low) if _int(converted) else None,
            )
            for count, code, who, high, low, usd_high, usd_low, converted in rows
        ]

    def contributions(
        self,
        *,
        ids: Collection[ContributionId] | None = None,
        contributor: ParticipantCode | None = None,
    ) -> list[Contribution]:
        criteria: list[ColumnElement[bool]] = []
        if ids is not None:
            criteria.append(ContributionRow.id.in_(sorted(ids)))
        if contributor is not None:
            criteria.append(ContributionRow.contributor == contributor)
        return self._contributions(*criteria)

    def member_contributions(self, member: ParticipantCode) -> list[Contribution]:
        m = ContributionMemberRow
        return self._contributions(
            ContributionRow.id.in_(select(m.contribution_id).where(m.member == member))
        )

    def _contributions(self, *criteria: ColumnElement[bool]) -> list[Contribution]:
        """Contributions by id, with their members' parts: two statements."""
        rows = self._session.scalars(
            select(ContributionRow).where(*criteria).order_by(ContributionRow.id)
        ).all()
        return with_members(self._session, rows, *criteria)

    def package(self, package_id: PackageId) -> Package:
        return SqlPackageRepository(self._session).get(package_id)

    def package_totals(self, *, with_cancelled: bool) -> list[PackageTotals]:
        p, line = PackageRow, PackageLineRow
        cost = (
            select(func.coalesce(func.sum(line.lots * line.lot_price_minor), 0))
            .where(line.package_id == p.id)
            .scalar_subquery()
        )
        query = (
            select(p.id, p.name, p.status, CycleRow.name, cost, p.target_minor, p.currency)
            .join(CycleRow, CycleRow.id == p.cycle_id)
            .order_by(p.id)
        )
        if not with_cancelled:
            query = query.where(p.status != PackageStatus.CANCELLED.value)
        return [
            PackageTotals(
                PackageId(pid),
                name,
                PackageStatus(status),
                cycle,
                _int(minor),
                Money(target, Currency(currency)),
            )
            for pid, name, status, cycle, minor, target, currency in self._session.execute(query)
        ]

    def shipments(self, *, package_id: PackageId) -> list[Shipment]:
        return SqlShipmentRepository(self._session).list(package_id=package_id)

    def latest_shipments(
        self, limit: int, *, excluding: Collection[PackageId] = ()
    ) -> list[ShipmentLine]:
        s = ShipmentRow
        rows = self._session.execute(
            select(s, RequirementLineRow.ref, CatalogItemRow.name)
            .join(RequirementLineRow, RequirementLineRow.id == s.line_id)
            .join(CatalogItemRow, CatalogItemRow.code == RequirementLineRow.item_code)
            .where(s.package_id.not_in(sorted(excluding)))
            .order_by(func.coalesce(s.received_on, s.shipped_on).desc(), s.id.desc())
            .limit(limit)
        )
        return [ShipmentLine(from_row(Shipment, row), ref, name) for row, ref, name in rows]

    def paid_lines(self, contributor: ParticipantCode) -> list[PaidLine]:
        return self._paid_lines(ContributionRow.contributor == contributor)

    def member_paid_lines(self, member: ParticipantCode) -> list[PaidLine]:
        m = ContributionMemberRow
        paid_by = select(m.contribution_id).where(m.member == member)
        return self._paid_lines(AttributionRow.contribution_id.in_(paid_by))

    def member_received(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[MemberReceived]:
        c, m = ContributionRow, ContributionMemberRow
        sees_all = _sees_everything_of(viewer, c.contributor)
        rows = self._session.execute(
            select(c.contributor, m.member, *halves(m.usd_minor))
            .join(c, c.id == m.contribution_id)
            .where(
                c.status.in_(sorted(s.value for s in statuses)),
                c.usd_minor.is_not(None),
                or_(c.confidential == false(), sees_all),
                or_(c.anonymous == false(), sees_all),
            )
            .group_by(c.contributor, m.member)
            .order_by(c.contributor, m.member)
        )
        return [
            MemberReceived(ParticipantCode(group), ParticipantCode(member), joined(high, low))
            for group, member, high, low in rows
        ]

    def _paid_lines(self, paid_by: ColumnElement[bool]) -> list[PaidLine]:
        """Each attribution of the contributions `paid_by` picks out, with its line's shipments."""
        a = AttributionRow
        rows = self._session.execute(paid_select(paid_by).order_by(a.package_id, a.position))
        return [paid_line(row) for row in rows]

    def bases(
        self, package_ids: Collection[PackageId], *, with_funds: bool = True
    ) -> list[AllocationBasis]:
        rows = self._session.scalars(
            select(AllocationBasisRow)
            .where(AllocationBasisRow.package_id.in_(sorted(package_ids)))
            .order_by(AllocationBasisRow.package_id)
        )
        return [
            basis.parse(PackageId(row.package_id), row.document, with_funds=with_funds)
            for row in rows
        ]

    def hidden_payers(
        self, viewer: Viewer, *, packages: Collection[PackageId] | None = None
    ) -> list[HiddenPayer]:
        a, c = AttributionRow, ContributionRow
        hidden = and_(c.confidential == true(), ~_sees_everything_of(viewer, c.contributor))
        # Driven from the confidential contributions (a partial index holds them), so the
        # attributions read are theirs, not every one ever made.
        rows = self._session.execute(
            select(a.package_id, a.line_id, c.contributor)
            .distinct()
            .join(c, c.id == a.contribution_id)
            .where(
                a.contribution_id.in_(select(c.id).where(hidden)), _among(a.package_id, packages)
            )
            .order_by(a.package_id, a.line_id, c.contributor)
        )
        return [
            HiddenPayer(PackageId(package_id), LineId(line_id), ParticipantCode(contributor))
            for package_id, line_id, contributor in rows
        ]

    def balance_of_kind(self, kind: str, *, currency: str) -> int:
        if kind in ACCOUNT_KINDS:  # the running balances keep each kind's total: one row
            k = KindBalanceRow
            row = self._session.execute(
                select(k.amount_high, k.amount_low).where(k.kind == kind, k.currency == currency)
            ).first()
            return 0 if row is None else joined(*row)
        return self._posted(
            LedgerPostingRow.account.startswith(f"{kind}:", autoescape=True), currency
        )

    def balance_of(self, accounts: Collection[str], *, currency: str) -> int:
        wanted = sorted(set(accounts))
        return sum(
            self._kept(AccountBalanceRow.account.in_(wanted[at : at + IN_LIST_CHUNK]), currency)
            for at in range(0, len(wanted), IN_LIST_CHUNK)
        )

    def _kept(self, accounts: ColumnElement[bool], currency: str) -> int:
        """The running balances of `accounts` in `currency`, summed: as many rows as accounts,
        however many postings made them (`balances.py`)."""
        high, low = self._session.execute(
            select(
                func.sum(AccountBalanceRow.amount_high), func.sum(AccountBalanceRow.amount_low)
            ).where(accounts, AccountBalanceRow.currency == currency)
        ).one()
        return joined(high, low)

    def _posted(self, accounts: ColumnElement[bool], currency: str) -> int:
        """What was posted to `accounts` in `currency`, summed in halves (see sums.py)."""
        high, low = self._session.execute(
            select(*halves(LedgerPostingRow.amount_minor)).where(
                accounts, LedgerPostingRow.currency == currency
            )
        ).one()
        return joined(high, low)
