"""Cycles and requirement lines on SQLAlchemy, with each line's rank and change histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import _insert, _rowcount
from purldesk.adapters.storage.tables import (
    CycleRow,
    LineChangeRow,
    RankChangeRow,
    RequirementLineRow,
)
from purldesk.domain.catalog import AidClass, ItemCode
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


def _cycle(row: CycleRow) -> Cycle:
    return Cycle(
        id=CycleId(row.id), name=row.name, opens_on=row.opens_on, status=CycleStatus(row.status)
    )


class SqlCycleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, cycle_id: CycleId) -> Cycle:
        row = self._session.get(CycleRow, cycle_id)
        if row is None:
            raise NotFound("cycle", cycle_id)
        return _cycle(row)

    def find_by_name(self, name: str) -> Cycle | None:
        row = self._session.scalars(select(CycleRow).where(CycleRow.name == name)).first()
        return None if row is None else _cycle(row)

    def add(self, cycle: Cycle) -> None:
        row = CycleRow(
            id=cycle.id, name=cycle.name, opens_on=cycle.opens_on, status=cycle.status.value
        )
        keys = [(CycleRow.id == cycle.id, cycle.id), (CycleRow.name == cycle.name, cycle.name)]
        _insert(self._session, "cycle", row, keys=keys)

    def save(self, cycle: Cycle) -> None:
        result = self._session.execute(
            update(CycleRow)
            .where(CycleRow.id == cycle.id)
            .values(name=cycle.name, opens_on=cycle.opens_on, status=cycle.status.value)
        )
        if _rowcount(result) == 0:
            raise NotFound("cycle", cycle.id)

    def list(self) -> list[Cycle]:
        rows = self._session.scalars(select(CycleRow).order_by(CycleRow.opens_on, CycleRow.id))
        return [_cycle(row) for row in rows]


def _line(row: RequirementLineRow) -> RequirementLine:
    return RequirementLine(
        id=LineId(row.id),
        ref=row.ref,
        cycle_id=CycleId(row.cycle_id),
        item_code=ItemCode(row.item_code),
        area=row.area,
        aid_class=AidClass(row.aid_class),
        quantity=row.quantity,
        rank=row.rank,
        needed_by=row.needed_by,
        justification=row.justification,
        status=LineStatus(row.status),
    )


def _line_values(line: RequirementLine) -> dict[str, Any]:
    return {
        "ref": line.ref,
        "cycle_id": line.cycle_id,
        "item_code": line.item_code,
        "area": line.area,
        "aid_class": line.aid_class.value,
        "quantity": line.quantity,
        "rank": line.rank,
        "needed_by": line.needed_by,
        "justification": line.justification,
        "status": line.status.value,
    }


class SqlRequirementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, line_id: LineId) -> RequirementLine:
        row = self._session.get(RequirementLineRow, line_id)
        if row is None:
            raise NotFound("requirement line", line_id)
        return _line(row)

    def find_by_ref(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        row = self._session.scalars(
            select(RequirementLineRow).where(
                RequirementLineRow.cycle_id == cycle_id, RequirementLineRow.ref == ref
            )
        ).first()
        return None if row is None else _line(row)

    def add(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        same_ref = (RequirementLineRow.cycle_id == line.cycle_id) & (
            RequirementLineRow.ref == line.ref
        )
        _insert(
            self._session,
            "requirement line",
            RequirementLineRow(id=line.id, **_line_values(line)),
            RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by),
            keys=[
                (RequirementLineRow.id == line.id, line.id),
                (same_ref, f"{line.ref} in cycle {line.cycle_id}"),
            ],
        )

    def save(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        previous = self._session.scalar(
            select(RequirementLineRow.rank).where(RequirementLineRow.id == line.id)
        )
        if previous is None:
            raise NotFound("requirement line", line.id)
        self._session.execute(
            update(RequirementLineRow)
            .where(RequirementLineRow.id == line.id)
            .values(**_line_values(line))
        )
        if previous != line.rank:
            self._session.add(RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by))
            self._session.flush()

    def rank_history(self, line_id: LineId) -> list[RankChange]:
        rows = self._session.scalars(
            select(RankChangeRow)
            .where(RankChangeRow.line_id == line_id)
            .order_by(RankChangeRow.at, RankChangeRow.id)
        )
        return [RankChange(LineId(r.line_id), r.rank, r.at, r.by) for r in rows]

    def append_changes(self, changes: Sequence[LineChange]) -> None:
        self._session.add_all(
            LineChangeRow(
                line_id=c.line_id, field=c.field, before=c.before, after=c.after, at=c.at, by=c.by
            )
            for c in changes
        )
        self._session.flush()

    def change_history(self, line_id: LineId) -> list[LineChange]:
        rows = self._session.scalars(
            select(LineChangeRow)
            .where(LineChangeRow.line_id == line_id)
            .order_by(LineChangeRow.at, LineChangeRow.id)
        )
        return [LineChange(LineId(r.line_id), r.field, r.before, r.after, r.at, r.by) for r in rows]

    def list(self, cycle_id: CycleId) -> list[RequirementLine]:
        rows = self._session.scalars(
            select(RequirementLineRow)
            .where(RequirementLineRow.cycle_id == cycle_id)
            .order_by(RequirementLineRow.rank, RequirementLineRow.id)
        )
        return [_line(row) for row in rows]
