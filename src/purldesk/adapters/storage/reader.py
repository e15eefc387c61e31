"""The Reader port on SQLAlchemy: a read-only transaction that never takes the write lock.

SQLite begins it with a plain (deferred) BEGIN instead of the writers' BEGIN IMMEDIATE; in WAL
mode it then reads one snapshot while writers go on. PostgreSQL runs it READ ONLY and
REPEATABLE READ, so every query of a page sees the same moment.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from purldesk.adapters.storage.engine import READ_ONLY
from purldesk.adapters.storage.queries import ReadSession, SqlQueries


class SqlReader(SqlQueries):
    """`with reader: reader.cycles() ...`: each `with` is one read-only transaction."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory
        self._open: Session | None = None

    def __enter__(self) -> Self:
        if self._open is not None:
            raise RuntimeError("this reader is already open")
        session = self._open = self._sessions()
        connection = session.connection(execution_options={READ_ONLY: True})
        if connection.dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        super().__init__(ReadSession(session))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._open = self._open, None
        if session is None:
            return
        try:
            session.rollback()  # nothing was written; ends the snapshot
        finally:
            session.close()
