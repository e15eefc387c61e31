"""Shared fixtures: hypothesis profiles, and migrated SQLite / PostgreSQL databases per test.

Each worker migrates once per database kind and each test gets a copy: see database_world.py.
The migrations themselves still run for real on both databases, in every worker's templates
and in tests/integration/test_storage_migrations.py.

Which databases a test on `database_url` runs on: both, SQLite and PostgreSQL, except in the
entrypoint directories (tests/api, cli, web, browser), where it runs on SQLite alone unless it,
its class or its module is marked `both_databases`. The adapters are tested on both by
tests/contract and tests/integration; an entrypoint test whose subject is the entrypoint
(routing, validation, rendering, access, what an answer discloses, messages) learns nothing
more from PostgreSQL. One whose subject is storage, the ledger, concurrency, database faults,
backup, restore, import, export or migrations is marked and keeps both. The PostgreSQL variant
of an unmarked entrypoint test is never generated (not deselected), and under CI=true an
unreachable PostgreSQL still fails the run (see `postgres_server`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app_pool import Apps
from database_world import (
    CHEAP_PASSWORDS,
    Build,
    PostgresSchemas,
    Seeded,
    SqliteFiles,
    build_demo,
    build_demo_with_ample_supply,
    build_history,
    drop_shared_seeds,
    libpq_dsn,
    postgres_base_url,
    run_name,
)
from purldesk.adapters.passwords import Argon2Hasher
from purldesk.adapters.storage.engine import make_engine, session_factory
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork

IN_CI = os.environ.get("CI", "").lower() == "true"
TESTS = Path(__file__).parent
ENTRYPOINT_TESTS = tuple(TESTS / name for name in ("api", "cli", "web", "browser"))
ON_BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
ON_SQLITE = ["sqlite"]

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if IN_CI else "dev")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL test server's URL; skips (fails under CI=true) if it is unreachable.

    Probed once per session, which under xdist is once per worker.
    """
    url = postgres_base_url()
    try:
        with psycopg.connect(libpq_dsn(url), connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL at {make_url(url)!r} is unreachable: {error}".strip()
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{reason}; set PURLDESK_TEST_POSTGRES_URL or start the server")
    return url


@pytest.fixture(scope="session")
def postgres_schemas(postgres_server: str) -> Iterator[PostgresSchemas]:
    """This worker's schemas; under xdist the seeds are shared with the run's other workers."""
    schemas = PostgresSchemas(
        postgres_server, run_name(), shared=os.environ.get("PYTEST_XDIST_TESTRUNUID")
    )
    yield schemas
    schemas.close()


_RUN = pytest.StashKey[str]()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Under xdist, in the controller: the run's id, which names the PostgreSQL seeds its
    workers share (see database_world.py)."""
    node.config.stash[_RUN] = node.workerinput["testrunuid"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In the controller, once every worker is done: drop the run's shared PostgreSQL seeds."""
    run = session.config.stash.get(_RUN, None)
    if run is None:
        return
    # Unreachable: the tests that needed it have failed (CI) or skipped already.
    with contextlib.suppress(psycopg.OperationalError):
        drop_shared_seeds(postgres_base_url(), run)


@pytest.fixture(scope="session")
def sqlite_files(tmp_path_factory: pytest.TempPathFactory) -> SqliteFiles:
    """This worker's SQLite templates; under xdist the seeds are shared with the run's other
    workers, in the run's own directory (a worker's base directory's parent)."""
    own = tmp_path_factory.mktemp("sqlite-templates")
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return SqliteFiles(own)
    shared = tmp_path_factory.getbasetemp().parent / "sqlite-seeds"
    shared.mkdir(exist_ok=True)
    return SqliteFiles(own, shared)


@pytest.fixture
def postgres_url(postgres_schemas: PostgresSchemas) -> str:
    """A migrated schema holding no rows, this test's alone until it ends."""
    return postgres_schemas.fresh("db")


@pytest.fixture
def sqlite_url(sqlite_files: SqliteFiles, tmp_path: Path) -> str:
    """A migrated SQLite file of its own."""
    return sqlite_files.copy(tmp_path / "purldesk.sqlite3")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `database_url` by the databases the test runs on (see the module's docstring),
    unless the test parametrizes it itself."""
    if "database_url" not in metafunc.fixturenames or _parametrizes_database_url(metafunc):
        return
    entrypoint = any(metafunc.definition.path.is_relative_to(d) for d in ENTRYPOINT_TESTS)
    marked = metafunc.definition.get_closest_marker("both_databases") is not None
    kinds = ON_SQLITE if entrypoint and not marked else ON_BOTH
    metafunc.parametrize("database_url", kinds, indirect=True)


def _parametrizes_database_url(metafunc: pytest.Metafunc) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs["argnames"]
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if "database_url" in names:
            return True
    return False


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated, empty database, SQLite or PostgreSQL as parametrized above."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def other_database_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    """A second fresh, migrated database of the same kind as `database_url`."""
    if make_url(database_url).get_backend_name() == "sqlite":
        files: SqliteFiles = request.getfixturevalue("sqlite_files")
        return files.copy(tmp_path / "other.sqlite3")
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    return schemas.fresh("other")


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    """A database of the same kind as `database_url` with no tables at all (not migrated)."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    schema = f"{schemas.prefix}_empty"
    drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
    schemas.admin.execute(drop)
    schemas.admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    request.addfinalizer(lambda: schemas.admin.execute(drop))
    return schemas.url(schema)


@pytest.fixture
def seeded(request: pytest.FixtureRequest, database_url: str) -> Seeded:
    """Fill this test's database with the state `build` makes from an empty one: built under
    `key` (one key, one build) once per run on SQLite and once per worker on PostgreSQL, then
    copied. Its URL."""
    sqlite = make_url(database_url).get_backend_name() == "sqlite"

    def load(key: str, build: Build) -> str:
        if sqlite:
            files: SqliteFiles = request.getfixturevalue("sqlite_files")
            target = make_url(database_url).database
            assert target is not None
            return files.copy(Path(target), files.seed(key, build))
        schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
        return schemas.fresh("db", seed=schemas.seed(key, build))

    return load


@pytest.fixture
def demo_url(seeded: Seeded) -> str:
    """This test's database, holding the demo (see `build_demo`)."""
    return seeded("demo", build_demo)


@pytest.fixture(scope="session")
def history_file(sqlite_files: SqliteFiles) -> Path:
    """The demo `purldesk demo` builds, PURL's history, as a SQLite file built once per run
    (copy it before writing)."""
    return sqlite_files.seed("history", build_history)


@pytest.fixture
def ample_demo_url(seeded: Seeded) -> str:
    """This test's database, holding the demo with no supplier's capacity binding (see
    `build_demo_with_ample_supply`)."""
    return seeded("demo with ample supply", build_demo_with_ample_supply)


@pytest.fixture(scope="session")
def apps() -> Apps:
    """This worker's pool of FastAPI apps, for the API and web tests (see app_pool.py)."""
    return Apps()


@pytest.fixture(scope="session")
def cheap_passwords() -> Argon2Hasher:
    return CHEAP_PASSWORDS


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
