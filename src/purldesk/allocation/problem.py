"""Inputs and outputs of the allocation engine: plain frozen values, money in int minor units."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NewType

LineId = NewType("LineId", str)
FundId = NewType("FundId", str)

PROBLEM_FORMAT = "purldesk.allocation/1"
RESULT_FORMAT = "purldesk.allocation-result/1"
# The bound on one count of units, as the domain's on any input quantity (MAX_QUANTITY).
MAX_UNITS = 10**9


class AidClass(StrEnum):
    """What kind of materiel a line buys; contributions may be restricted to some of these."""

    HUMANITARIAN = "humanitarian"
    NONLETHAL = "nonlethal"
    DEFENSIVE = "defensive"
    LETHAL = "lethal"


class InvalidProblem(ValueError):
    """An allocation document is malformed; `path` is the JSON path of the offending value."""

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True, slots=True)
class Line:
    """One requirement line: `lots` whole lots wanted at `lot_price_minor` each.

    A line that names the supply `item` it draws on takes `units_per_lot` of that item's units
    per lot; the problem says how many units of each item are available (none said: unlimited).
    """

    id: LineId
    rank: int
    aid_class: AidClass
    area: str
    lot_price_minor: int
    lots: int
    item: str | None = None
    units_per_lot: int = 1


@dataclass(frozen=True, slots=True)
class Fund:
    """Money one contribution makes available; `None` restrictions mean unrestricted."""

    id: FundId
    contributor: str
    available_minor: int
    aid_classes: frozenset[AidClass] | None = None
    areas: frozenset[str] | None = None

    def is_eligible_for(self, line: Line) -> bool:
        """Whether this fund may pay for `line`."""
        return (self.aid_classes is None or line.aid_class in self.aid_classes) and (
            self.areas is None or line.area in self.areas
        )


@dataclass(frozen=True, slots=True)
class AllocationProblem:
    """Lines (any order; solved in `(rank, id)` order), funds and an optional cap on the total.

    `units_available` bounds, per supply item, the units all lines of that item may take
    together (`lots × units_per_lot` summed); an item it does not name is unlimited.
    """

    currency: str
    lines: tuple[Line, ...]
    funds: tuple[Fund, ...]
    cap_minor: int | None = None
    exponent: int | None = None  # the currency's decimals, to word reasons in money
    units_available: Mapping[str, int] = field(default_factory=dict)


BlockReason = Literal[
    "no_eligible_money", "capacity_reached", "cap_reached", "eligible_money_exhausted"
]


@dataclass(frozen=True, slots=True)
class Blocked:
    """Why a line got fewer lots than requested."""

    reason: BlockReason
    short_minor: int  # cost of the lots not funded
    competing_lines: tuple[LineId, ...]  # nearest higher-ranked lines that took the money
    message: str


@dataclass(frozen=True, slots=True)
class LineAllocation:
    """The outcome for one line; `by_fund` holds non-zero parts sorted by fund id."""

    id: LineId
    funded_lots: int
    funded_minor: int
    by_fund: tuple[tuple[FundId, int], ...]
    blocked_by: Blocked | None


@dataclass(frozen=True, slots=True)
class FundUsage:
    """How much of one fund the allocation uses."""

    id: FundId
    used_minor: int
    left_minor: int


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """Lines in `(rank, id)` order and funds in id order."""

    currency: str
    lines: tuple[LineAllocation, ...]
    funds: tuple[FundUsage, ...]
