"""The dashboard's read model: view dataclasses for each page, as one viewer may see them.

Every contribution read here goes through `access.redact` (and a package's money through
`access.redact_attributions`), exactly as the API does; templates only format what they get.
The public is a viewer that owns nothing and sees no confidential amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from purldesk.domain import ledger
from purldesk.domain.access import (
    Actor,
    ContributionView,
    Permission,
    Role,
    UserId,
    can,
    redact,
    redact_attributions,
    totals,
)
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.deliveries import Shipment
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageStatus, shortfall
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import (
    LINE_TRANSITIONS,
    REASON,
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    LineStatus,
    RequirementLine,
    rank_periods,
)
from purldesk.services import packages as package_services
from purldesk.services.ports import UnitOfWork

# Redaction for the public: a viewer of no organization, in a role that sees no hidden amount.
PUBLIC = Actor(UserId(0), "public", ParticipantCode("-"), Role.RECIPIENT)

LIVE = frozenset(
    {ContributionStatus.PLEDGED, ContributionStatus.COMMITTED, ContributionStatus.RECEIVED,
     ContributionStatus.ALLOCATED, ContributionStatus.DISBURSED}
)  # fmt: skip
RANK_BAND = 50  # coverage by rank is shown in bands of this many ranks


def _percent(part: int, whole: int) -> int:
    """A whole percent, rounded down, so 100 means complete."""
    return 0 if whole <= 0 else min(100, part * 100 // whole)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: a label, a value and the value it is measured against."""

    label: str
    value_minor: int
    whole_minor: int
    text: str  # the value as people read it

    @property
    def percent(self) -> int:
        return _percent(self.value_minor, self.whole_minor)


@dataclass(frozen=True, slots=True)
class PackageSummary:
    id: PackageId
    ref: str
    name: str
    status: str
    cycle: str
    cost: Money
    target: Money

    @property
    def percent(self) -> int:
        return _percent(self.cost.minor, self.target.minor)


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    shipment_id: int
    package_ref: str
    package_id: int
    line_ref: str
    item_name: str
    quantity: int
    shipped_on: date
    received_on: date | None

    @property
    def ref(self) -> str:
        return shipment_ref(self.shipment_id)


def shipment_ref(shipment_id: int) -> str:
    """How the dashboard names a shipment: S-0007."""
    return f"S-{shipment_id:04d}"


@dataclass(frozen=True, slots=True)
class OverviewView:
    cycle: Cycle | None
    pledged: Mapping[str, Money]  # visible pledges by currency
    received_usd: Money
    allocated_usd: Money
    disbursed_usd: Money
    counted: int
    undisclosed_count: int
    packages: list[PackageSummary]
    funded_through_rank: int  # every line up to this rank is fully funded (0: not even rank 1)
    lines_count: int
    coverage_by_rank: list[Bar]
    coverage_by_area: list[Bar]
    coverage_by_aid_class: list[Bar]
    by_contributor: list[Bar]
    deliveries: list[DeliveryRow]
    since: date


@dataclass(frozen=True, slots=True)
class LineRow:
    id: LineId
    rank: int
    ref: str
    item_name: str
    area: str
    aid_class: str
    quantity: int
    cost: Money
    funded: Money
    needed_by: date
    status: str

    @property
    def funded_percent(self) -> int:
        return _percent(self.funded.minor, self.cost.minor)


@dataclass(frozen=True, slots=True)
class RequirementsView:
    cycles: list[Cycle]
    cycle: Cycle | None
    lines: list[LineRow]
    can_edit: bool  # the viewer may reorder now (its role, and a draft list)
    can_submit: bool
    can_endorse: bool
    can_allocate: bool

    @property
    def active_lines(self) -> list[LineRow]:
        """The lines in the priority order, withdrawn ones left out."""
        return [line for line in self.lines if line.status != LineStatus.WITHDRAWN.value]

    @property
    def withdrawn_lines(self) -> list[LineRow]:
        return [line for line in self.lines if line.status == LineStatus.WITHDRAWN.value]


@dataclass(frozen=True, slots=True)
class RankHistoryRow:
    """One entry of a line's history: a rank it took, or an edit made while it held `rank`."""

    rank: int
    at: str
    by: str
    change: str = ""


