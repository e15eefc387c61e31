"""Use cases for cycles and the prioritized requirements list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import ClassVar, TypeVar

from purldesk.domain.access import Permission
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.errors import AlreadyExists, Conflict, InvalidInput, NotFound
from purldesk.domain.lifecycle import can_transition
from purldesk.domain.packages import PACKAGE_TRANSITIONS, PackageStatus
from purldesk.domain.requirements import (
    CYCLE_TRANSITIONS,
    JUSTIFICATION_MAX,
    LINE_TRANSITIONS,
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineEdit,
    LineId,
    LineStatus,
    RankChange,
    RankPeriod,
    RequirementLine,
    Withdrawal,
    as_it_stood,
    edit,
    line_for,
    priority_order,
    rank_periods,
    reprioritize,
    withdraw,
)
from purldesk.services import carrying
from purldesk.services.handle import Command, Context, check_lengths, command, move_one
from purldesk.services.imports import FileRow, each_row
from purldesk.services.ports import UnitOfWork

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class LineRow(FileRow):
    """One parsed row of a requirements file."""

    ref: str
    rank: int
    item_code: str
    quantity: int
    needed_by: date
    justification: str


def open_cycle(uow: UnitOfWork, *, name: str, opens_on: date) -> Cycle:
    with uow:
        if uow.cycles.find_by_name(name) is not None:
            raise AlreadyExists("cycle", name)
        cycle = Cycle(id=CycleId(uow.next_id("cycle")), name=name, opens_on=opens_on)
        uow.cycles.add(cycle)
        uow.commit()
        return cycle


def find_cycle(uow: UnitOfWork, *, name: str) -> Cycle | None:
    with uow:
        return uow.cycles.find_by_name(name)


def cycle_by_name_or_id(uow: UnitOfWork, *, text: str) -> Cycle:
    """The cycle named `text`, or else the one whose id it is; NotFound naming it otherwise."""
    with uow:
        found = uow.cycles.find_by_name(text)
        if found is None and text.isdigit():
            found = next((c for c in uow.cycles.list() if c.id == int(text)), None)
    if found is None:
        raise NotFound("cycle", text)
    return found


def move_cycle(uow: UnitOfWork, *, cycle_id: CycleId, status: CycleStatus) -> Cycle:
    """Submit (recipient), endorse (coordinator) or close a cycle."""
    return move_one(uow, lambda opened: opened.cycles, cycle_id, status)


def import_lines(
    uow: UnitOfWork, *, cycle_id: CycleId, rows: Sequence[LineRow], at: datetime, by: str
) -> list[RequirementLine]:
    """Add every row to a draft cycle, or none: all findings are reported together."""
    with uow:
        cycle = uow.cycles.get(cycle_id)
        cycle.check_editable()
        existing = uow.requirements.list(cycle_id)
        refs = {line.ref for line in existing}
        # A withdrawn line keeps its last rank out of the active order; the number is free.
        ranks = {line.rank for line in existing if line.status is not LineStatus.WITHDRAWN}
        items = uow.catalog.many(row.item_code for row in rows)
        lines = each_row(
            rows, lambda row: _line_from_row(items, row, cycle, refs, ranks), source="requirements"
        )
        line_ids = uow.next_ids("requirement_line", len(lines))
        numbered = [_with_id(ln, LineId(n)) for ln, n in zip(lines, line_ids, strict=True)]
        uow.requirements.add_many(numbered, at=at, by=by)
        uow.commit()
        return numbered


def _line_from_row(
    items: Mapping[str, CatalogItem], row: LineRow, cycle: Cycle, refs: set[str], ranks: set[int]
) -> RequirementLine:
    """The row's line (its item one of `items`), with its ref and rank taken from `refs` and
    `ranks`."""
    cycle.needed_by(row.needed_by)
    if row.ref in refs:
        raise InvalidInput("ref", f"{row.ref} is already on the list")
    if row.rank in ranks:
        raise InvalidInput("rank", f"rank {row.rank} is already taken")
    item = items.get(row.item_code)
    if item is None:
        raise InvalidInput("item_code", f"{row.item_code} is not in the catalog")
    line = line_for(
        line_id=LineId(0), ref=row.ref, cycle_id=cycle.id, item=item, quantity=row.quantity,
        rank=row.rank, needed_by=row.needed_by, justification=row.justification,
    )  # fmt: skip
    refs.add(row.ref)
    ranks.add(row.rank)
    return line


def _with_id(line: RequirementLine, line_id: LineId) -> RequirementLine:
    return replace(line, id=line_id)


def list_lines(uow: UnitOfWork, *, cycle_id: CycleId) -> list[RequirementLine]:
    """The cycle's lines in priority order; withdrawn lines, out of that order, come last."""
    with uow:
        lines = uow.requirements.list(cycle_id)
    return sorted(lines, key=lambda line: line.status is LineStatus.WITHDRAWN)


