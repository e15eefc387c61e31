"""The Reader port on SQLAlchemy: a read-only transaction that never takes the write lock.

SQLite begins it with a plain (deferred) BEGIN instead of the writers' BEGIN IMMEDIATE; in WAL
mode it then reads one snapshot while writers go on. PostgreSQL runs it READ ONLY and
REPEATABLE READ, so every query of a page sees the same moment.
"""

from __future__ import annotations

from typing import Self

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from purldesk.adapters.storage.engine import READ_ONLY, ReadSession, SessionScope
from purldesk.adapters.storage.history_queries import SqlHistoryQueries
from purldesk.adapters.storage.queries import SqlQueries
from purldesk.adapters.storage.tables import AuditEntryRow, LedgerEntryRow
from purldesk.domain.disclosure import DEFAULT_MIN_HIDDEN_CONTRIBUTORS
from purldesk.services.memo import ViewMemo


class SqlReader(SessionScope, SqlQueries, SqlHistoryQueries):
    """`with reader: reader.cycles() ...`: each `with` is one read-only transaction."""

    what = "reader"

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        min_hidden_contributors: int = DEFAULT_MIN_HIDDEN_CONTRIBUTORS,
        memo: ViewMemo | None = None,
    ) -> None:
        SessionScope.__init__(self, session_factory)
        self.min_hidden_contributors = min_hidden_contributors
        self.memo = memo or ViewMemo()

    def __enter__(self) -> Self:
        session = self._begin()
        connection = session.connection(execution_options={READ_ONLY: True})
        if connection.dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        SqlQueries.__init__(self, ReadSession(session))
        return self

    def state_mark(self) -> tuple[int, int]:
        both = select(
            select(func.coalesce(func.max(LedgerEntryRow.seq), 0)).scalar_subquery(),
            select(func.coalesce(func.max(AuditEntryRow.seq), 0)).scalar_subquery(),
        )
        ledger, audit = self.session.execute(both).one()
        return int(ledger), int(audit)