@dataclass(frozen=True, slots=True)
class LineHistoryView:
    cycle: Cycle
    line: LineRow
    history: list[RankHistoryRow]  # newest first
    justification: str = ""
    lot_size: int = 1
    can_edit: bool = False  # the viewer may edit the line now (its role, a draft list, its status)
    can_withdraw: bool = False


@dataclass(frozen=True, slots=True)
class PackageLineRow:
    line_id: LineId
    line_ref: str
    rank: int
    item_name: str
    lots: int
    quantity: int
    lot_price: Money
    cost: Money
    shipped: int
    received: int

    @property
    def left_to_ship(self) -> int:
        return max(0, self.quantity - self.shipped)


@dataclass(frozen=True, slots=True)
class PaymentRow:
    contributor: str  # "undisclosed" for the folded bucket
    contribution_ref: str
    line_ref: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PackageDetail:
    summary: PackageSummary
    lines: list[PackageLineRow]
    payments: list[PaymentRow]
    shipments: list[DeliveryRow]
    actions: list[str]  # what the viewer may do now, by action name (see PACKAGE_ACTIONS)
    short_usd: Money  # what re-pricing left unpaid, until a top-up


@dataclass(frozen=True, slots=True)
class ContributionRow:
    view: ContributionView
    contributor_name: str
    usd: Money | None
    actions: list[str]


@dataclass(frozen=True, slots=True)
class ContributionsView:
    rows: list[ContributionRow]
    own_only: bool
    can_pledge: bool
    organization: str
    received_usd: Money
    undisclosed_count: int


@dataclass(frozen=True, slots=True)
class StatementRow:
    contribution_ref: str
    package_ref: str
    package_status: str
    line_ref: str
    item_name: str
    amount: Money
    shipped: int
    received: int


@dataclass(frozen=True, slots=True)
class StatementView:
    contributor: str
    contributor_name: str
    contributions: list[ContributionRow]
    rows: list[StatementRow]
    unallocated_usd: Money
    spent_usd: Money


# -- overview ----------------------------------------------------------------------------------


def _latest(cycles: Sequence[Cycle]) -> Cycle | None:
    return max(cycles, key=lambda c: (c.opens_on, c.id)) if cycles else None


def _live_packages(found: Iterable[Package]) -> list[Package]:
    return [p for p in found if p.status is not PackageStatus.CANCELLED]


def _summary(package: Package, cycles: Mapping[CycleId, Cycle]) -> PackageSummary:
    cycle = cycles.get(package.cycle_id)
    return PackageSummary(
        package.id, package.ref, package.name, package.status.value,
        cycle.name if cycle else "", package.cost, package.target,
    )  # fmt: skip


def _funded_minor(
    lines: Sequence[RequirementLine],
    items: Mapping[ItemCode, CatalogItem],
    lots: Mapping[LineId, int],
) -> dict[LineId, int]:
    return {
        line.id: min(lots.get(line.id, 0), line.lots(items[line.item_code]))
        * items[line.item_code].lot_price.minor
        for line in lines
    }


def _coverage(groups: Mapping[str, tuple[int, int]]) -> list[Bar]:
    return [
        Bar(label, funded, cost, f"{_percent(funded, cost)}% of {Money(cost, USD).format()}")
        for label, (funded, cost) in groups.items()
    ]


