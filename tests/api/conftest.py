"""Fixtures of the API tests: worlds on the test database (and a second, fresh one)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from api_world import MovableClock, World, make_settings, seed_users
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from purldesk.adapters.storage.migrate import upgrade
from purldesk.bootstrap import Application, build
from purldesk.entrypoints.web.app import create_app


@pytest.fixture
def make_world(
    database_url: str,
) -> Iterator[Callable[..., World]]:
    made: list[tuple[TestClient, Application]] = []

    def make(
        *, max_failures: int = 10_000, share: World | None = None, url: str | None = None
    ) -> World:
        """A world on `url` (default the test database); with `share`, another app (worker,
        machine) on that world's database and users."""
        if share is not None:
            url = share.wired.settings.database_url
        url = url or database_url
        settings = make_settings(url, max_failures=max_failures)
        clock = MovableClock()
        wired = build(settings, clock=clock)
        client = TestClient(create_app(settings, wired=wired), raise_server_exceptions=False)
        made.append((client, wired))
        tokens = seed_users(wired) if share is None else share.tokens
        return World(client, wired, clock, tokens)

    yield make
    for client, wired in made:
        client.close()
        wired.close()


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()


@pytest.fixture
def other_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second fresh, migrated database of the same kind as `database_url`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
        upgrade(other)
        yield other
        return
    schema = f"purldesk_t_{uuid.uuid4().hex}"
    admin = url.difference_update_query(["options"]).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        other = url.update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = other.render_as_string(hide_password=False)
        upgrade(rendered)
        yield rendered
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
