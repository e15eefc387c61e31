"""Packages: lines cut from the list, the money attributed to them, and their lifecycle."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import NewType

from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.dates import not_before
from purldesk.domain.errors import InvalidInput
from purldesk.domain.lifecycle import transition
from purldesk.domain.money import USD, Money, bounded, bounded_quantity, split, total
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId, LineId

PackageId = NewType("PackageId", int)

DEFAULT_TARGET = Money(50_000_000_000, USD)  # USD 500M


class PackageStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    VALIDATED = "validated"
    FUNDED = "funded"
    ACCEPTED = "accepted"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


_P = PackageStatus
PACKAGE_TRANSITIONS: Mapping[PackageStatus, frozenset[PackageStatus]] = {
    _P.DRAFT: frozenset({_P.PROPOSED, _P.CANCELLED}),
    _P.PROPOSED: frozenset({_P.VALIDATED, _P.DRAFT, _P.CANCELLED}),
    _P.VALIDATED: frozenset({_P.FUNDED, _P.CANCELLED}),
    _P.FUNDED: frozenset({_P.ACCEPTED, _P.VALIDATED, _P.CANCELLED}),
    _P.ACCEPTED: frozenset({_P.DELIVERING, _P.CANCELLED}),
    _P.DELIVERING: frozenset({_P.DELIVERED}),
    _P.DELIVERED: frozenset({_P.CLOSED}),
    _P.CLOSED: frozenset(),
    _P.CANCELLED: frozenset(),
}

# Once the supplier has accepted, money is owed to it; before that it can still go back.
MONEY_RETURNABLE = frozenset({_P.DRAFT, _P.PROPOSED, _P.VALIDATED, _P.FUNDED})


@dataclass(frozen=True, slots=True)
class PackageLine:
    """A requirement line in a package: whole lots at the lot price of the day."""

    line_id: LineId
    item_code: ItemCode
    lots: int
    lot_price: Money

    def __post_init__(self) -> None:
        if self.lots < 1:
            raise InvalidInput("lots", "must be at least 1")
        bounded_quantity(self.lots, "lots")
        bounded(self.lot_price, "lot_price")
        bounded(self.cost, "lots", what=f"{self.lots} lots at {self.lot_price}")

    @property
    def cost(self) -> Money:
        return self.lot_price.times(self.lots)


@dataclass(frozen=True, slots=True)
class Attribution:
    """This much of this contribution pays for this line of the package (USD)."""

    contribution_id: ContributionId
    line_id: LineId
    amount: Money


@dataclass(frozen=True, slots=True)
class Restriction:
    """A package's contents (its items, lines and who pays which line) are not published: only
    the organizations the coordinator `cleared`, besides those who must know, see them."""

    cleared: frozenset[ParticipantCode] = frozenset()


@dataclass(frozen=True, slots=True)
class Package:
    id: PackageId
    cycle_id: CycleId
    name: str
    target: Money
    created_on: date
    status: PackageStatus = PackageStatus.DRAFT
    lines: tuple[PackageLine, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    accepted_on: date | None = None  # the day the supplier accepted it, once it has
    restriction: Restriction | None = None  # None: its contents are published

    def __post_init__(self) -> None:
        bounded(self.target, "target")

    @property
    def ref(self) -> str:
        return package_ref(self.id)

    def step_on(self, on: date) -> date:
        """`on`, the date of a step of the package's lifecycle, unless it is before the draft."""
        return not_before(on, self.created_on, field="on", fact=f"the draft of {self.ref}")

    def accept_on(self, on: date) -> Package:
        """The package accepted by its supplier on `on`."""
        accepted = self.move_to(PackageStatus.ACCEPTED)
        return replace(accepted, accepted_on=self.step_on(on))

    def shipment_on(self, on: date) -> date:
        """`on`, the date of a shipment, unless it is before the supplier accepted the package."""
        accepted_on = self.created_on if self.accepted_on is None else self.accepted_on
        return not_before(on, accepted_on, field="shipped_on", fact=f"the acceptance of {self.ref}")

    @property
    def cost(self) -> Money:
        return total((line.cost for line in self.lines), USD)

    def restricted_to(self, cleared: Iterable[ParticipantCode] | None) -> Package:
        """The package with its contents restricted to `cleared` (None: published again)."""
        restriction = None if cleared is None else Restriction(frozenset(cleared))
        return replace(self, restriction=restriction)

    @property
    def attributed(self) -> Money:
        return total((part.amount for part in self.attributions), USD)

    @property
    def is_fully_attributed(self) -> bool:
        return self.attributed == self.cost

    def move_to(self, target: PackageStatus) -> Package:
        return replace(self, status=transition("package", PACKAGE_TRANSITIONS, self.status, target))


