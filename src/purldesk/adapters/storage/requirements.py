"""Cycles and requirement lines on SQLAlchemy, with each line's rank and change histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select

from purldesk.adapters.storage.repository import (
    StoredRecords,
    TableRepository,
    from_row,
    to_columns,
)
from purldesk.adapters.storage.tables import (
    CycleRow,
    LineChangeRow,
    RankChangeRow,
    RequirementLineRow,
)
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import NotFound
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    LineStatus,
    RankChange,
    RequirementLine,
)

HistoryRow = TypeVar("HistoryRow", RankChangeRow, LineChangeRow)
Change = TypeVar("Change", RankChange, LineChange)


def _cycle(row: CycleRow) -> Cycle:
    return from_row(Cycle, row, status=CycleStatus(row.status))


class SqlCycleRepository(StoredRecords[CycleRow, Cycle]):
    table, entity = CycleRow, "cycle"

    def _record(self, row: CycleRow) -> Cycle:
        return _cycle(row)

    def _columns(self, cycle: Cycle) -> dict[str, Any]:
        return to_columns(cycle)

    def _unique(self, cycle: Cycle) -> list[tuple[ColumnElement[bool], object]]:
        return [*super()._unique(cycle), (CycleRow.name == cycle.name, cycle.name)]

    def find_by_name(self, name: str) -> Cycle | None:
        return self._first(CycleRow.name == name)

    def list(self) -> list[Cycle]:
        return self._where(order_by=[CycleRow.opens_on, CycleRow.id])


def _line(row: RequirementLineRow) -> RequirementLine:
    return from_row(
        RequirementLine, row, aid_class=AidClass(row.aid_class), status=LineStatus(row.status)
    )


class SqlRequirementRepository(TableRepository[RequirementLineRow, RequirementLine]):
    """Lines with their rank history (kept by `add` and `save`) and their change history."""

    table, entity = RequirementLineRow, "requirement line"

    def _record(self, row: RequirementLineRow) -> RequirementLine:
        return _line(row)

    def _columns(self, line: RequirementLine) -> dict[str, Any]:
        return to_columns(line)

    def _unique(self, line: RequirementLine) -> list[tuple[ColumnElement[bool], object]]:
        same_ref = (RequirementLineRow.cycle_id == line.cycle_id) & (
            RequirementLineRow.ref == line.ref
        )
        return [*super()._unique(line), (same_ref, f"{line.ref} in cycle {line.cycle_id}")]

    def find_by_ref(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        return self._first(RequirementLineRow.cycle_id == cycle_id, RequirementLineRow.ref == ref)

    def add(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        self._insert(line, RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by))

    def save(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        previous = self._session.scalar(
            select(RequirementLineRow.rank).where(RequirementLineRow.id == line.id)
        )
        if previous is None:
            raise NotFound("requirement line", line.id)
        self._update(line)
        if previous != line.rank:
            self._session.add(RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by))
            self._session.flush()

    def _history(
        self, table: type[HistoryRow], record_type: type[Change], line_id: LineId
    ) -> list[Change]:
        """The line's rows of a history table, in the order they were made (time, then id)."""
        rows = self._session.scalars(
            select(table).where(table.line_id == line_id).order_by(table.at, table.id)
        )
        return [from_row(record_type, row) for row in rows]

    def rank_history(self, line_id: LineId) -> list[RankChange]:
        return self._history(RankChangeRow, RankChange, line_id)

    def append_changes(self, changes: Sequence[LineChange]) -> None:
        self._session.add_all(LineChangeRow(**to_columns(change)) for change in changes)
        self._session.flush()

    def change_history(self, line_id: LineId) -> list[LineChange]:
        return self._history(LineChangeRow, LineChange, line_id)

    def list(self, cycle_id: CycleId) -> list[RequirementLine]:
        order = [RequirementLineRow.rank, RequirementLineRow.id]
        return self._where(RequirementLineRow.cycle_id == cycle_id, order_by=order)
