"""The contract suite's storage: every test here runs on the in-memory fake, on SQLite and on
PostgreSQL, so that the fake the service tests use behaves as the databases do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from fakes import FakeDatabase, FakeUnitOfWork
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def uow_factory(
    backend: str, request: pytest.FixtureRequest, engines: Callable[[str], Engine]
) -> UowFactory:
    """A new unit of work on the test's storage at each call: fake, SQLite or PostgreSQL."""
    if backend == "fake":
        database = FakeDatabase()
        return lambda: FakeUnitOfWork(database)
    url: str = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    sessions = session_factory(engines(url))
    return lambda: SqlUnitOfWork(sessions)
