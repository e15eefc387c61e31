"""Database faults during writes, on PostgreSQL: a backend killed mid-transaction with
`pg_terminate_backend`, or as it commits, serialization failures and deadlocks. The write is
tried again in a new transaction and applied exactly once, or answered 503 with nothing
written; a commit whose outcome is unknown is tried again only when its key would replay it;
a connection killed while idle in the pool costs the next request nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from api_world import MovableClock, World, make_settings, seed_users
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from database_world import CHEAP_PASSWORDS, libpq_dsn
from purldesk.bootstrap import build
from purldesk.domain.access import operator
from purldesk.domain.errors import StorageUnavailable
from purldesk.domain.money import USD, Money
from purldesk.services import contributions

pytestmark = pytest.mark.postgres

PLEDGE = {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"}
# Late in a pledge's transaction: its contribution, ledger entries and tree are written by then.
AUDIT_INSERT = "INSERT INTO audit_entries"


@pytest.fixture
def world(postgres_url: str, apps: Any) -> Iterator[World]:
    """A world on PostgreSQL only: what is tested here are PostgreSQL's own faults."""
    wired = build(make_settings(postgres_url), clock=MovableClock(), passwords=CHEAP_PASSWORDS)
    app = apps.borrow(wired)
    client = TestClient(app, raise_server_exceptions=False)
    yield World(client, wired, MovableClock(), seed_users(wired))
    client.close()
    wired.close()
    apps.free.append(app)


class Faults:
    """Breaks the next `times` statements of the engine that start with `statement`, by `how`
    (the statement, its parameters and the DB-API connection) returning the statement to run
    instead; counts what it broke."""

    def __init__(self, engine: Engine, statement: str, how: Callable[..., str]) -> None:
        self.engine, self.statement, self.how = engine, statement, how
        self.times = 0
        self.broken = 0
        event.listen(engine, "before_cursor_execute", self._before, retval=True)

    def _before(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> tuple[str, Any]:
        if self.times > 0 and statement.startswith(self.statement):
            self.times -= 1
            self.broken += 1
            return self.how(conn.connection.dbapi_connection, statement), parameters
        return statement, parameters

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)


def kill_backend(admin_dsn: str) -> Callable[..., str]:
    """Terminate the statement's own backend from another connection, waiting until it has
    gone, then let the statement run on the dead connection."""

    def kill(dbapi_connection: Any, statement: str) -> str:
        pid = dbapi_connection.info.backend_pid
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            killed = admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
        assert killed == (True,)
        return statement

    return kill


def raise_sqlstate(condition: str) -> Callable[..., str]:
    """Have the server refuse the statement with `condition` (a PL/pgSQL condition name, such
    as serialization_failure), as it would under a conflicting concurrent transaction."""

    def refuse(_dbapi_connection: Any, _statement: str) -> str:
        return (
            f"DO $$ BEGIN RAISE EXCEPTION 'injected {condition}' USING ERRCODE = '{condition}'; "
            "END $$"
        )

    return refuse


def counts(world: World) -> dict[str, int]:
    tables = ("contributions", "ledger_entries", "audit_entries", "idempotency_keys")
    with world.wired.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in tables
        }


def verified(world: World) -> bool:
    report = world.get("auditor", "/api/v1/ledger/verify")
    return bool(report["ok"])


def pledge(world: World, key: str) -> Any:
    headers = world.headers("contributor", **{"Idempotency-Key": key})
    return world.client.post("/api/v1/contributions", json=PLEDGE, headers=headers)


def test_a_backend_killed_mid_write_is_retried_and_applied_once(
    world: World, postgres_url: str
) -> None:
    before = counts(world)
    faults = Faults(world.wired.engine, AUDIT_INSERT, kill_backend(libpq_dsn(postgres_url)))
    faults.times = 1

    response = pledge(world, "k1")

    assert faults.broken == 1  # the first attempt lost its connection after writing most of it
    assert response.status_code == 201, response.text
    assert "Idempotent-Replayed" not in response.headers
    after = counts(world)
    assert after["contributions"] == before["contributions"] + 1
    assert after["audit_entries"] == before["audit_entries"] + 1
    assert after["idempotency_keys"] == before["idempotency_keys"] + 1
    assert verified(world)
    again = pledge(world, "k1")
    assert (again.status_code, again.json()) == (201, response.json())
    assert counts(world) == after


