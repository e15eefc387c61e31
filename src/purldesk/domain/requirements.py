"""Cycles of the requirements list and their lines, with every rank a line has ever held."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import NewType

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.errors import InvalidInput
from purldesk.domain.lifecycle import transition
from purldesk.domain.money import Money

CycleId = NewType("CycleId", int)
LineId = NewType("LineId", int)


class CycleStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ENDORSED = "endorsed"
    CLOSED = "closed"


CYCLE_TRANSITIONS: Mapping[CycleStatus, frozenset[CycleStatus]] = {
    CycleStatus.DRAFT: frozenset({CycleStatus.SUBMITTED}),
    CycleStatus.SUBMITTED: frozenset({CycleStatus.ENDORSED, CycleStatus.DRAFT}),
    CycleStatus.ENDORSED: frozenset({CycleStatus.CLOSED}),
    CycleStatus.CLOSED: frozenset(),
}


class LineStatus(StrEnum):
    OPEN = "open"
    PARTLY_FUNDED = "partly_funded"
    FUNDED = "funded"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"


LINE_TRANSITIONS: Mapping[LineStatus, frozenset[LineStatus]] = {
    LineStatus.OPEN: frozenset({LineStatus.PARTLY_FUNDED, LineStatus.FUNDED, LineStatus.WITHDRAWN}),
    LineStatus.PARTLY_FUNDED: frozenset({LineStatus.OPEN, LineStatus.FUNDED, LineStatus.WITHDRAWN}),
    LineStatus.FUNDED: frozenset({LineStatus.PARTLY_FUNDED, LineStatus.OPEN, LineStatus.DELIVERED}),
    LineStatus.DELIVERED: frozenset(),
    LineStatus.WITHDRAWN: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Cycle:
    """One round of the list (monthly by default)."""

    id: CycleId
    name: str
    opens_on: date
    status: CycleStatus = CycleStatus.DRAFT

    def move_to(self, target: CycleStatus) -> Cycle:
        return replace(self, status=transition("cycle", CYCLE_TRANSITIONS, self.status, target))

    @property
    def is_editable(self) -> bool:
        return self.status is CycleStatus.DRAFT


@dataclass(frozen=True, slots=True)
class RequirementLine:
    """One need on the list: an item, a quantity, a rank (1 is most urgent) and a status."""

    id: LineId
    ref: str
    cycle_id: CycleId
    item_code: ItemCode
    area: str
    aid_class: AidClass
    quantity: int
    rank: int
    needed_by: date
    justification: str
    status: LineStatus = LineStatus.OPEN

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise InvalidInput("quantity", "must be at least 1")
        if self.rank < 1:
            raise InvalidInput("rank", "must be at least 1")

    def lots(self, item: CatalogItem) -> int:
        """Whole lots needed to cover the quantity (a partial lot is bought whole)."""
        return -(-self.quantity // item.lot_size)

    def cost(self, item: CatalogItem) -> Money:
        return item.lot_price.times(self.lots(item))

    def move_to(self, target: LineStatus) -> RequirementLine:
        return replace(
            self, status=transition("requirement line", LINE_TRANSITIONS, self.status, target)
        )


@dataclass(frozen=True, slots=True)
class RankChange:
    """A line held `rank` from `at` on, until its next change; kept forever."""

    line_id: LineId
    rank: int
    at: datetime
    by: str


def line_for(
    *,
    line_id: LineId,
    ref: str,
    cycle_id: CycleId,
    item: CatalogItem,
    quantity: int,
    rank: int,
    needed_by: date,
    justification: str,
) -> RequirementLine:
    """A new open line whose area and aid class come from its catalog item."""
    if quantity % item.lot_size:
        raise InvalidInput(
            "quantity", f"{quantity} is not a whole number of lots of {item.lot_size}"
        )
    return RequirementLine(
        id=line_id, ref=ref, cycle_id=cycle_id, item_code=item.code, area=item.area,
        aid_class=item.aid_class, quantity=quantity, rank=rank, needed_by=needed_by,
        justification=justification,
    )  # fmt: skip


def priority_order(lines: Iterable[RequirementLine]) -> list[RequirementLine]:
    """Lines in priority order: by rank, ties broken by id."""
    return sorted(lines, key=lambda line: (line.rank, line.id))


def rank_on(changes: Sequence[RankChange], at: datetime) -> int | None:
    """The rank a line held at `at`, from its changes; None if it was not yet on the list."""
    held = [(change.at, order, change) for order, change in enumerate(changes) if change.at <= at]
    if not held:
        return None
    return max(held, key=lambda entry: entry[:2])[2].rank  # same instant: the later record wins


def reprioritize(
    lines: Sequence[RequirementLine], *, line_id: LineId, new_rank: int
) -> list[RequirementLine]:
    """Move one active line to `new_rank`, shifting others so active ranks stay 1..n."""
    active = [ln for ln in priority_order(lines) if ln.status is not LineStatus.WITHDRAWN]
    moving = next((ln for ln in active if ln.id == line_id), None)
    if moving is None:
        raise InvalidInput("line", f"line {line_id} is not an active line of this list")
    if not 1 <= new_rank <= len(active):
        raise InvalidInput("rank", f"must be between 1 and {len(active)}")
    others = [ln for ln in active if ln.id != line_id]
    others.insert(new_rank - 1, moving)
    return [
        replace(line, rank=position)
        for position, line in enumerate(others, start=1)
        if line.rank != position
    ]
