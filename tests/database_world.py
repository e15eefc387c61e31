"""Databases for tests, migrated once per worker: SQLite template files, PostgreSQL schemas.

Migrating takes far longer than a test, so each pytest process (each xdist worker) migrates
once per database kind and every test gets a copy of that migrated template:

- SQLite: the template is a file; a test gets its own copy of it (a file copy).
- PostgreSQL: the worker owns a few schemas named after the run and the worker; a test's schema
  is emptied and its sequences restarted before the test (DELETE and setval: far cheaper than
  TRUNCATE or a new schema), so no test sees another's rows and two runs never share a name.

A seeded state (the demo, the demo with an allocation, …) is built once per database kind and
copied into a test's database the same way: a file copy, or INSERT … SELECT from the seed's
schema. A seed is built once per run, by the first worker that needs it (the others wait for
it): a SQLite seed in a directory all the workers share, a PostgreSQL seed in a schema named
after the run alone, which every worker reads and the run's controller drops at its end
(`drop_shared_seeds`). The fixtures over these classes are in conftest.py.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from argon2 import PasswordHasher, profiles
from psycopg import sql
from sqlalchemy.engine import make_url

import scenario_world
from purldesk.adapters.passwords import Argon2Hasher
from purldesk.adapters.storage.migrate import upgrade
from purldesk.adapters.storage.tables import metadata
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# A real argon2id hash with the library's cheapest parameters: logins in tests cost microseconds.
CHEAP_PASSWORDS = Argon2Hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
# A build step of a seeded state: it fills the migrated, empty database at the URL it is given.
Build = Callable[[str], None]
Seeded = Callable[[str, Build], str]


def postgres_base_url() -> str:
    return os.environ.get("PURLDESK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def libpq_dsn(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string, for admin work outside the engine."""
    parsed = make_url(url).difference_update_query(["options"]).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def run_name() -> str:
    """Unique to this pytest process: the run (a random part) and the xdist worker."""
    return f"{uuid.uuid4().hex[:10]}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def seed_prefix(run: str) -> str:
    """The prefix of the PostgreSQL seeds' schemas of the run whose id is `run`."""
    return f"purldesk_s_{run[:12]}"


def drop_shared_seeds(server_url: str, run: str) -> None:
    """Drop the PostgreSQL seeds the workers of the run `run` built (at the run's end)."""
    pattern = seed_prefix(run).replace("_", r"\_") + r"\_%"
    with psycopg.connect(libpq_dsn(server_url), autocommit=True, connect_timeout=3) as admin:
        names = admin.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [pattern]
        ).fetchall()
        for (name,) in names:
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def build_history(url: str) -> None:
    """What `purldesk demo` builds, PURL's history (the command's own test runs it for real),
    with cheap password hashes so that logging in as a demo user costs nothing."""
    from purldesk.demo import history

    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        history.build(wired)
    finally:
        wired.close()


def build_demo(url: str) -> None:
    """The scenario's data at one moment, the world most tests start from: the list endorsed
    as one cycle, every contribution received and none allocated, and a hypothetical Korean
    pledge to exercise its phased policy (`scenario_world`); with cheap password hashes."""
    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        scenario_world.build(wired)
    finally:
        wired.close()


def build_demo_with_ample_supply(url: str) -> None:
    """The demo with ample supply (`lift_capacity`)."""
    build_demo(url)
    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        lift_capacity(wired)
    finally:
        wired.close()


def lift_capacity(wired: Application) -> None:
    """Lift every catalog item's `available_per_cycle` to the bound on a count: money, not the
    supplier, then decides what is funded. For tests whose subject is money competing for lines
    (substitution, additionality, money that may not pay a line), which the demo's real
    capacities leave idle: every line 2025-09 leaves short waits for supply, not money."""
    from dataclasses import replace

    from purldesk.domain.money import MAX_QUANTITY
    from purldesk.services import catalog

    items = catalog.list_all(wired.uow())
    ample = [replace(item, available_per_cycle=MAX_QUANTITY) for item in items]
    catalog.import_items(wired.uow(), items=ample)


