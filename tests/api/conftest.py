"""Fixtures of the API tests: worlds on the test database (or on `other_database_url`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from api_world import MovableClock, World, make_settings, seed_users
from fastapi.testclient import TestClient

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
