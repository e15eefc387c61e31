"""Cycles of the requirements list and their lines, with every rank and edit a line has had."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import NewType

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.dates import not_before
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.lifecycle import transition
from purldesk.domain.money import Money, bounded, bounded_quantity

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

    @property
    def ref(self) -> str:
        """How people and the audit log name a cycle: by its name, such as 2025-09."""
        return self.name

    def move_to(self, target: CycleStatus) -> Cycle:
        return replace(self, status=transition("cycle", CYCLE_TRANSITIONS, self.status, target))

    @property
    def is_editable(self) -> bool:
        return self.status is CycleStatus.DRAFT

    def check_editable(self) -> None:
        """Refuse a change to the list of a cycle that is no longer a draft."""
        if not self.is_editable:
            raise Conflict(f"cycle {self.name} is {self.status}; only a draft list can change")

    def needed_by(self, on: date) -> date:
        """`on`, a needed-by date of a line on this cycle, unless it is before the cycle opened.

        It may be after today: it is planned, not an act."""
        return not_before(on, self.opens_on, field="needed_by", fact=f"the opening of {self.name}")


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
    carried_from: LineId | None = None  # the line of an earlier cycle it carries on

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise InvalidInput("quantity", "must be at least 1")
        bounded_quantity(self.quantity, "quantity")
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


@dataclass(frozen=True, slots=True)
class LineChange:
    """One field of a line went from `before` to `after` (as text) at `at`; kept forever.

    Ranks are not LineChanges (they are RankChanges); a withdrawal is a change of `status`
    followed by one of `reason`, which is no field of the line but says why it left the list.
    """

    line_id: LineId
    field: str
    before: str
    after: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class LineEdit:
    """A line after an edit, and the change of each field that really changed."""

    line: RequirementLine
    changes: tuple[LineChange, ...]


EDITABLE_FIELDS = ("quantity", "needed_by", "justification")
REASON = "reason"
CARRIED = "carried"
# Active lines not yet fully funded: what a new cycle carries from the previous one.
CARRIED_STATUSES = frozenset({LineStatus.OPEN, LineStatus.PARTLY_FUNDED})
JUSTIFICATION_MAX = 2000


def whole_lots(quantity: int, item: CatalogItem) -> int:
    """`quantity`, if it is whole lots of `item` that cost no more than the bound on one amount."""
    if quantity % item.lot_size:
        raise InvalidInput(
            "quantity", f"{quantity} is not a whole number of lots of {item.lot_size}"
        )
    bounded_quantity(quantity, "quantity")
    cost = item.lot_price.times(quantity // item.lot_size)
    bounded(cost, "quantity", what=f"{quantity} of {item.code}, {cost},")
    return quantity


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
    return RequirementLine(
        id=line_id, ref=ref, cycle_id=cycle_id, item_code=item.code, area=item.area,
        aid_class=item.aid_class, quantity=whole_lots(quantity, item), rank=rank, needed_by=needed_by,
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


@dataclass(frozen=True, slots=True)
class Carried:
    """A line carried into a new cycle, and the record of where it came from."""

    line: RequirementLine
    change: LineChange


def carry(
    line: RequirementLine,
    *,
    item: CatalogItem,
    funded_lots: int,
    line_id: LineId,
    rank: int,
    previous: Cycle,
    into: Cycle,
    at: datetime,
    by: str,
) -> Carried | None:
    """The line as the new cycle `into` still needs it, or None if it needs nothing more.

    Only active lines not fully funded are carried, asking only for the lots still unfunded;
    the line keeps its ref, and a needed-by date before the new opening becomes that opening.
    """
    if line.status not in CARRIED_STATUSES:
        return None
    lots = line.lots(item) - funded_lots
    if lots < 1:
        return None
    carried = replace(
        line, id=line_id, cycle_id=into.id, quantity=lots * item.lot_size, rank=rank,
        needed_by=max(line.needed_by, into.opens_on), status=LineStatus.OPEN,
        carried_from=line.id,
    )  # fmt: skip
    change = LineChange(
        line_id, CARRIED, f"{previous.name}: quantity {line.quantity}",
        f"{into.name}: quantity {carried.quantity}", at, by,
    )  # fmt: skip
    return Carried(carried, change)


def field_text(line: RequirementLine, field: str) -> str:
    """A field of the line as a LineChange records it."""
    if field == "quantity":
        return str(line.quantity)
    if field == "needed_by":
        return line.needed_by.isoformat()
    if field == "justification":
        return line.justification
    if field == "status":
        return line.status.value
    raise InvalidInput("field", f"{field!r} is not a recorded field of a line")


def _is_final(line: RequirementLine) -> bool:
    return not LINE_TRANSITIONS[line.status]


def edit(
    line: RequirementLine,
    *,
    item: CatalogItem,
    quantity: int | None = None,
    needed_by: date | None = None,
    justification: str | None = None,
    at: datetime,
    by: str,
) -> LineEdit:
    """The line with the given fields changed, and one LineChange per field that changed.

    Fields left as None are kept. An edit that changes nothing is refused, naming the field
    when one was given, so that a user who meant to change something hears that nothing did.
    """
    if item.code != line.item_code:
        raise InvalidInput("item", f"{item.code} is not the item of line {line.ref}")
    if _is_final(line):
        raise Conflict(f"line {line.ref} is {line.status}; it can no longer change")
    given = {
        name: value
        for name, value in (
            ("quantity", quantity), ("needed_by", needed_by), ("justification", justification),
        )
        if value is not None
    }  # fmt: skip
    if not given:
        raise InvalidInput("line", "nothing to change: give quantity, needed_by or justification")
    edited = line
    if quantity is not None:
        if type(quantity) is not int or quantity < 1:
            raise InvalidInput("quantity", "must be a whole number of at least 1")
        edited = replace(edited, quantity=whole_lots(quantity, item))
    if needed_by is not None:
        if type(needed_by) is not date:
            raise InvalidInput("needed_by", "must be a date")
        edited = replace(edited, needed_by=needed_by)
    if justification is not None:
        if not isinstance(justification, str):
            raise InvalidInput("justification", "must be text")
        text = justification.strip()
        if len(text) > JUSTIFICATION_MAX:
            raise InvalidInput("justification", f"must be at most {JUSTIFICATION_MAX} characters")
        edited = replace(edited, justification=text)
    changes = tuple(
        LineChange(line.id, name, field_text(line, name), field_text(edited, name), at, by)
        for name in EDITABLE_FIELDS
        if name in given and field_text(line, name) != field_text(edited, name)
    )
    if not changes:
        if len(given) == 1:
            (name,) = given
            raise InvalidInput(name, f"is already {field_text(line, name)!r}; nothing to change")
        names = ", ".join(given)
        raise InvalidInput("line", f"nothing to change: {names} are as they were")
    return LineEdit(edited, changes)


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A line taken off the list: the lines that changed (the withdrawn one first, then those
    whose rank closed up) and the changes recorded for the withdrawn line."""

    lines: tuple[RequirementLine, ...]
    changes: tuple[LineChange, ...]


