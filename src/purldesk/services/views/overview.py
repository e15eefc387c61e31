"""The overview: where the mechanism stands, as one viewer may see it (the transparency report
is the public's overview)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from purldesk.domain.access import Viewer
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.confidentiality import Totals
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.disclosure import withheld_reason
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import Cycle, CycleStatus, LineId, LineStatus, RequirementLine
from purldesk.services.read_ports import ContributionGroup, MemberReceived, Reader
from purldesk.services.views.rows import (
    NOTHING_WITHHELD,
    Bar,
    DeliveryRow,
    PackageSummary,
    delivery,
    giver,
    percent,
    restricted_from,
    summary,
    withheld_packages,
)

LIVE = frozenset(
    {ContributionStatus.PLEDGED, ContributionStatus.COMMITTED, ContributionStatus.RECEIVED,
     ContributionStatus.ALLOCATED, ContributionStatus.DISBURSED}
)  # fmt: skip
RANK_BAND = 50  # coverage by rank is shown in bands of this many ranks
LATEST_SHIPMENTS = 12  # the deliveries listed: those last sent or received
# The cycles the public page shows unless asked for another: the list the coordinator endorsed.
SHOWN_STATUSES = frozenset({CycleStatus.ENDORSED, CycleStatus.CLOSED})


class ContributorsBy(StrEnum):
    """Who the received money is shown by: each contributor as it gave (a group as one), or a
    group's members by their parts where the group listed them."""

    GROUPS = "groups"
    MEMBERS = "members"


@dataclass(frozen=True, slots=True)
class OverviewView:
    cycle: Cycle | None
    pledged: Mapping[str, Money]  # visible pledges by currency
    received_usd: Money
    allocated_usd: Money | None  # None: withheld, with `withheld` saying why
    disbursed_usd: Money | None
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
    since: date  # the earliest day among the deliveries listed (today if none)
    cycles: list[Cycle] = field(default_factory=list)  # the cycles one may choose to see
    withheld: str = ""  # why the figures that are None are not published ("": none is)
    contributors_by: ContributorsBy = ContributorsBy.GROUPS


def group_totals(groups: Iterable[ContributionGroup]) -> Totals:
    """What `confidentiality.totals` gives for redacted views, from groups the reader already folded:
    money of a giver anonymous to the viewer is summed in USD only, as `redact` shows it."""
    pledged: dict[str, int] = defaultdict(int)
    received = counted = undisclosed = 0
    for group in groups:
        counted += group.count
        if group.currency is None:
            undisclosed += group.count
            continue
        if group.contributor is not None or group.currency == USD:
            pledged[group.currency] += group.pledged_minor or 0
        received += group.received_usd_minor or 0
    return Totals(
        {code: Money(minor, Money.zero(code).currency) for code, minor in sorted(pledged.items())},
        Money(received, USD), counted, undisclosed,
    )  # fmt: skip


def funded_minor(
    lines: Sequence[RequirementLine],
    items: Mapping[ItemCode, CatalogItem],
    lots: Mapping[LineId, int],
) -> dict[LineId, int]:
    """What packages hold of each line's cost, in whole lots up to what the line needs."""
    return {
        line.id: min(lots.get(line.id, 0), line.lots(items[line.item_code]))
        * items[line.item_code].lot_price.minor
        for line in lines
    }


def _coverage(groups: Mapping[str, tuple[int, int]]) -> list[Bar]:
    return [
        Bar(label, funded, cost, f"{percent(funded, cost)}% of {Money(cost, USD).format()}")
        for label, (funded, cost) in groups.items()
    ]


def shown_cycle(cycles: Sequence[Cycle], *, today: date, asked: str | None = None) -> Cycle | None:
    """The cycle asked for by name; else the latest endorsed one that has opened by `today`
    (a cycle planned far ahead does not take over), else the latest that has opened, else the
    latest."""
    if asked:
        found = next((c for c in cycles if c.name == asked), None)
        if found is None:
            raise NotFound("cycle", asked)
        return found
    opened = [c for c in cycles if c.opens_on <= today]
    endorsed = [c for c in opened if c.status in SHOWN_STATUSES]
    for candidates in (endorsed, opened, cycles):
        if candidates:
            return candidates[-1]
    return None


