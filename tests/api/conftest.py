"""Fixtures of the API tests: worlds on the test database (or on `other_database_url`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from api_world import MovableClock, World, make_settings, seed_users
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app_pool import Apps
from database_world import CHEAP_PASSWORDS, Seeded, SqliteFiles
from purldesk.bootstrap import Application, build


@pytest.fixture
def make_world(database_url: str, apps: Apps) -> Iterator[Callable[..., World]]:
    made: list[tuple[TestClient, Application, FastAPI]] = []

    def make(
        *,
        max_failures: int = 10_000,
        share: World | None = None,
        url: str | None = None,
        tokens: dict[str, str] | None = None,
    ) -> World:
        """A world on `url` (default the test database); with `share`, another app (worker,
        machine) on that world's database and users; with `tokens`, on a database that holds
        the users already (`seed_users`' state, copied in), whose tokens they are."""
        if share is not None:
            url = share.wired.settings.database_url
        url = url or database_url
        settings = make_settings(url, max_failures=max_failures)
        clock = MovableClock()
        wired = build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
        app = apps.borrow(wired)
        client = TestClient(app, raise_server_exceptions=False)
        made.append((client, wired, app))
        if share is not None:
            tokens = share.tokens
        elif tokens is None:
            tokens = seed_users(wired)
        return World(client, wired, clock, tokens)

    yield make
    for client, wired, app in made:
        client.close()
        wired.close()
        apps.free.append(app)


@pytest.fixture
def world(
    make_world: Callable[..., World], seeded: Seeded, database_url: str, sqlite_files: SqliteFiles
) -> World:
    """A world on the test database. Its users are `seed_users`' state built once per run and
    database kind and copied in (it costs more than many tests), their tokens kept in a file
    beside the run's seeds."""
    kind = make_url(database_url).get_backend_name()
    tokens = sqlite_files.shared / f"api-users-{kind}.json"

    def build_users(url: str) -> None:
        wired = build(make_settings(url), clock=MovableClock(), passwords=CHEAP_PASSWORDS)
        try:
            tokens.write_text(json.dumps(seed_users(wired)))
        finally:
            wired.close()

    seeded("the API tests' users", build_users)
    return make_world(tokens=json.loads(tokens.read_text()))
