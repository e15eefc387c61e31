"""Engines for SQLite (the default) and PostgreSQL, the session factory over them, and the one
way a unit of work or a reader opens and ends its session."""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, ClassVar, NewType

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from purldesk.adapters.storage.faults import fault
from purldesk.domain.errors import StorageUnavailable

# A session that is only ever read from: the reader opens it without the write lock.
ReadSession = NewType("ReadSession", Session)

# How long an SQLite writer waits for another's BEGIN IMMEDIATE before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The execution option of a connection that only reads: on SQLite it begins without the lock.
READ_ONLY = "purldesk_read_only"


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite every transaction takes the write lock up front."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: object) -> None:
    # pysqlite's own BEGIN handling is deferred and skips DDL; switch it off and emit our own
    # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock now, so two writers queue instead of one failing with
    # "database is locked" when it upgrades a read lock; this is what serialises ledger appends.
    # A reader's plain (deferred) BEGIN takes no lock: in WAL mode it reads a snapshot as of
    # its first read, while writers go on.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# The session a unit of work or a reader has open in this thread (or task), if any: a read that
# the command needs on the side (the reference rates) goes through it, not through a second
# connection, which a pool drained by writers waiting for the ledger lock would never give.
_OPEN_HERE: ContextVar[Session | None] = ContextVar("purldesk_open_session", default=None)


def session_open_here() -> Session | None:
    return _OPEN_HERE.get()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (repositories return dataclasses)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


class SessionScope:
    """One session per `with` block, rolled back (a no-op after a commit) and closed when the
    block ends; a database's "not now" leaving the block becomes StorageUnavailable
    (adapters/storage/faults.py)."""

    what: ClassVar[str]  # as errors name it: "unit of work", "reader"

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory
        self._open: Session | None = None

    @property
    def session(self) -> Session:
        """The open session."""
        if self._open is None:
            raise RuntimeError(f"the {self.what} is not open; use it in a `with` block")
        return self._open

    def _begin(self) -> Session:
        if self._open is not None:
            raise RuntimeError(f"this {self.what} is already open")
        self._open = self._sessions()
        self._here: Token[Session | None] = _OPEN_HERE.set(self._open)
        return self._open

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._open = self.session, None
        _OPEN_HERE.reset(self._here)
        try:
            session.rollback()  # undoes anything not committed; ends a reader's snapshot
        except DBAPIError as error:
            failed = fault(error)
            if failed is None:
                raise
            if exc is None:
                raise failed from error
            # else the connection went with the block's own error, reported below
        finally:
            session.close()
        if exc is not None and (unavailable := fault(exc)) is not None:
            raise unavailable from exc
        if isinstance(exc, PoolTimeout):  # every connection of the pool busy, for too long
            raise StorageUnavailable("no database connection free", retryable=False) from exc
