"""The substitution effects kept apart from the allocation bases, on SQLite and PostgreSQL:
written with their basis or not at all, built by migration 0021 for bases recorded before it,
and rebuilt from the bases by a restore (an export does not carry them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select

import substitution_world
from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.substitution_tables import AllocationSubstitutionRow
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.errors import AlreadyExists
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services.statement_ports import SubstitutionRun
from reader_world import AT, CAN, NLD

UowFactory = Callable[[], SqlUnitOfWork]
S = AllocationSubstitutionRow


def _rows(uow_factory: UowFactory) -> list[tuple[Any, ...]]:
    with uow_factory() as uow:
        found = uow.session.execute(
            select(S.package_id, S.contributor, S.allocated_on, S.recorded_at, S.document).order_by(
                S.package_id, S.contributor
            )
        )
        return [tuple(row) for row in found]


def _runs(engine: Engine) -> dict[ParticipantCode, list[SubstitutionRun]]:
    with SqlReader(session_factory(engine)) as reader:
        return {code: reader.substitution_runs(code) for code in (NLD, CAN)}


def test_an_effect_is_written_with_its_basis_or_not_at_all(uow_factory: UowFactory) -> None:
    substitution_world.seed_allocations(uow_factory)
    kept = _rows(uow_factory)
    assert len(kept) == 4 * substitution_world.ALLOCATIONS + 3  # a row per effect of a basis
    first = PackageId(substitution_world.FIRST_PACKAGE)
    with uow_factory() as uow:
        effects = uow.bases.get(first).substitutions
        assert effects
        with pytest.raises(AlreadyExists):  # a second basis of the package is refused
            uow.bases.add(AllocationBasis(first, AT.date(), AT, (), effects))
        uow.bases.add(AllocationBasis(PackageId(2), AT.date(), AT, (), effects))
        # not committed
    assert _rows(uow_factory) == kept


def test_migration_0021_builds_the_effects_the_bases_keep(
    empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    migrate.upgrade(empty_database_url)
    engine = engines(empty_database_url)
    sessions = session_factory(engine)
    factory = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    substitution_world.seed_allocations(factory)
    kept, runs = _rows(factory), _runs(engine)
    command.downgrade(migrate.alembic_config(empty_database_url), "0020")
    with engine.connect() as connection:
        assert "allocation_substitutions" not in inspect(connection).get_table_names()
    migrate.upgrade(empty_database_url)
    assert _rows(factory) == kept
    assert _runs(engine) == runs and len(runs[NLD]) == substitution_world.ALLOCATIONS + 2


def test_a_restore_rebuilds_the_effects_from_the_bases(
    uow_factory: UowFactory, engine: Engine, empty_database_url: str,
    engines: Callable[[str], Engine],
) -> None:  # fmt: skip
    substitution_world.seed_allocations(uow_factory)
    kept, runs = _rows(uow_factory), _runs(engine)
    with uow_factory() as uow:
        dumped = uow.rows.dump()
    assert "allocation_substitutions" not in dumped and "allocation_bases" in dumped
    migrate.upgrade(empty_database_url)
    restored = engines(empty_database_url)
    sessions = session_factory(restored)
    with SqlUnitOfWork(sessions) as uow:
        uow.rows.load(dumped)
        uow.commit()
    assert _rows(lambda: SqlUnitOfWork(sessions)) == kept
    assert _runs(restored) == runs
