"""Use cases for cycles and the prioritized requirements list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from purldesk.domain.errors import (
    AlreadyExists,
    Conflict,
    ImportRejected,
    InvalidInput,
    NotFound,
    RowError,
)
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineId,
    RankChange,
    RequirementLine,
    line_for,
    reprioritize,
)
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class LineRow:
    """One parsed row of a requirements file; `line` is its line number in the file."""

    line: int
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


def move_cycle(uow: UnitOfWork, *, cycle_id: CycleId, status: CycleStatus) -> Cycle:
    """Submit (recipient), endorse (coordinator) or close a cycle."""
    with uow:
        moved = uow.cycles.get(cycle_id).move_to(status)
        uow.cycles.save(moved)
        uow.commit()
        return moved


def import_lines(
    uow: UnitOfWork, *, cycle_id: CycleId, rows: Sequence[LineRow], at: datetime, by: str
) -> list[RequirementLine]:
    """Add every row to a draft cycle, or none: all findings are reported together."""
    with uow:
        cycle = uow.cycles.get(cycle_id)
        if not cycle.is_editable:
            raise Conflict(f"cycle {cycle.name} is {cycle.status}; only a draft list can change")
        existing = uow.requirements.list(cycle_id)
        refs = {line.ref for line in existing}
        ranks = {line.rank for line in existing}
        errors: list[RowError] = []
        lines: list[RequirementLine] = []
        for row in rows:
            line = _line_from_row(uow, row, cycle_id, refs, ranks, errors)
            if line is not None:
                lines.append(line)
        if errors:
            raise ImportRejected("requirements", errors)
        numbered = [_with_id(line, LineId(uow.next_id("requirement_line"))) for line in lines]
        for line in numbered:
            uow.requirements.add(line, at=at, by=by)
        uow.commit()
        return numbered


def _line_from_row(
    uow: UnitOfWork,
    row: LineRow,
    cycle_id: CycleId,
    refs: set[str],
    ranks: set[int],
    errors: list[RowError],
) -> RequirementLine | None:
    if row.ref in refs:
        errors.append(RowError(row.line, "ref", f"{row.ref} is already on the list"))
        return None
    if row.rank in ranks:
        errors.append(RowError(row.line, "rank", f"rank {row.rank} is already taken"))
        return None
    item = uow.catalog.find(row.item_code)
    if item is None:
        errors.append(RowError(row.line, "item_code", f"{row.item_code} is not in the catalog"))
        return None
    try:
        line = line_for(
            line_id=LineId(0), ref=row.ref, cycle_id=cycle_id, item=item, quantity=row.quantity,
            rank=row.rank, needed_by=row.needed_by, justification=row.justification,
        )  # fmt: skip
    except InvalidInput as error:
        errors.append(RowError(row.line, error.field, error.message))
        return None
    refs.add(row.ref)
    ranks.add(row.rank)
    return line


def _with_id(line: RequirementLine, line_id: LineId) -> RequirementLine:
    return replace(line, id=line_id)


def list_lines(uow: UnitOfWork, *, cycle_id: CycleId) -> list[RequirementLine]:
    with uow:
        return uow.requirements.list(cycle_id)


def move_line(
    uow: UnitOfWork, *, line_id: LineId, new_rank: int, at: datetime, by: str
) -> list[RequirementLine]:
    """Reprioritize one line; every line whose rank changes gets a new rank-history entry."""
    with uow:
        line = uow.requirements.get(line_id)
        cycle = uow.cycles.get(line.cycle_id)
        if not cycle.is_editable:
            raise Conflict(f"cycle {cycle.name} is {cycle.status}; only a draft list can change")
        changed = reprioritize(
            uow.requirements.list(line.cycle_id), line_id=line_id, new_rank=new_rank
        )
        for moved in changed:
            uow.requirements.save(moved, at=at, by=by)
        uow.commit()
        return changed


def rank_history(uow: UnitOfWork, *, line_id: LineId) -> list[RankChange]:
    with uow:
        return uow.requirements.rank_history(line_id)


def resolve_cycle(uow: UnitOfWork, *, name: str | None) -> Cycle:
    """The cycle of that name, or the latest one when no name is given."""
    with uow:
        if name is not None:
            cycle = uow.cycles.find_by_name(name)
            if cycle is None:
                raise NotFound("cycle", name)
            return cycle
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