class SqliteFiles:
    """One worker's SQLite templates: the migrated file in `directory`, and one file per seeded
    state in `shared`, which every worker of the run sees (by default `directory`)."""

    def __init__(self, directory: Path, shared: Path | None = None) -> None:
        self.directory = directory
        self.shared = shared or directory
        self.migrated = directory / "migrated.sqlite3"
        upgrade(f"sqlite:///{self.migrated}")
        _settle(self.migrated)
        self.seeds: dict[str, Path] = {}

    def copy(self, target: Path, source: Path | None = None) -> str:
        """A copy of `source` (default: the migrated template) at `target`: its URL."""
        for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(source or self.migrated, target)
        return f"sqlite:///{target}"

    def seed(self, key: str, build: Build) -> Path:
        """The file holding what `build` makes of the migrated template, built under `key` by
        the first worker to ask (the others wait for it): copy it before writing."""
        if key not in self.seeds:
            name = f"seed-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
            path = self.shared / f"{name}.sqlite3"
            with (self.shared / f"{name}.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not path.exists():
                    building = self.directory / f"{name}.sqlite3"
                    build(self.copy(building))
                    _settle(building)
                    building.replace(path)
            self.seeds[key] = path
        return self.seeds[key]


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file, so a copy of the file alone is the database."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


class PostgresSchemas:
    """One worker's schemas on the PostgreSQL server, each migrated once, dropped at the end.

    `fresh(slot)` empties the slot's schema for a new test; `load(slot, seed)` then fills it
    with a copy of a seeded schema's rows, sequences included.
    """

    def __init__(self, server_url: str, run: str, shared: str | None = None) -> None:
        """`shared`: the run's id, which names the seeds every worker of the run shares (None:
        the seeds are this object's own, dropped with its schemas)."""
        self.server_url = server_url
        self.prefix = f"purldesk_t_{run}"
        self.shared = shared
        self.seed_prefix = seed_prefix(shared) if shared else f"{self.prefix}_seed"
        self.admin = psycopg.connect(libpq_dsn(server_url), autocommit=True)
        # A test that leaves a transaction open would otherwise make the next one wait forever.
        self.admin.execute("SET lock_timeout = '20s'")
        self.schemas: dict[str, str] = {}
        self.seeds: dict[str, str] = {}
        self._loads: dict[tuple[str, str | None], sql.Composed] = {}

    def url(self, schema: str) -> str:
        url = make_url(self.server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def _schema(self, name: str) -> str:
        """The migrated schema called `name` (created on first use)."""
        if name not in self.schemas:
            schema = f"{self.prefix}_{name}"
            self.admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
            self.schemas[name] = schema
            upgrade(self.url(schema))
        return self.schemas[name]

    def fresh(self, slot: str, seed: str | None = None) -> str:
        """The slot's schema, holding nothing but what `seed` (a seeded schema) holds: its URL."""
        schema = self._schema(slot)
        key = (schema, seed)
        if key not in self._loads:
            self._loads[key] = self._load_statement(schema, seed)
        with self.admin.transaction():
            self.admin.execute(self._loads[key])
        return self.url(schema)

    def _load_statement(self, schema: str, seed: str | None) -> sql.Composed:
        tables = [table.name for table in metadata.sorted_tables]
        target = sql.Identifier(schema)
        statements = [
            sql.SQL("DELETE FROM {}.{}").format(target, sql.Identifier(name))
            for name in reversed(tables)
        ]
        sequences = self.admin.execute(
            "SELECT sequencename, start_value FROM pg_sequences WHERE schemaname = %s",
            [schema],
        ).fetchall()
        if seed is not None:
            source = sql.Identifier(seed)
            statements += [
                sql.SQL("INSERT INTO {0}.{2} OVERRIDING SYSTEM VALUE SELECT * FROM {1}.{2}").format(
                    target, source, sql.Identifier(name)
                )
                for name in tables
            ]
            states = dict(
                self.admin.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s",
                    [seed],
                ).fetchall()
            )
        else:
            states = {}
        for name, start in sequences:
            qualified = sql.Literal(f'"{schema}"."{name}"')
            last = states.get(name)
            value = sql.Literal(start if last is None else last)
            called = sql.Literal(last is not None)
            statements.append(sql.SQL("SELECT setval({}, {}, {})").format(qualified, value, called))
        return sql.SQL("; ").join(statements)

    def seed(self, key: str, build: Build) -> str:
        """The schema holding the seeded state `key`, built by `build` by the first worker of
        the run to ask (the others wait for it, then read it)."""
        if key not in self.seeds:
            schema = f"{self.seed_prefix}_{hashlib.sha256(key.encode()).hexdigest()[:12]}"
            # No lock_timeout while another worker builds it: a build may take longer.
            self.admin.execute("SET lock_timeout = 0")
            self.admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [schema])
            try:
                exists = self.admin.execute(
                    "SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]
                ).fetchone()
                if exists is None:
                    # Built in a slot of this worker's, then renamed: seen whole or not at all.
                    build(self.fresh("seed"))
                    built = self.schemas.pop("seed")
                    self.admin.execute(
                        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                            sql.Identifier(built), sql.Identifier(schema)
                        )
                    )
                    if self.shared is None:
                        self.schemas[f"seed {key}"] = schema
            finally:
                self.admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [schema])
                self.admin.execute("SET lock_timeout = '20s'")
            self.seeds[key] = schema
        return self.seeds[key]

    def close(self) -> None:
        try:
            for schema in self.schemas.values():
                self.admin.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                )
        finally:
            self.admin.close()