def overview(uow: UnitOfWork, *, viewer: Actor = PUBLIC, today: date) -> OverviewView:
    """Where the mechanism stands, as `viewer` may see it; hidden amounts are only counted."""
    with uow:
        names = {p.code: p.name for p in uow.participants.list()}
        items = {i.code: i for i in uow.catalog.list()}
        cycles = uow.cycles.list()
        cycle = _latest(cycles)
        lines = [
            ln for ln in (uow.requirements.list(cycle.id) if cycle else [])
            if ln.status is not LineStatus.WITHDRAWN
        ]  # fmt: skip
        lots = package_services.funded_lots(uow, cycle_id=cycle.id) if cycle else {}
        views = [redact(viewer, c) for c in uow.contributions.list() if c.status in LIVE]
        found = _live_packages(uow.packages.list())
        balances = uow.ledger.balances()
        shipments = uow.shipments.list()
        all_lines = {p.id: p for p in found}
        line_refs = _line_refs(uow, found)
    summed = totals(views)
    disbursed = sum(
        v for (account, currency), v in balances.items()
        if currency == USD and ledger.account_kind(account) == "disbursed"
    )  # fmt: skip
    allocated = sum(p.cost.minor for p in found)
    funded = _funded_minor(lines, items, lots)
    through = 0
    for line in lines:
        if funded[line.id] < line.cost(items[line.item_code]).minor:
            break
        through = line.rank
    by_rank: dict[str, tuple[int, int]] = {}
    by_area: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    by_class: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for line in lines:
        cost = line.cost(items[line.item_code]).minor
        band = (line.rank - 1) // RANK_BAND
        key = f"ranks {band * RANK_BAND + 1}–{(band + 1) * RANK_BAND}"
        for groups, label in ((by_rank, key), (by_area, line.area), (by_class, line.aid_class)):
            have, whole = groups.get(label, (0, 0))
            groups[label] = (have + funded[line.id], whole + cost)
    received: dict[str, int] = defaultdict(int)  # by the name shown; anonymous money in one
    for view in views:
        if view.conversion is not None:
            received[_giver(view, names)] += view.conversion.converted.minor
    top = max(received.values(), default=0)
    by_contributor = [
        Bar(label, value, top, Money(value, USD).format())
        for label, value in sorted(received.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    since = today - timedelta(days=30)
    cycles_by_id = {c.id: c for c in cycles}
    return OverviewView(
        cycle=cycle, pledged=summed.pledged, received_usd=summed.received_usd,
        allocated_usd=Money(allocated, USD), disbursed_usd=Money(disbursed, USD),
        counted=summed.counted, undisclosed_count=summed.undisclosed_count,
        packages=[_summary(p, cycles_by_id) for p in found], funded_through_rank=through,
        lines_count=len(lines), coverage_by_rank=_coverage(by_rank),
        coverage_by_area=sorted(_coverage(by_area), key=lambda b: b.label),
        coverage_by_aid_class=sorted(_coverage(by_class), key=lambda b: b.label),
        by_contributor=by_contributor,
        deliveries=[
            _delivery(s, all_lines, line_refs, items) for s in shipments
            if s.shipped_on >= since or (s.received_on is not None and s.received_on >= since)
        ],
        since=since,
    )  # fmt: skip


def _line_refs(uow: UnitOfWork, found: Iterable[Package]) -> dict[LineId, RequirementLine]:
    wanted = {line.line_id for p in found for line in p.lines}
    return {line_id: uow.requirements.get(line_id) for line_id in sorted(wanted)}


def _delivery(
    shipment: Shipment,
    found: Mapping[PackageId, Package],
    lines: Mapping[LineId, RequirementLine],
    items: Mapping[ItemCode, CatalogItem],
) -> DeliveryRow:
    package = found.get(shipment.package_id)
    line = lines.get(shipment.line_id)
    item = items.get(line.item_code) if line else None
    return DeliveryRow(
        shipment.id, package.ref if package else f"P-{shipment.package_id:04d}",
        shipment.package_id, line.ref if line else str(shipment.line_id),
        item.name if item else "", shipment.quantity, shipment.shipped_on, shipment.received_on,
    )  # fmt: skip


# -- requirements ------------------------------------------------------------------------------


def _line_row(
    line: RequirementLine, items: Mapping[ItemCode, CatalogItem], funded: Mapping[LineId, int]
) -> LineRow:
    item = items[line.item_code]
    return LineRow(
        line.id, line.rank, line.ref, item.name, line.area, line.aid_class.value, line.quantity,
        line.cost(item), Money(funded.get(line.id, 0), USD), line.needed_by, line.status.value,
    )  # fmt: skip


def requirements(uow: UnitOfWork, *, viewer: Actor, cycle_name: str | None) -> RequirementsView:
    with uow:
        cycles = sorted(uow.cycles.list(), key=lambda c: (c.opens_on, c.id))
        cycle = (
            next((c for c in cycles if c.name == cycle_name), None) if cycle_name
            else _latest(cycles)
        )  # fmt: skip
        if cycle_name and cycle is None:
            raise NotFound("cycle", cycle_name)
        items = {i.code: i for i in uow.catalog.list()}
        lines = uow.requirements.list(cycle.id) if cycle else []
        lots = package_services.funded_lots(uow, cycle_id=cycle.id) if cycle else {}
    funded = _funded_minor(lines, items, lots)
    status = cycle.status if cycle else None
    return RequirementsView(
        cycles=cycles, cycle=cycle, lines=[_line_row(ln, items, funded) for ln in lines],
        can_edit=status is CycleStatus.DRAFT and can(viewer, Permission.EDIT_LIST),
        can_submit=status is CycleStatus.DRAFT and can(viewer, Permission.SUBMIT_CYCLE),
        can_endorse=status is CycleStatus.SUBMITTED and can(viewer, Permission.ENDORSE_CYCLE),
        can_allocate=status is CycleStatus.ENDORSED and can(viewer, Permission.BUILD_PACKAGE),
    )  # fmt: skip


def line_history(
    uow: UnitOfWork, *, cycle_name: str, ref: str, viewer: Actor | None = None
) -> LineHistoryView:
    """A line with every rank it held and every edit, newest first; what the viewer may do."""
    with uow:
        cycle = uow.cycles.find_by_name(cycle_name)
        if cycle is None:
            raise NotFound("cycle", cycle_name)
        line = uow.requirements.find_by_ref(cycle.id, ref)
        if line is None:
            raise NotFound("requirement line", ref)
        items = {i.code: i for i in uow.catalog.list()}
        lots = package_services.funded_lots(uow, cycle_id=cycle.id)
        periods = rank_periods(
            uow.requirements.rank_history(line.id), uow.requirements.change_history(line.id)
        )
    funded = _funded_minor([line], items, lots)
    oldest_first: list[RankHistoryRow] = []
    previous: int | None = None
    for period in periods:
        taken = period.rank
        moved = (
            f"rank {previous} → {taken.rank}" if previous is not None
            else f"added at rank {taken.rank}"
        )  # fmt: skip
        oldest_first.append(RankHistoryRow(taken.rank, _instant(taken.at), taken.by, moved))
        previous = taken.rank
        for edit in period.edits:
            oldest_first.append(
                RankHistoryRow(taken.rank, _instant(edit.at), edit.by, _edit_text(edit))
            )
    editable = (
        cycle.status is CycleStatus.DRAFT
        and viewer is not None
        and can(viewer, Permission.EDIT_LIST)
        and bool(LINE_TRANSITIONS[line.status])
    )
    return LineHistoryView(
        cycle, _line_row(line, items, funded), oldest_first[::-1],
        justification=line.justification, lot_size=items[line.item_code].lot_size,
        can_edit=editable,
        can_withdraw=editable and LineStatus.WITHDRAWN in LINE_TRANSITIONS[line.status],
    )  # fmt: skip


def _instant(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _edit_text(edit: LineChange) -> str:
    if edit.field == REASON:
        return f"reason: {edit.after}"
    label = edit.field.replace("_", " ")
    return f"{label}: {edit.before} → {edit.after}"


# -- packages ----------------------------------------------------------------------------------

# What may be done to a package in each status, and the permission it takes. `ship` and
# `confirm` are offered only while some line has units left to ship or some shipment awaits
# confirmation; `top_up` only while re-pricing has left a line short of money.
PACKAGE_ACTIONS: Mapping[PackageStatus, tuple[tuple[str, Permission], ...]] = {
    PackageStatus.DRAFT: (
        ("propose", Permission.BUILD_PACKAGE), ("cancel", Permission.CANCEL_PACKAGE),
    ),
    PackageStatus.PROPOSED: (
        ("validate", Permission.VALIDATE_PACKAGE), ("cancel", Permission.CANCEL_PACKAGE),
    ),
    PackageStatus.VALIDATED: (
        ("top_up", Permission.BUILD_PACKAGE), ("cancel", Permission.CANCEL_PACKAGE),
    ),
    PackageStatus.FUNDED: (
        ("accept", Permission.ACCEPT_PACKAGE), ("cancel", Permission.CANCEL_PACKAGE),
    ),
    PackageStatus.ACCEPTED: (("ship", Permission.SHIP),),
    PackageStatus.DELIVERING: (("ship", Permission.SHIP), ("confirm", Permission.CONFIRM_RECEIPT)),
    PackageStatus.DELIVERED: (("close", Permission.CLOSE_PACKAGE),),
}  # fmt: skip
ACTION_PERMISSIONS: Mapping[str, Permission] = {
    action: permission for pairs in PACKAGE_ACTIONS.values() for action, permission in pairs
}


def package_actions(
    viewer: Actor, package: Package, lines: Sequence[PackageLineRow], shipments: Sequence[Shipment]
) -> list[str]:
    """What `viewer` may do to `package` now, in the order the page offers them."""
    offered = []
    for action, permission in PACKAGE_ACTIONS.get(package.status, ()):
        if not can(viewer, permission):
            continue
        if action == "ship" and not any(line.left_to_ship for line in lines):
            continue
        if action == "confirm" and all(s.is_confirmed for s in shipments):
            continue
        if action == "top_up" and not shortfall(package):
            continue
        offered.append(action)
    return offered


def package_list(uow: UnitOfWork) -> list[PackageSummary]:
    with uow:
        cycles = {c.id: c for c in uow.cycles.list()}
        return [_summary(p, cycles) for p in uow.packages.list()]


def package_detail(uow: UnitOfWork, *, viewer: Actor, package_id: PackageId) -> PackageDetail:
    with uow:
        package = uow.packages.get(package_id)
        cycles = {c.id: c for c in uow.cycles.list()}
        items = {i.code: i for i in uow.catalog.list()}
        lines = _line_refs(uow, [package])
        shipments = uow.shipments.list(package_id=package.id)
        owners = {
            cid: uow.contributions.get(cid)
            for cid in sorted({part.contribution_id for part in package.attributions})
        }
        names = {p.code: p.name for p in uow.participants.list()}
    shipped: dict[LineId, int] = defaultdict(int)
    received: dict[LineId, int] = defaultdict(int)
    for s in shipments:
        shipped[s.line_id] += s.quantity
        if s.received_on is not None:
            received[s.line_id] += s.quantity
    rows = []
    for pl in package.lines:
        line = lines[pl.line_id]
        item = items[pl.item_code]
        rows.append(
            PackageLineRow(
                pl.line_id, line.ref, line.rank, item.name, pl.lots, pl.lots * item.lot_size,
                pl.lot_price, pl.cost, shipped[pl.line_id], received[pl.line_id],
            )
        )  # fmt: skip
    payments = []
    for part in redact_attributions(viewer, package, owners):
        if part.contribution_id is None:
            payments.append(PaymentRow("undisclosed", "", "", part.amount))
            continue
        owner = redact(viewer, owners[part.contribution_id])
        line_ref = lines[LineId(part.line_id)].ref if part.line_id is not None else ""
        payments.append(PaymentRow(_giver(owner, names), owner.ref, line_ref, part.amount))
    return PackageDetail(
        _summary(package, cycles), rows, payments,
        [_delivery(s, {package.id: package}, lines, items) for s in shipments],
        package_actions(viewer, package, rows, shipments),
        Money(sum(shortfall(package).values()), USD),
    )  # fmt: skip


# -- contributions -----------------------------------------------------------------------------


ANONYMOUS = "Anonymous"  # how a giver who chose anonymity is named to everyone else


def _giver(view: ContributionView, names: Mapping[ParticipantCode, str]) -> str:
    """The contributor's name as the viewer may know it."""
    if view.contributor is None:
        return ANONYMOUS
    return names.get(view.contributor, view.contributor)


def _contribution_actions(viewer: Actor, view: ContributionView) -> list[str]:
    own = viewer.organization == view.contributor
    actions = []
    status = view.status
    if status is ContributionStatus.PLEDGED and own and can(viewer, Permission.COMMIT_CONTRIBUTION):
        actions.append("commit")
    if status in (ContributionStatus.PLEDGED, ContributionStatus.COMMITTED) and (
        own or viewer.role is Role.COORDINATOR
    ) and can(viewer, Permission.RECEIVE_CONTRIBUTION):  # fmt: skip
        actions.append("receive")
    if status in (ContributionStatus.PLEDGED, ContributionStatus.COMMITTED) and own and can(
        viewer, Permission.CANCEL_CONTRIBUTION
    ):  # fmt: skip
        actions.append("cancel")
    if own and can(viewer, Permission.SET_DISCLOSURE):
        actions.append("disclosure")
    return actions


def _row(viewer: Actor, c: Contribution, names: Mapping[ParticipantCode, str]) -> ContributionRow:
    view = redact(viewer, c)
    usd = view.conversion.converted if view.conversion is not None else None
    return ContributionRow(view, _giver(view, names), usd, _contribution_actions(viewer, view))


def contributions(uow: UnitOfWork, *, viewer: Actor) -> ContributionsView:
    """A contributor's own contributions in full; other readers see all of them, redacted."""
    own_only = viewer.role is Role.CONTRIBUTOR
    with uow:
        names = {p.code: p.name for p in uow.participants.list()}
        found = uow.contributions.list(contributor=viewer.organization if own_only else None)
    rows = [_row(viewer, c, names) for c in found]
    summed = totals(r.view for r in rows)
    return ContributionsView(
        rows=rows, own_only=own_only, can_pledge=can(viewer, Permission.PLEDGE),
        organization=viewer.organization, received_usd=summed.received_usd,
        undisclosed_count=summed.undisclosed_count,
    )  # fmt: skip


# -- statement ---------------------------------------------------------------------------------


def statement(uow: UnitOfWork, *, viewer: Actor, contributor: str) -> StatementView:
    """Where each of a contributor's dollars went: contribution, package, line, delivery.

    Only the contributor itself and roles that see every amount may read it.
    """
    code = contributor.strip().upper()
    if viewer.role is Role.CONTRIBUTOR and viewer.organization != code:
        raise NotFound("statement", code)
    if viewer.role not in (Role.CONTRIBUTOR, Role.COORDINATOR, Role.AUDITOR):
        raise NotFound("statement", code)
    with uow:
        participant = uow.participants.get(code)
        names = {p.code: p.name for p in uow.participants.list()}
        own = uow.contributions.list(contributor=participant.code)
        ids = {c.id for c in own}
        found = [
            p for p in uow.packages.list() if any(a.contribution_id in ids for a in p.attributions)
        ]
        items = {i.code: i for i in uow.catalog.list()}
        lines = _line_refs(uow, found)
        shipments = [s for p in found for s in uow.shipments.list(package_id=p.id)]
        balances = uow.ledger.balances()
    rows_by_ref = {c.id: _row(viewer, c, names) for c in own}
    shipped: dict[tuple[PackageId, LineId], int] = defaultdict(int)
    received: dict[tuple[PackageId, LineId], int] = defaultdict(int)
    for s in shipments:
        shipped[s.package_id, s.line_id] += s.quantity
        if s.received_on is not None:
            received[s.package_id, s.line_id] += s.quantity
    rows = []
    for package in found:
        for part in package.attributions:
            if (
                part.contribution_id not in ids
                or rows_by_ref[part.contribution_id].view.amount is None
            ):
                continue
            line = lines[part.line_id]
            key = (package.id, part.line_id)
            rows.append(
                StatementRow(
                    rows_by_ref[part.contribution_id].view.ref, package.ref, package.status.value,
                    line.ref, items[line.item_code].name, part.amount, shipped[key], received[key],
                )
            )  # fmt: skip
    unallocated = sum(ledger.balance(balances, ledger.pool(cid)).minor for cid in ids)
    return StatementView(
        participant.code, participant.name, list(rows_by_ref.values()), rows,
        Money(unallocated, USD), Money(sum(r.amount.minor for r in rows), USD),
    )  # fmt: skip


def contribution_owner(uow: UnitOfWork, *, contribution_id: ContributionId) -> str:
    with uow:
        return uow.contributions.get(contribution_id).contributor
