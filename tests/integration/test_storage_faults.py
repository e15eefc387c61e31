"""Which driver errors the storage adapter reports as StorageUnavailable, and whether they may
be tried again: the drivers' own exception classes, wrapped as SQLAlchemy wraps them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.exc import IntegrityError, OperationalError

from purldesk.adapters.storage.faults import fault


def wrapped(error: Exception) -> OperationalError:
    return OperationalError("COMMIT", {}, error)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (errors.SerializationFailure("could not serialize access"), "serialization failure"),
        (errors.DeadlockDetected("deadlock detected"), "deadlock detected"),
        (errors.AdminShutdown("terminating connection"), "terminated by the server"),
        (psycopg.OperationalError("server closed the connection"), "connection failed or lost"),
    ],
)
def test_a_transaction_the_server_broke_off_may_be_tried_again(
    error: Exception, reason: str
) -> None:
    found = fault(wrapped(error))
    assert found is not None
    assert (found.reason, found.retryable, found.outcome_unknown) == (reason, True, False)


def test_a_connection_lost_during_commit_leaves_the_outcome_unknown() -> None:
    found = fault(wrapped(errors.AdminShutdown("terminating connection")), committing=True)
    assert found is not None
    assert found.outcome_unknown
    # a refused serialization is a rollback whenever it comes
    refused = fault(wrapped(errors.SerializationFailure("x")), committing=True)
    assert refused is not None
    assert not refused.outcome_unknown


def test_a_busy_sqlite_file_is_unavailable_but_not_tried_again(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        waiter.close()
        holder.close()
    found = fault(wrapped(busy.value))
    assert found is not None
    assert (found.reason, found.retryable) == ("database is busy", False)


def test_other_errors_are_not_faults() -> None:
    duplicate = IntegrityError("INSERT", {}, errors.UniqueViolation("duplicate key"))
    assert fault(duplicate) is None
    assert fault(wrapped(sqlite3.OperationalError("no such table: contributions"))) is None
    assert fault(ValueError("not a database error")) is None