def received_by_giver(
    groups: Iterable[ContributionGroup],
    names: Mapping[ParticipantCode, str],
    members: Iterable[MemberReceived] = (),
) -> dict[str, int]:
    """Received USD by the giver's name as the viewer may know it (anonymous money in one);
    with `members`, what each member gave through a group moves from the group to the member.
    Those are parts of contributions the viewer sees in full, so nothing hidden moves."""
    received: dict[str, int] = defaultdict(int)
    for group in groups:
        if group.currency is not None and group.received_usd_minor is not None:
            received[giver(group.contributor, names)] += group.received_usd_minor
    for part in members:
        received[giver(part.group, names)] -= part.received_usd_minor
        received[giver(part.member, names)] += part.received_usd_minor
    return {name: minor for name, minor in received.items() if minor}


def overview(
    reader: Reader,
    *,
    viewer: Viewer,
    today: date,
    cycle_name: str | None = None,
    contributors_by: ContributorsBy = ContributorsBy.GROUPS,
) -> OverviewView:
    """Where the mechanism stands, as `viewer` may see it; hidden amounts are only counted, and
    a total they would follow from is withheld."""
    with reader:
        names = {p.code: p.name for p in reader.participants()}
        items = reader.items()
        cycles = reader.cycles()
        cycle = shown_cycle(cycles, today=today, asked=cycle_name)
        lines = [
            ln for ln in (reader.lines(cycle.id) if cycle else [])
            if ln.status is not LineStatus.WITHDRAWN
        ]  # fmt: skip
        hidden = restricted_from(reader, viewer)
        lots = reader.funded_lots(cycle.id, excluding=hidden) if cycle else {}
        groups = reader.contribution_groups(viewer, statuses=LIVE)
        members = (
            reader.member_received(viewer, statuses=LIVE)
            if contributors_by is ContributorsBy.MEMBERS
            else []
        )
        found = reader.package_totals(with_cancelled=False)
        withheld = withheld_packages(reader, viewer)
        disbursed = reader.balance_of_kind("disbursed", currency=USD)
        # A restricted package's shipments are left out by the query, so the viewer gets as
        # many deliveries as it may see, and nothing is read off the others.
        shown = reader.latest_shipments(LATEST_SHIPMENTS, excluding=hidden)
    summed = group_totals(groups)
    # One withheld package cost withholds the sums over packages, which would give it back.
    sealed = any(withheld.get(p.id, NOTHING_WITHHELD).whole for p in found)
    reason = withheld_reason(viewer.bucket_minimum(reader.min_hidden_contributors))
    funded = funded_minor(lines, items, lots)
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
        for bars, label in ((by_rank, key), (by_area, line.area), (by_class, line.aid_class)):
            have, whole = bars.get(label, (0, 0))
            bars[label] = (have + funded[line.id], whole + cost)
    received = received_by_giver(groups, names, members)
    top = max(received.values(), default=0)
    by_contributor = [
        Bar(label, value, top, Money(value, USD).format())
        for label, value in sorted(received.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return OverviewView(
        cycle=cycle, pledged=summed.pledged, received_usd=summed.received_usd,
        allocated_usd=None if sealed else Money(sum(p.cost_minor for p in found), USD),
        disbursed_usd=None if sealed else Money(disbursed, USD), counted=summed.counted,
        undisclosed_count=summed.undisclosed_count,
        packages=[summary(p, withheld.get(p.id, NOTHING_WITHHELD)) for p in found],
        funded_through_rank=through, lines_count=len(lines),
        coverage_by_rank=_coverage(by_rank),
        coverage_by_area=sorted(_coverage(by_area), key=lambda b: b.label),
        coverage_by_aid_class=sorted(_coverage(by_class), key=lambda b: b.label),
        by_contributor=by_contributor,
        deliveries=[delivery(s.shipment, line_ref=s.line_ref, item_name=s.item_name)
                    for s in shown],
        since=min((s.shipment.received_on or s.shipment.shipped_on for s in shown), default=today),
        cycles=cycles,
        withheld=reason if sealed else "", contributors_by=contributors_by,
    )  # fmt: skip
