"""Engines for SQLite (the default) and PostgreSQL, and the session factory over them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

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


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (repositories return dataclasses)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