def list_as_it_stood(uow: UnitOfWork, *, cycle_id: CycleId, on: date) -> list[RequirementLine]:
    """The cycle's list as it stood at the end of `on` (UTC), in the priority order of then:
    "what was rank 3 on 1 October?" Lines added later or withdrawn by then are not on it."""
    at = datetime.combine(on, time.max, tzinfo=UTC)
    stood = []
    with uow:
        for line in uow.requirements.list(cycle_id):
            ranks = uow.requirements.rank_history(line.id)
            edits = uow.requirements.change_history(line.id)
            stood.append(as_it_stood(line, ranks, edits, at))
    return priority_order(line for line in stood if line is not None)


def move_line(
    uow: UnitOfWork, *, line_id: LineId, new_rank: int, at: datetime, by: str
) -> list[RequirementLine]:
    """Reprioritize one line; every line whose rank changes gets a new rank-history entry."""
    with uow:
        line = uow.requirements.get(line_id)
        uow.cycles.get(line.cycle_id).check_editable()
        changed = reprioritize(
            uow.requirements.list(line.cycle_id), line_id=line_id, new_rank=new_rank
        )
        for moved in changed:
            uow.requirements.save(moved, at=at, by=by)
        uow.commit()
        return changed


def edit_line(
    uow: UnitOfWork,
    *,
    line_id: LineId,
    quantity: int | None = None,
    needed_by: date | None = None,
    justification: str | None = None,
    at: datetime,
    by: str,
) -> LineEdit:
    """Change a line's quantity, needed-by date or justification; each change is kept.

    A quantity cannot change while the line is on a package that is not cancelled: the
    package bought lots of it at a price.
    """
    with uow:
        line = uow.requirements.get(line_id)
        cycle = uow.cycles.get(line.cycle_id)
        cycle.check_editable()
        if needed_by is not None:
            cycle.needed_by(needed_by)
        edited = edit(
            line, item=uow.catalog.get(line.item_code), quantity=quantity, needed_by=needed_by,
            justification=justification, at=at, by=by,
        )  # fmt: skip
        if any(change.field == "quantity" for change in edited.changes):
            _refuse_if_packaged(uow, line, "change its quantity")
        uow.requirements.save(edited.line, at=at, by=by)
        uow.requirements.append_changes(edited.changes)
        uow.commit()
        return edited


def withdraw_line(
    uow: UnitOfWork, *, line_id: LineId, reason: str, at: datetime, by: str
) -> Withdrawal:
    """Take a line off a draft list, saying why; the other active lines close up their ranks."""
    with uow:
        line = uow.requirements.get(line_id)
        uow.cycles.get(line.cycle_id).check_editable()
        _refuse_if_packaged(uow, line, "withdraw it")
        withdrawal = withdraw(
            uow.requirements.list(line.cycle_id), line_id=line_id, reason=reason, at=at, by=by
        )
        for changed in withdrawal.lines:
            uow.requirements.save(changed, at=at, by=by)
        uow.requirements.append_changes(withdrawal.changes)
        uow.commit()
        return withdrawal


def _refuse_if_packaged(uow: UnitOfWork, line: RequirementLine, action: str) -> None:
    for package in uow.packages.list(cycle_id=line.cycle_id):
        if package.status is PackageStatus.CANCELLED:
            continue
        if any(held.line_id == line.id for held in package.lines):
            advice = (
                f"; cancel the package before you {action}"
                if can_transition(PACKAGE_TRANSITIONS, package.status, PackageStatus.CANCELLED)
                else ""
            )
            raise Conflict(
                f"line {line.ref} is on package {package.ref} ({package.status}){advice}"
            )


