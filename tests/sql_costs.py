"""Counting what SQL a piece of work costs: the statements it runs and the rows it fetches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, event

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Cost:
    statements: int
    rows: int


class _CountingCursor:
    """A DBAPI cursor that counts the rows fetched through it."""

    def __init__(self, cursor: Any, counter: SqlCounter) -> None:
        self._cursor, self._counter = cursor, counter

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        self._counter.rows += row is not None
        return row

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._cursor.fetchmany() if size is None else self._cursor.fetchmany(size)
        self._counter.rows += len(rows)
        return list(rows)

    def fetchall(self) -> list[Any]:
        rows = self._cursor.fetchall()
        self._counter.rows += len(rows)
        return list(rows)

    def __iter__(self) -> Iterator[Any]:
        for row in self._cursor:
            self._counter.rows += 1
            yield row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class SqlCounter:
    """Statements executed on an engine and rows fetched from them, since the last `cost`."""

    def __init__(self, engine: Engine) -> None:
        self.statements = self.rows = 0
        event.listen(engine, "after_cursor_execute", self._executed)

    def _executed(
        self, _conn: Any, cursor: Any, _sql: str, _params: Any, context: Any, _many: bool
    ) -> None:
        self.statements += 1
        # SQLAlchemy builds the result from context.cursor after this event: count what it reads.
        context.cursor = _CountingCursor(cursor, self)

    def measure(self, work: Callable[[], T]) -> tuple[T, Cost]:
        self.statements = self.rows = 0
        done = work()
        return done, Cost(self.statements, self.rows)
