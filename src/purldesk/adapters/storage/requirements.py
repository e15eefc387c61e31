"""Cycles and requirement lines on SQLAlchemy, with each line's rank and change histories."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.exc import IntegrityError

from purldesk.adapters.storage.repository import (
    NamedRecords,
    TableRepository,
    columns_of,
    from_columns,
    from_row,
    to_columns,
)
from purldesk.adapters.storage.tables import (
    CycleRow,
    LineChangeRow,
    RankChangeRow,
    RequirementLineRow,
)
from purldesk.domain.errors import NotFound
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    LineChange,
    LineId,
    RankChange,
    RequirementLine,
)

HistoryRow = TypeVar("HistoryRow", RankChangeRow, LineChangeRow)
Change = TypeVar("Change", RankChange, LineChange)


class SqlCycleRepository(NamedRecords[CycleRow, Cycle]):
    table, record_type, entity = CycleRow, Cycle, "cycle"

    def list(self) -> list[Cycle]:
        return self._where(order_by=[CycleRow.opens_on, CycleRow.id])


class SqlRequirementRepository(TableRepository[RequirementLineRow, RequirementLine]):
    """Lines with their rank history (kept by `add` and `save`) and their change history."""

    table, record_type, entity = RequirementLineRow, RequirementLine, "requirement line"

    def _unique(self, line: RequirementLine) -> list[tuple[ColumnElement[bool], object]]:
        same_ref = (RequirementLineRow.cycle_id == line.cycle_id) & (
            RequirementLineRow.ref == line.ref
        )
        return [*super()._unique(line), (same_ref, f"{line.ref} in cycle {line.cycle_id}")]

    def find_by_ref(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        return self._first(RequirementLineRow.cycle_id == cycle_id, RequirementLineRow.ref == ref)

    def add(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        self._insert(line, RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by))

    def add_many(self, lines: Sequence[RequirementLine], *, at: datetime, by: str) -> None:
        if not lines:
            return
        ranks = [{"line_id": ln.id, "rank": ln.rank, "at": at, "by": by} for ln in lines]
        try:
            with self._session.begin_nested():
                self._session.add_all([self._row(line) for line in lines])
                self._session.flush()
                # A bulk insert: the ORM would insert row by row to learn each new id.
                self._session.execute(insert(RankChangeRow), ranks)
        except IntegrityError:  # one by one, to refuse the first line as `add` does
            for line in lines:
                self.add(line, at=at, by=by)
            raise

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

    def rank_histories(self) -> list[RankChange]:
        return self._histories(RankChangeRow, RankChange)

    def change_histories(self) -> list[LineChange]:
        return self._histories(LineChangeRow, LineChange)

    def _histories(self, table: type[HistoryRow], record_type: type[Change]) -> list[Change]:
        """Every line's rows of a history table, by line id, then in the order they were made;
        plain rows of the record's columns, in one query (an export reads them all)."""
        columns = [getattr(table, f.name) for f in fields(record_type)]
        rows = self._session.execute(select(*columns).order_by(table.line_id, table.at, table.id))
        return [record_type(*row) for row in rows]

    def append_changes(self, changes: Sequence[LineChange]) -> None:
        if changes:  # a bulk insert, as `add_many` makes
            self._session.execute(insert(LineChangeRow), [to_columns(c) for c in changes])

    def change_history(self, line_id: LineId) -> list[LineChange]:
        return self._history(LineChangeRow, LineChange, line_id)

    def list(self, cycle_id: CycleId) -> list[RequirementLine]:
        # A cycle has hundreds of lines: built from plain rows, not ORM objects (cheaper).
        line = RequirementLineRow
        rows = self._session.execute(
            select(*columns_of(line, RequirementLine))
            .where(line.cycle_id == cycle_id)
            .order_by(line.rank, line.id)
        )
        return [from_columns(RequirementLine, row) for row in rows]

    def successor(self, line_id: LineId) -> RequirementLine | None:
        return self._first(RequirementLineRow.carried_from == line_id)

    def carried(self, line_ids: Collection[LineId], /) -> set[LineId]:
        if not line_ids:
            return set()
        carried_from = RequirementLineRow.carried_from
        rows = self._session.scalars(select(carried_from).where(carried_from.in_(line_ids)))
        return {LineId(line_id) for line_id in rows if line_id is not None}