def rank_history(uow: UnitOfWork, *, line_id: LineId) -> list[RankChange]:
    with uow:
        return uow.requirements.rank_history(line_id)


def change_history(uow: UnitOfWork, *, line_id: LineId) -> list[LineChange]:
    """Every edit of the line other than its rank, oldest first."""
    with uow:
        return uow.requirements.change_history(line_id)


def line_history(uow: UnitOfWork, *, line_id: LineId) -> list[RankPeriod]:
    """Every rank the line has held, oldest first, each with the edits made while it held it;
    a carried line's history starts with that of the line of the earlier cycle it carries on."""
    with uow:
        chain = [uow.requirements.get(line_id)]
        while (earlier := chain[-1].carried_from) is not None:
            chain.append(uow.requirements.get(earlier))
        return [
            period
            for line in reversed(chain)
            for period in rank_periods(
                uow.requirements.rank_history(line.id), uow.requirements.change_history(line.id)
            )
        ]


def resolve_cycle(uow: UnitOfWork, *, name: str | None) -> Cycle:
    """The cycle of that name, or the latest one when no name is given."""
    with uow:
        if name is not None:
            return _cycle_named(uow, name)
        cycles = uow.cycles.list()
        if not cycles:
            raise NotFound("cycle", "(none opened yet)")
        return max(cycles, key=lambda c: (c.opens_on, c.id))


def list_cycles(uow: UnitOfWork) -> list[Cycle]:
    with uow:
        return sorted(uow.cycles.list(), key=lambda c: (c.opens_on, c.id))


def find_line(uow: UnitOfWork, *, cycle_id: CycleId, ref: str) -> RequirementLine:
    with uow:
        line = uow.requirements.find_by_ref(cycle_id, ref)
        if line is None:
            raise NotFound("requirement line", ref)
        return line


# -- commands ----------------------------------------------------------------------------------
# Cycles are named by their name and lines by their ref, as people name them, so a command
# reads the same (and is audited under the same target) from the API, the dashboard and the
# command line. Each change to a line is kept in its history under the acting user's name.

CYCLE_NAME_MAX = 200


def _cycle_named(uow: UnitOfWork, name: str) -> Cycle:
    cycle = uow.cycles.find_by_name(name)
    if cycle is None:
        raise NotFound("cycle", name)
    return cycle


def _check_justification(row: LineRow) -> None:
    """The limit the domain puts on a justification, checked before any row is looked at."""
    check_lengths(justification=row.justification.strip(), at_most=JUSTIFICATION_MAX)


@command("cycles.open", Permission.OPEN_CYCLE)
class OpenCycle(Command[Cycle]):
    """Open a new cycle of the list, in draft; from `carry_from`, with its unfunded lines."""

    name: str
    opens_on: date
    carry_from: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("name", "is empty")
        check_lengths(name=self.name, at_most=CYCLE_NAME_MAX)

    def execute(self, uow: UnitOfWork, context: Context) -> Cycle:
        cycle = open_cycle(uow, name=self.name, opens_on=self.opens_on)
        if self.carry_from is not None:
            carrying.carry_into(
                uow, previous=_cycle_named(uow, self.carry_from), into=cycle, at=context.at,
                by=context.actor.name,
            )  # fmt: skip
        return cycle

    def target(self, result: Cycle) -> str:
        return result.ref


@dataclass(frozen=True, slots=True, kw_only=True)
class _MoveCycle(Command[Cycle]):
    """Move a cycle along its lifecycle; each step is its own command with its own permission."""

    lifecycle: ClassVar[Mapping[CycleStatus, frozenset[CycleStatus]]] = CYCLE_TRANSITIONS
    moves_to: ClassVar[CycleStatus]

    cycle: str

    def execute(self, uow: UnitOfWork, context: Context) -> Cycle:
        return move_cycle(uow, cycle_id=_cycle_named(uow, self.cycle).id, status=self.moves_to)

    def target(self, result: Cycle) -> str:
        return result.ref


@command("cycles.submit", Permission.SUBMIT_CYCLE, moves_to=CycleStatus.SUBMITTED)
class SubmitCycle(_MoveCycle):
    """The recipient submits its list for endorsement."""


