"""Shared fixtures: hypothesis profiles and migrated SQLite / PostgreSQL databases per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from purldesk.adapters.storage.engine import make_engine, session_factory
from purldesk.adapters.storage.migrate import upgrade
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork

IN_CI = os.environ.get("CI", "").lower() == "true"

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if IN_CI else "dev")

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_base_url() -> str:
    return os.environ.get("PURLDESK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _libpq_dsn(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string, for admin work outside the engine."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL test server's URL; skips (fails under CI=true) if it is unreachable.

    Probed once per session, which under xdist is once per worker.
    """
    url = _postgres_base_url()
    try:
        with psycopg.connect(_libpq_dsn(url), connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL at {make_url(url)!r} is unreachable: {error}".strip()
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{reason}; set PURLDESK_TEST_POSTGRES_URL or start the server")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, migrated schema of its own on the PostgreSQL server, dropped afterwards."""
    schema = f"purldesk_t_{uuid.uuid4().hex}"
    admin_dsn = _libpq_dsn(postgres_server)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        upgrade(rendered)
        yield rendered
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh, migrated SQLite file of its own."""
    url = f"sqlite:///{tmp_path / 'purldesk.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated, empty database: each test runs on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def engines() -> Iterator[Callable[[str], Engine]]:
    """Make engines that are disposed at teardown (threads in concurrency tests need several)."""
    made: list[Engine] = []

    def make(url: str) -> Engine:
        made.append(make_engine(url))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def engine(database_url: str, engines: Callable[[str], Engine]) -> Engine:
    return engines(database_url)


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """A new unit of work on the test's database at each call."""
    sessions = session_factory(engine)
    return lambda: SqlUnitOfWork(sessions)