def withdraw(
    lines: Sequence[RequirementLine], *, line_id: LineId, reason: str, at: datetime, by: str
) -> Withdrawal:
    """Withdraw one line of the list; the other active lines close up to ranks 1..n.

    The withdrawn line keeps the rank it last held, out of the active order. Funded and
    delivered lines cannot be withdrawn (LINE_TRANSITIONS).
    """
    text = reason.strip()
    if not text:
        raise InvalidInput("reason", "must not be empty: say why the line is withdrawn")
    if len(text) > JUSTIFICATION_MAX:
        raise InvalidInput("reason", f"must be at most {JUSTIFICATION_MAX} characters")
    leaving = next((ln for ln in lines if ln.id == line_id), None)
    if leaving is None:
        raise InvalidInput("line", f"line {line_id} is not on this list")
    withdrawn = leaving.move_to(LineStatus.WITHDRAWN)
    remaining = [
        ln
        for ln in priority_order(lines)
        if ln.status is not LineStatus.WITHDRAWN and ln.id != line_id
    ]
    closed_up = [
        replace(ln, rank=position)
        for position, ln in enumerate(remaining, start=1)
        if ln.rank != position
    ]
    changes = (
        LineChange(line_id, "status", leaving.status.value, withdrawn.status.value, at, by),
        LineChange(line_id, REASON, "", text, at, by),
    )
    return Withdrawal((withdrawn, *closed_up), changes)