@command("cycles.endorse", Permission.ENDORSE_CYCLE, moves_to=CycleStatus.ENDORSED)
class EndorseCycle(_MoveCycle):
    """The coordinator endorses the submitted list."""


@command("cycles.close", Permission.CLOSE_CYCLE, moves_to=CycleStatus.CLOSED)
class CloseCycle(_MoveCycle):
    """The coordinator closes an endorsed list; nothing more is allocated from it."""


@command("lines.import", Permission.EDIT_LIST)
class ImportLines(Command[list[RequirementLine]]):
    """Add every row to a draft cycle, or none: all findings are reported together."""

    cycle: str
    rows: tuple[LineRow, ...]

    def __post_init__(self) -> None:
        each_row(self.rows, _check_justification, source="requirements")

    def execute(self, uow: UnitOfWork, context: Context) -> list[RequirementLine]:
        return import_lines(
            uow, cycle_id=_cycle_named(uow, self.cycle).id, rows=self.rows, at=context.at,
            by=context.actor.name,
        )  # fmt: skip

    def target(self, result: list[RequirementLine]) -> str:
        return self.cycle


@dataclass(frozen=True, slots=True, kw_only=True)
class _OnLine(Command[R]):
    """A command on one line of a cycle's list, named by its ref."""

    permission: ClassVar[Permission] = Permission.EDIT_LIST
    lifecycle: ClassVar[Mapping[LineStatus, frozenset[LineStatus]]] = LINE_TRANSITIONS

    cycle: str
    ref: str

    def line(self, uow: UnitOfWork) -> RequirementLine:
        return find_line(uow, cycle_id=_cycle_named(uow, self.cycle).id, ref=self.ref)

    def target(self, result: R) -> str:
        return self.ref


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveLine(_OnLine[list[RequirementLine]]):
    """Reprioritize one line; every line whose rank changes gets a new rank-history entry."""

    action: ClassVar[str] = "lines.move"
    # a withdrawn line has no place in the order (reprioritize)
    acts_in: ClassVar[frozenset[LineStatus]] = frozenset(LineStatus) - {LineStatus.WITHDRAWN}

    rank: int

    def __post_init__(self) -> None:
        if self.rank < 1:
            raise InvalidInput("rank", "must be at least 1")

    def execute(self, uow: UnitOfWork, context: Context) -> list[RequirementLine]:
        return move_line(
            uow, line_id=self.line(uow).id, new_rank=self.rank, at=context.at,
            by=context.actor.name,
        )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class EditLine(_OnLine[LineEdit]):
    """Change a line's quantity, needed-by date or justification; None keeps a field."""

    action: ClassVar[str] = "lines.edit"
    # a line changes until its status is final (edit)
    acts_in: ClassVar[frozenset[LineStatus]] = frozenset(
        status for status, onward in LINE_TRANSITIONS.items() if onward
    )

    quantity: int | None = None
    needed_by: date | None = None
    justification: str | None = None

    def __post_init__(self) -> None:
        if self.quantity is not None and self.quantity < 1:
            raise InvalidInput("quantity", "must be a whole number of at least 1")
        if self.justification is not None:
            check_lengths(justification=self.justification.strip(), at_most=JUSTIFICATION_MAX)

    def execute(self, uow: UnitOfWork, context: Context) -> LineEdit:
        return edit_line(
            uow, line_id=self.line(uow).id, quantity=self.quantity, needed_by=self.needed_by,
            justification=self.justification, at=context.at, by=context.actor.name,
        )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class WithdrawLine(_OnLine[Withdrawal]):
    """Take a line off a draft list, saying why."""

    action: ClassVar[str] = "lines.withdraw"
    moves_to: ClassVar[LineStatus] = LineStatus.WITHDRAWN

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise InvalidInput("reason", "must not be empty: say why the line is withdrawn")
        check_lengths(reason=self.reason.strip(), at_most=JUSTIFICATION_MAX)

    def execute(self, uow: UnitOfWork, context: Context) -> Withdrawal:
        return withdraw_line(
            uow, line_id=self.line(uow).id, reason=self.reason, at=context.at,
            by=context.actor.name,
        )  # fmt: skip