def package_ref(package_id: int) -> str:
    return f"P-{package_id:04d}"


def parse_package_ref(text: str, *, field: str = "package") -> PackageId:
    """Accept 'P-0012' or '12'."""
    raw = text.strip().upper().removeprefix("P-")
    if not raw.isdigit() or int(raw) < 1 or int(raw) > 2**31 - 1:
        raise InvalidInput(field, f"{text!r} is not a package reference like P-0012")
    return PackageId(int(raw))


def line_costs(package: Package) -> dict[LineId, int]:
    """What each requirement line of the package costs (USD minor units), in package order."""
    costs: dict[LineId, int] = {}
    for line in package.lines:
        costs[line.line_id] = costs.get(line.line_id, 0) + line.cost.minor
    return costs


def paid_by_line(package: Package) -> dict[LineId, int]:
    """What the attributions pay for each line (USD minor units)."""
    paid: dict[LineId, int] = {}
    for part in package.attributions:
        paid[part.line_id] = paid.get(part.line_id, 0) + part.amount.minor
    return paid


def shortfall(package: Package) -> dict[LineId, int]:
    """Lines whose cost exceeds what is attributed to them, and by how much."""
    return short_of(package, paid_by_line(package))


def short_of(package: Package, paid: Mapping[LineId, int]) -> dict[LineId, int]:
    """`shortfall`, given what is attributed to each line (`paid`, USD minor units)."""
    return {
        line_id: cost - paid.get(line_id, 0)
        for line_id, cost in line_costs(package).items()
        if cost > paid.get(line_id, 0)
    }


def is_paid_exactly(package: Package) -> bool:
    """Every line is paid exactly by its attributions, and nothing else is paid."""
    return paid_by_line(package) == {k: v for k, v in line_costs(package).items() if v}


@dataclass(frozen=True, slots=True)
class Repricing:
    """A package at the supplier's new lot prices: what goes back, and what is now missing."""

    package: Package  # new prices; each surplus taken off its line's attributions
    released: tuple[Attribution, ...]  # money no longer needed, per contribution and line
    shortfall: Mapping[LineId, int]  # lines that now cost more than is attributed to them


def reprice(package: Package, prices: Mapping[LineId, Money]) -> Repricing:
    """The package at new lot prices (lines not named keep theirs).

    A line's surplus is split over its payers in proportion to what each pays for it, by
    largest remainder with ties to the lower contribution id, so the parts sum exactly.
    """
    known = {line.line_id for line in package.lines}
    for line_id, price in prices.items():
        if line_id not in known:
            raise InvalidInput("prices", f"line {line_id} is not in {package.ref}")
        if price.currency != USD or not price.is_positive:
            raise InvalidInput("prices", f"the lot price of line {line_id} must be positive USD")
        bounded(price, "prices", what=f"the lot price of line {line_id}, {price},")
    lines = tuple(
        replace(line, lot_price=prices.get(line.line_id, line.lot_price)) for line in package.lines
    )
    repriced = replace(package, lines=lines)
    costs, paid = line_costs(repriced), paid_by_line(package)
    released: list[Attribution] = []
    kept: list[Attribution] = []
    for line_id in costs:
        parts = [part for part in package.attributions if part.line_id == line_id]
        surplus = paid.get(line_id, 0) - costs[line_id]
        if surplus <= 0:
            kept.extend(parts)
            continue
        by_payer: dict[ContributionId, int] = {}
        for part in parts:
            by_payer[part.contribution_id] = (
                by_payer.get(part.contribution_id, 0) + part.amount.minor
            )
        payers = sorted(by_payer)
        shares = split(surplus, [by_payer[c] for c in payers])
        for payer, share in zip(payers, shares, strict=True):
            if share:
                released.append(Attribution(payer, line_id, Money(share, USD)))
            if by_payer[payer] - share:
                kept.append(Attribution(payer, line_id, Money(by_payer[payer] - share, USD)))
    result = replace(repriced, attributions=tuple(kept))
    return Repricing(result, tuple(released), shortfall(result))
