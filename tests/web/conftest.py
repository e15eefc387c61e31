"""Web tests: FastAPI's TestClient against `create_app` on a fresh copy of the demo database.

The demo is built once per run (with ample supply, so money and not the suppliers'
capacity decides what is funded, as the pages about money need; with one committed allocation,
so statements have lines; and a confidential Korean pledge whose amount appears nowhere else); each test gets its own
copy, its own application on a fixed clock, and a client (a cookie jar) per user. Passwords are
hashed with argon2's cheapest parameters, so logging in costs microseconds, not a second.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import NOW, SECRET_AMOUNT, FixedClock, log_in

import scenario_world
from app_pool import Apps
from database_world import CHEAP_PASSWORDS, SqliteFiles, lift_capacity
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.domain.packages import DEFAULT_TARGET
from purldesk.services import allocations, contributions, requirements


@pytest.fixture(scope="session")
def demo_web_file(sqlite_files: SqliteFiles) -> Path:
    """The web tests' demo (see the module's docstring), built once per run: copy it."""
    return sqlite_files.seed("the web tests' demo", build_web_demo)


def build_web_demo(url: str) -> None:
    wired = build(load_settings(database_url=url), clock=FixedClock(), passwords=CHEAP_PASSWORDS)
    try:
        scenario_world.build(wired)
        lift_capacity(wired)
        secret = contributions.pledge(
            wired.uow(), contributor="KOR", amount=SECRET_AMOUNT, pledged_on=date(2025, 12, 1),
            at=NOW, confidential=True, purpose="confidential web test pledge",
        )  # fmt: skip
        contributions.receive(
            wired.uow(), wired.fx, contribution_id=secret.id, received_on=date(2025, 12, 1), at=NOW
        )
        cycle = requirements.resolve_cycle(wired.uow(), name=scenario_world.CYCLE_NAME)
        allocations.propose(
            wired.uow(), cycle_id=cycle.id, on=date(2025, 12, 5), target=DEFAULT_TARGET,
            at=NOW, commit=True,
        )  # fmt: skip
    finally:
        wired.close()


@pytest.fixture
def wired(demo_web_file: Path, tmp_path: Path) -> Iterator[Application]:
    """The application on this test's own copy of the demo database."""
    copy = tmp_path / "purldesk.sqlite3"
    shutil.copyfile(demo_web_file, copy)
    settings = load_settings(database_url=f"sqlite:///{copy}")
    application = build(settings, clock=FixedClock(), passwords=CHEAP_PASSWORDS)
    yield application
    application.close()


@pytest.fixture
def client_for(wired: Application, apps: Apps) -> Iterator[Callable[[str | None], TestClient]]:
    """A client logged in as the named demo user (None: not logged in); one app, borrowed
    from the worker's pool (see app_pool.py), serves them."""
    made: list[TestClient] = []
    app = apps.borrow(wired)

    def make(name: str | None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        made.append(client)
        if name is not None:
            log_in(client, name)
        return client

    yield make
    for client in made:
        client.close()
    apps.free.append(app)