def test_a_write_whose_retries_run_out_is_503_with_nothing_written(
    world: World, postgres_url: str
) -> None:
    before = counts(world)
    faults = Faults(world.wired.engine, AUDIT_INSERT, kill_backend(libpq_dsn(postgres_url)))
    faults.times = 1_000

    refused = pledge(world, "k1")

    assert faults.broken == 4  # every attempt the policy allows (bootstrap.WRITE_RETRIES)
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["error"] == "StorageUnavailable"
    assert "nothing was written" in refused.json()["detail"]
    assert counts(world) == before
    faults.remove()

    retried = pledge(world, "k1")

    assert retried.status_code == 201, retried.text
    assert counts(world)["contributions"] == before["contributions"] + 1
    assert verified(world)


@pytest.mark.parametrize("condition", ["serialization_failure", "deadlock_detected"])
def test_a_serialization_failure_or_deadlock_is_retried(world: World, condition: str) -> None:
    before = counts(world)
    faults = Faults(world.wired.engine, AUDIT_INSERT, raise_sqlstate(condition))
    faults.times = 2

    response = pledge(world, "k1")

    assert faults.broken == 2
    assert response.status_code == 201, response.text
    assert counts(world)["contributions"] == before["contributions"] + 1
    assert counts(world)["audit_entries"] == before["audit_entries"] + 1
    assert verified(world)


def test_a_pooled_connection_killed_while_idle_is_replaced_before_use(
    world: World, postgres_url: str
) -> None:
    pids: list[int] = []
    engine = world.wired.engine
    engine.dispose()
    event.listen(engine, "connect", lambda dbapi, _record: pids.append(dbapi.info.backend_pid))
    world.get("auditor", "/api/v1/contributions")  # opens a connection, back in the pool
    assert pids
    with psycopg.connect(libpq_dsn(postgres_url), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])

    # A read is never retried: it succeeds because the pool checks the connection first.
    response = world.client.get("/api/v1/contributions", headers=world.headers("auditor"))

    assert response.status_code == 200, response.text
    assert len(pids) == 2  # the dead one was replaced


class KillAtCommit:
    """Terminate the backend of the next `times` transactions as they commit: the client cannot
    tell whether the server committed, as when a connection goes during COMMIT."""

    def __init__(self, engine: Engine, admin_dsn: str, times: int) -> None:
        self.kill, self.times, self.broken = kill_backend(admin_dsn), times, 0
        event.listen(engine, "commit", self._commit)

    def _commit(self, conn: Any) -> None:
        if self.times > 0:
            self.times -= 1
            self.broken += 1
            self.kill(conn.connection.dbapi_connection, "COMMIT")


def test_a_commit_cut_off_is_retried_with_its_key_and_applied_once(
    world: World, postgres_url: str
) -> None:
    before = counts(world)
    cut = KillAtCommit(world.wired.engine, libpq_dsn(postgres_url), times=1)

    response = pledge(world, "k1")

    assert cut.broken == 1
    assert response.status_code == 201, response.text
    assert counts(world)["contributions"] == before["contributions"] + 1
    assert counts(world)["audit_entries"] == before["audit_entries"] + 1
    assert verified(world)


def test_a_commit_cut_off_without_a_key_is_not_run_twice(world: World, postgres_url: str) -> None:
    before = counts(world)
    cut = KillAtCommit(world.wired.engine, libpq_dsn(postgres_url), times=1)
    command = contributions.Pledge(contributor="NLD", amount=Money(100_00, USD))

    with pytest.raises(StorageUnavailable) as raised:
        world.wired.run(command, actor=operator("test"), request_id="r")

    assert cut.broken == 1  # one attempt: a second might have written it twice
    assert raised.value.outcome_unknown
    assert counts(world) == before  # this time the server had not committed
