"""Fixtures of the API tests: worlds on the test database (or on `other_database_url`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from api_world import MovableClock, World, make_settings, seed_users
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app_pool import Apps
from database_world import CHEAP_PASSWORDS
from purldesk.bootstrap import Application, build


@pytest.fixture
def make_world(database_url: str, apps: Apps) -> Iterator[Callable[..., World]]:
    made: list[tuple[TestClient, Application, FastAPI]] = []

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
        wired = build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
        app = apps.borrow(wired)
        client = TestClient(app, raise_server_exceptions=False)
        made.append((client, wired, app))
        tokens = seed_users(wired) if share is None else share.tokens
        return World(client, wired, clock, tokens)

    yield make
    for client, wired, app in made:
        client.close()
        wired.close()
        apps.free.append(app)


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()