def replay(line: RequirementLine, changes: Sequence[LineChange]) -> RequirementLine:
    """The line with each change applied in order: what its history says it is now.

    Each change must start from the value the previous one left (InvalidInput otherwise),
    so a gap in the history shows. `reason` and `carried` records are kept, but change no field.
    """
    current = line
    for change in changes:
        if change.field in (REASON, CARRIED):
            continue
        if field_text(current, change.field) != change.before:
            raise InvalidInput(
                change.field,
                f"history of line {line.ref} breaks: {change.before!r} follows "
                f"{field_text(current, change.field)!r}",
            )
        current = _with_text(current, change.field, change.after)
    return current


def as_it_stood(
    line: RequirementLine,
    ranks: Sequence[RankChange],
    edits: Sequence[LineChange],
    at: datetime,
) -> RequirementLine | None:
    """The line as its history says it stood at `at`: its rank then, and each edited field's
    value then. None if it was not on the list yet, or had been withdrawn by then.

    Funding states are not recorded as changes, so the status returned is only ever open or
    withdrawn; callers show the list as it stood, not how funded it was.
    """
    rank = rank_on(ranks, at)
    if rank is None:
        return None
    stood = replace(line, rank=rank, status=LineStatus.OPEN)
    for field in ("quantity", "needed_by", "justification", "status"):
        changes = [change for change in edits if change.field == field]
        done = [change for change in changes if change.at <= at]
        if done:
            stood = _with_text(stood, field, done[-1].after)
        elif changes:
            stood = _with_text(stood, field, changes[0].before)
    if stood.status is LineStatus.WITHDRAWN:
        return None
    return replace(stood, status=LineStatus.OPEN)


def _with_text(line: RequirementLine, field: str, text: str) -> RequirementLine:
    if field == "quantity":
        return replace(line, quantity=int(text))
    if field == "needed_by":
        return replace(line, needed_by=date.fromisoformat(text))
    if field == "justification":
        return replace(line, justification=text)
    return replace(line, status=LineStatus(text))


@dataclass(frozen=True, slots=True)
class RankPeriod:
    """A rank the line held from `rank.at` on, and the edits made while it held it."""

    rank: RankChange
    edits: tuple[LineChange, ...]


def rank_periods(ranks: Sequence[RankChange], edits: Sequence[LineChange]) -> list[RankPeriod]:
    """A line's whole history, oldest first: each rank it held with the edits made meanwhile.

    An edit belongs to the last rank change at or before it (an edit recorded before the
    first one, which a skewed clock could do, to the first). No rank history, no periods.
    """
    ordered = sorted(enumerate(ranks), key=lambda entry: (entry[1].at, entry[0]))
    if not ordered:
        return []
    grouped: list[list[LineChange]] = [[] for _ in ordered]
    for change in edits:
        held = [i for i, (_, rank) in enumerate(ordered) if rank.at <= change.at]
        grouped[held[-1] if held else 0].append(change)
    return [
        RankPeriod(rank, tuple(group)) for (_, rank), group in zip(ordered, grouped, strict=True)
    ]
