"""The contract suite's storage: every test here runs on the in-memory fake, on SQLite and on
PostgreSQL, so that the fake the service tests use behaves as the databases do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fakes import FakeDatabase, FakeReader, FakeUnitOfWork
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def storage(
    backend: str, request: pytest.FixtureRequest, engines: Callable[[str], Engine]
) -> FakeDatabase | sessionmaker[Session]:
    """The test's storage: an in-memory database, or sessions on SQLite or PostgreSQL."""
    if backend == "fake":
        return FakeDatabase()
    url: str = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    return session_factory(engines(url))


@pytest.fixture
def uow_factory(storage: FakeDatabase | sessionmaker[Session]) -> UowFactory:
    """A new unit of work on the test's storage at each call: fake, SQLite or PostgreSQL."""
    if isinstance(storage, FakeDatabase):
        return lambda: FakeUnitOfWork(storage)
    return lambda: SqlUnitOfWork(storage)


@pytest.fixture
def reader_factory(storage: FakeDatabase | sessionmaker[Session]) -> ReaderFactory:
    """A new reader on the same storage as `uow_factory` at each call."""
    if isinstance(storage, FakeDatabase):
        return lambda: FakeReader(storage)
    return lambda: SqlReader(storage)
