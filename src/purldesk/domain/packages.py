"""Packages: lines cut from the list, the money attributed to them, and their lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import NewType

from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import InvalidInput
from purldesk.domain.lifecycle import transition
from purldesk.domain.money import USD, Money
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
class Package:
    id: PackageId
    cycle_id: CycleId
    name: str
    target: Money
    created_on: date
    status: PackageStatus = PackageStatus.DRAFT
    lines: tuple[PackageLine, ...] = ()
    attributions: tuple[Attribution, ...] = ()

    @property
    def ref(self) -> str:
        return package_ref(self.id)

    @property
    def cost(self) -> Money:
        total = Money.zero(USD)
        for line in self.lines:
            total += line.cost
        return total

    @property
    def attributed(self) -> Money:
        total = Money.zero(USD)
        for part in self.attributions:
            total += part.amount
        return total

    @property
    def is_fully_attributed(self) -> bool:
        return self.attributed == self.cost

    def move_to(self, target: PackageStatus) -> Package:
        return replace(self, status=transition("package", PACKAGE_TRANSITIONS, self.status, target))


def package_ref(package_id: int) -> str:
    return f"P-{package_id:04d}"
