"""Which database errors mean "not now" rather than "not ever": the storage adapter's
translation of SQLAlchemy's and the drivers' errors into `StorageUnavailable`.

A transaction the database broke off (a lost connection, a serialization failure, a deadlock)
was rolled back as a whole and may be tried again at once; a busy SQLite file has already been
waited for (the busy timeout) and is only reported. Everything else (a constraint, a missing
table, a bug) is not translated: retrying it would fail the same way.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from purldesk.domain.errors import StorageUnavailable

# PostgreSQL SQLSTATEs (Appendix A of its manual) of a transaction it broke off as a whole.
ROLLED_BACK = {"40001": "serialization failure", "40P01": "deadlock detected"}
# ... and of a connection it closed or would not open: class 08, and operator intervention.
DISCONNECTED = {"57P01": "terminated by the server", "57P02": "server crashed",
                "57P03": "server starting up"}  # fmt: skip
# SQLite's result codes for a file another connection holds (SQLITE_BUSY, SQLITE_LOCKED).
SQLITE_BUSY = {5, 6}


def fault(error: BaseException, *, committing: bool = False) -> StorageUnavailable | None:
    """`error` as StorageUnavailable, if it is a database's "not now"; None if it is not.

    `committing`: the error came from COMMIT, so a lost connection leaves the outcome unknown
    (the server may have committed before the connection went).
    """
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in ROLLED_BACK:
        return StorageUnavailable(ROLLED_BACK[sqlstate], retryable=True)
    if error.connection_invalidated or _is_disconnect(sqlstate, error):
        reason = DISCONNECTED.get(sqlstate or "", "connection failed or lost")
        return StorageUnavailable(reason, retryable=True, outcome_unknown=committing)
    if getattr(original, "sqlite_errorcode", None) in SQLITE_BUSY:
        return StorageUnavailable("database is busy", retryable=False)
    return None


def _is_disconnect(sqlstate: str | None, error: DBAPIError) -> bool:
    if sqlstate is not None:
        return sqlstate.startswith("08") or sqlstate in DISCONNECTED
    # psycopg reports a refused or broken connection as an OperationalError with no SQLSTATE
    return isinstance(error, OperationalError) and type(error.orig).__module__.startswith("psycopg")
