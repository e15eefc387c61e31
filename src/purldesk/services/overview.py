"""The public overview: totals, the list and contributions, with confidential amounts folded."""

from __future__ import annotations

from dataclasses import dataclass

from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import Cycle
from purldesk.services.ports import UnitOfWork

LIVE = frozenset(
    {ContributionStatus.PLEDGED, ContributionStatus.COMMITTED, ContributionStatus.RECEIVED,
     ContributionStatus.ALLOCATED, ContributionStatus.DISBURSED}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PublicContribution:
    ref: str
    contributor: str
    contributor_name: str
    status: str
    pledged_on: str
    amount: Money | None  # None: confidential
    usd: Money | None


@dataclass(frozen=True, slots=True)
class PublicLine:
    rank: int
    ref: str
    item_name: str
    area: str
    aid_class: str
    quantity: int
    cost: Money
    status: str


@dataclass(frozen=True, slots=True)
class Overview:
    cycle: Cycle | None
    received_usd: Money
    undisclosed_count: int
    pledged_count: int
    list_value: Money
    lines: list[PublicLine]
    contributions: list[PublicContribution]


def public_overview(uow: UnitOfWork) -> Overview:
    """What anyone may see; a confidential amount never appears, not even inside a total."""
    with uow:
        names: dict[str, str] = {p.code: p.name for p in uow.participants.list()}
        items = {i.code: i for i in uow.catalog.list()}
        cycles = sorted(uow.cycles.list(), key=lambda c: (c.opens_on, c.id))
        cycle = cycles[-1] if cycles else None
        lines = uow.requirements.list(cycle.id) if cycle else []
        found = [c for c in uow.contributions.list() if c.status in LIVE]
    received = Money.zero(USD)
    for c in found:
        if c.usd is not None and not c.confidential:
            received += c.usd
    list_value = Money.zero(USD)
    public_lines = []
    for line in lines:
        item = items[line.item_code]
        cost = line.cost(item)
        list_value += cost
        public_lines.append(
            PublicLine(line.rank, line.ref, item.name, line.area, line.aid_class, line.quantity,
                       cost, line.status)
        )  # fmt: skip
    return Overview(
        cycle=cycle,
        received_usd=received,
        undisclosed_count=sum(1 for c in found if c.confidential),
        pledged_count=len(found),
        list_value=list_value,
        lines=public_lines,
        contributions=[_public(c, names) for c in found],
    )


def _public(c: Contribution, names: dict[str, str]) -> PublicContribution:
    return PublicContribution(
        ref=c.ref, contributor=c.contributor, contributor_name=names.get(c.contributor, c.contributor),
        status=c.status.value, pledged_on=c.pledged_on.isoformat(),
        amount=None if c.confidential else c.amount,
        usd=None if c.confidential else c.usd,
    )  # fmt: skip
