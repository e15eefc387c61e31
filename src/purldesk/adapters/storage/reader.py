"""The Reader port on SQLAlchemy: a read-only transaction that never takes the write lock.

SQLite begins it with a plain (deferred) BEGIN instead of the writers' BEGIN IMMEDIATE; in WAL
mode it then reads one snapshot while writers go on. PostgreSQL runs it READ ONLY and
REPEATABLE READ, so every query of a page sees the same moment.
"""

from __future__ import annotations

from typing import Any, Self

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from purldesk.adapters.storage.engine import READ_ONLY, ReadSession, SessionScope
from purldesk.adapters.storage.history_queries import SqlHistoryQueries
from purldesk.adapters.storage.queries import SqlQueries
from purldesk.adapters.storage.tables import AuditEntryRow, LedgerEntryRow
from purldesk.domain.disclosure import DEFAULT_MIN_HIDDEN_CONTRIBUTORS
from purldesk.services.memo import StateMark, ViewMemo


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

    def state_mark(self) -> StateMark:
        def head(table: type[LedgerEntryRow] | type[AuditEntryRow], column: str) -> Any:
            latest = select(getattr(table, column)).order_by(table.seq.desc()).limit(1)
            return latest.scalar_subquery()

        heads = select(
            head(LedgerEntryRow, "seq"), head(AuditEntryRow, "seq"),
            head(LedgerEntryRow, "hash"), head(AuditEntryRow, "hash"),
        )  # fmt: skip
        ledger_seq, audit_seq, ledger_hash, audit_hash = self.session.execute(heads).one()
        return StateMark(
            int(ledger_seq or 0), int(audit_seq or 0), ledger_hash or "", audit_hash or ""
        )
