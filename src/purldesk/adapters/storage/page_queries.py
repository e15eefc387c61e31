"""The read port's queries for the work pages: a list's lines searched, filtered and paged,
the contributions, the packages and the deliveries paged, the shipments awaiting
confirmation, who has a statement.

Each is one statement that filters and pages in SQL, so a page costs the same however long
the list or the history grows. The ledger's and the audit log's pages are in `ledger_queries`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)

from purldesk.adapters.storage.balance_tables import ContributionTotalRow
from purldesk.adapters.storage.contributions import with_members
from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.repository import from_row
from purldesk.adapters.storage.rows import IN_LIST_CHUNK
from purldesk.adapters.storage.statement_queries import hidden_from
from purldesk.adapters.storage.tables import (
    AttributionRow,
    CatalogItemRow,
    ContributionMemberRow,
    ContributionRow,
    PackageLineRow,
    PackageRow,
    RequirementLineRow,
    ShipmentRow,
)
from purldesk.domain.access import Viewer
from purldesk.domain.contributions import Contribution
from purldesk.domain.deliveries import Shipment
from purldesk.domain.money import Currency, Money
from purldesk.domain.packages import PackageId, PackageStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId, LineId, LineStatus, RequirementLine
from purldesk.services.package_list_ports import HiddenPayerCount, PackageListing
from purldesk.services.read_ports import (
    HELD_STATUSES,
    Funding,
    HeldLine,
    LineCounts,
    LineFilter,
    ShipmentLine,
)

L, ITEM = RequirementLineRow, CatalogItemRow
WITHDRAWN = LineStatus.WITHDRAWN.value


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def _lots(excluding: Collection[PackageId], *, hidden: bool) -> ColumnElement[int]:
    """Lots of the line (of the outer query) held by packages not cancelled: those `excluding`
    leaves in (hidden False) or the ones it names (hidden True)."""
    if hidden and not excluding:
        return literal(0)
    named = PackageRow.id.in_(sorted(excluding))
    lots: ColumnElement[int] = (
        select(func.coalesce(func.sum(PackageLineRow.lots), 0))
        .join(PackageRow, PackageRow.id == PackageLineRow.package_id)
        .where(
            PackageLineRow.line_id == L.id,
            PackageRow.status != PackageStatus.CANCELLED.value,
            named if hidden else ~named,
        )
        .scalar_subquery()
    )
    return lots


class _Held:
    """The columns of a line as a viewer sees it, where `excluding` holds lots it is not shown."""

    def __init__(self, excluding: Collection[PackageId]) -> None:
        self.shown = _lots(excluding, hidden=False)
        self.hidden = _lots(excluding, hidden=True)
        self.full = self.shown * ITEM.lot_size >= L.quantity
        # `requirements._shown_status` in SQL: the status the shown lots alone would give.
        self.status = case(
            (
                and_(L.status.in_(sorted(s.value for s in HELD_STATUSES)), self.hidden > 0),
                case(
                    (self.full, LineStatus.FUNDED.value),
                    (self.shown > 0, LineStatus.PARTLY_FUNDED.value),
                    else_=LineStatus.OPEN.value,
                ),
            ),
            else_=L.status,
        )

    def matching(self, wanted: LineFilter) -> ColumnElement[bool]:
        criteria: list[ColumnElement[bool]] = []
        if wanted.text.strip():
            text = wanted.text.strip()
            criteria.append(
                or_(*(column.icontains(text, autoescape=True)
                      for column in (L.ref, ITEM.name, L.justification)))
            )  # fmt: skip
        if wanted.area is not None:
            criteria.append(L.area == wanted.area)
        if wanted.aid_class is not None:
            criteria.append(L.aid_class == wanted.aid_class.value)
        if wanted.status is not None:
            criteria.append(self.status == wanted.status.value)
        if wanted.funding is not None:
            funding = {
                Funding.FULLY: self.full,
                Funding.PARTLY: and_(self.shown > 0, ~self.full),
                Funding.UNFUNDED: self.shown == 0,
            }[wanted.funding]
            criteria.append(and_(L.status != WITHDRAWN, funding))
        return and_(true(), *criteria)


def _given_by(contributor: ParticipantCode | None) -> ColumnElement[bool]:
    return true() if contributor is None else ContributionRow.contributor == contributor


def _shipped(
    package_id: PackageId | None, received: bool | None, excluding: Collection[PackageId]
) -> list[ColumnElement[bool]]:
    """The criteria on shipments of `count_deliveries` and `deliveries`."""
    s = ShipmentRow
    criteria: list[ColumnElement[bool]] = [s.package_id.not_in(sorted(excluding))]
    if package_id is not None:
        criteria.append(s.package_id == package_id)
    if received is not None:
        criteria.append(s.received_on.is_not(None) if received else s.received_on.is_(None))
    return criteria


def _lines(cycle_id: CycleId, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(L)
        .join(ITEM, ITEM.code == L.item_code)
        .where(L.cycle_id == cycle_id)
    )


def _listed(cycle_id: CycleId | None, status: PackageStatus | None) -> list[ColumnElement[bool]]:
    """The packages of one cycle, in one status, or all."""
    criteria: list[ColumnElement[bool]] = []
    if cycle_id is not None:
        criteria.append(PackageRow.cycle_id == cycle_id)
    if status is not None:
        criteria.append(PackageRow.status == status.value)
    return criteria


def _listing(
    pid: int, cycle: int, name: str, status: str, target: int, currency: str,
    created_on: date, cost: Any, attributed: Any, lines: Any,
) -> PackageListing:  # fmt: skip
    return PackageListing(
        PackageId(pid), CycleId(cycle), name, PackageStatus(status),
        Money(target, Currency(currency)), created_on, _int(cost), _int(attributed), _int(lines),
    )  # fmt: skip


class PageQueries:
    """The work pages' part of `SqlQueries`, over its read-only session."""

    _session: ReadSession

    def count_lines(
        self, cycle_id: CycleId, *, matching: LineFilter, excluding: Collection[PackageId] = ()
    ) -> LineCounts:
        held = _Held(excluding)
        found, active = self._session.execute(
            _lines(
                cycle_id,
                func.sum(case((held.matching(matching), 1), else_=0)),
                func.sum(case((L.status != WITHDRAWN, 1), else_=0)),
            )
        ).one()
        return LineCounts(_int(found), _int(active))

    def held_lines(
        self,
        cycle_id: CycleId,
        *,
        matching: LineFilter,
        excluding: Collection[PackageId] = (),
        offset: int,
        limit: int,
    ) -> list[HeldLine]:
        held = _Held(excluding)
        rows = self._session.execute(
            _lines(cycle_id, L, held.shown, held.hidden)
            .where(held.matching(matching))
            .order_by(case((L.status == WITHDRAWN, 1), else_=0), L.rank, L.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            HeldLine(from_row(RequirementLine, row), _int(shown), _int(hidden))
            for row, shown, hidden in rows
        ]

    def unconfirmed_shipments(self, *, limit: int) -> list[ShipmentLine]:
        s = ShipmentRow
        rows = self._session.execute(
            select(s, L.ref, ITEM.name)
            .join(L, L.id == s.line_id)
            .join(ITEM, ITEM.code == L.item_code)
            .where(s.received_on.is_(None))
            .order_by(s.shipped_on, s.id)
            .limit(limit)
        )
        return [ShipmentLine(from_row(Shipment, row), ref, name) for row, ref, name in rows]

    def count_unconfirmed_shipments(self) -> int:
        return _int(
            self._session.scalar(
                select(func.count())
                .select_from(ShipmentRow)
                .where(ShipmentRow.received_on.is_(None))
            )
        )

    def count_packages(
        self, *, cycle_id: CycleId | None = None, status: PackageStatus | None = None
    ) -> int:
        return _int(
            self._session.scalar(
                select(func.count()).select_from(PackageRow).where(*_listed(cycle_id, status))
            )
        )

    def package_listings(
        self,
        *,
        cycle_id: CycleId | None = None,
        status: PackageStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[PackageListing]:
        p, line, a = PackageRow, PackageLineRow, AttributionRow
        # Sums and counts of each listed package's parts, in SQL: one row a package.
        of_line = line.package_id == p.id
        cost = select(func.sum(line.lots * line.lot_price_minor)).where(of_line)
        attributed = select(func.sum(a.amount_minor)).where(a.package_id == p.id)
        lines = select(func.count()).select_from(line).where(of_line)
        rows = self._session.execute(
            select(
                p.id, p.cycle_id, p.name, p.status, p.target_minor, p.currency, p.created_on,
                cost.scalar_subquery(), attributed.scalar_subquery(), lines.scalar_subquery(),
            )
            .where(*_listed(cycle_id, status))
            .order_by(p.id)
            .offset(offset)
            .limit(limit)
        )  # fmt: skip
        return [_listing(*row) for row in rows]

    def hidden_payer_counts(
        self, viewer: Viewer, package_ids: Collection[PackageId]
    ) -> list[HiddenPayerCount]:
        if viewer.sees_all_amounts:
            return []
        a, c = AttributionRow, ContributionRow
        wanted = sorted(set(package_ids))
        found: list[HiddenPayerCount] = []
        for at in range(0, len(wanted), IN_LIST_CHUNK):
            hidden = and_(a.package_id.in_(wanted[at : at + IN_LIST_CHUNK]), hidden_from(viewer))
            payers = func.count(c.contributor.distinct())
            paid = select(a.package_id).join(c, c.id == a.contribution_id).where(hidden)
            rows = self._session.execute(
                union_all(
                    paid.add_columns(null().cast(Integer), payers).group_by(a.package_id),
                    paid.add_columns(a.line_id, payers).group_by(a.package_id, a.line_id),
                )
            )
            found.extend(
                HiddenPayerCount(
                    PackageId(package), None if line is None else LineId(line), _int(count)
                )
                for package, line, count in rows
            )
        return sorted(found, key=lambda n: (n.package_id, n.line_id is not None, n.line_id or 0))

    def count_contributions(self, *, contributor: ParticipantCode | None = None) -> int:
        return _int(
            self._session.scalar(
                # The kept totals count them: a row per key, however many there are.
                select(func.sum(ContributionTotalRow.count)).where(
                    true()
                    if contributor is None
                    else ContributionTotalRow.contributor == contributor
                )
            )
        )

    def contribution_page(
        self, *, contributor: ParticipantCode | None = None, offset: int, limit: int
    ) -> list[Contribution]:
        c = ContributionRow
        rows = self._session.scalars(
            select(c)
            .where(_given_by(contributor))
            .order_by(c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        # The parts of the page's contributions only, in the page's order.
        return with_members(self._session, rows, c.id.in_([row.id for row in rows]))

    def count_deliveries(
        self,
        *,
        package_id: PackageId | None = None,
        received: bool | None = None,
        excluding: Collection[PackageId] = (),
    ) -> int:
        criteria = _shipped(package_id, received, excluding)
        return _int(
            self._session.scalar(select(func.count()).select_from(ShipmentRow).where(*criteria))
        )

    def deliveries(
        self,
        *,
        package_id: PackageId | None = None,
        received: bool | None = None,
        excluding: Collection[PackageId] = (),
        offset: int,
        limit: int,
    ) -> list[Shipment]:
        s = ShipmentRow
        rows = self._session.scalars(
            select(s)
            .where(*_shipped(package_id, received, excluding))
            .order_by(s.id)
            .offset(offset)
            .limit(limit)
        )
        return [from_row(Shipment, row) for row in rows]

    def givers(self) -> list[ParticipantCode]:
        # The kept totals name every contributor with a contribution: a row per key, however
        # many contributions (a key whose contributions all moved on stays, at zero).
        t = ContributionTotalRow
        codes = union(
            select(t.contributor.label("code")).where(t.count > 0),
            select(ContributionMemberRow.member.label("code")),
        ).subquery()
        found = self._session.scalars(select(codes.c.code).order_by(codes.c.code))
        return [ParticipantCode(code) for code in found]
