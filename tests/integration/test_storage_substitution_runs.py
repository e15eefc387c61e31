"""The substitution effects kept apart from the allocation bases, on SQLite and PostgreSQL:
written with their basis or not at all, built by migration 0021 for bases recorded before it,
rebuilt from the bases by a restore (an export does not carry them); `verify` names a row
altered, deleted or added behind the bases' back, and `rebuild-balances` repairs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select, text

import substitution_world
from fakes import UsdOnlyRates
from purldesk.adapters.storage import bases, migrate
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.substitution_tables import AllocationSubstitutionRow
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.access import operator
from purldesk.domain.basis import AllocationBasis, BasisAltered
from purldesk.domain.errors import AlreadyExists, LedgerError
from purldesk.domain.ledger import Finding
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services import ledger as ledger_service
from purldesk.services import restore
from purldesk.services.handle import Context, handle
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


def _found(uow_factory: UowFactory) -> list[Finding]:
    return [f for f in ledger_service.verify(uow_factory())[1] if f.rule == "substitution-effect"]


def _rebuild(uow_factory: UowFactory) -> None:
    """`ledger rebuild-balances` as the service runs it, for the command line's operator."""
    context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
    handle(uow_factory(), ledger_service.RebuildBalances(), context=context)


FIRST_DUTCH = f"package_id = {substitution_world.FIRST_PACKAGE} AND contributor = 'NLD'"
ROW = f"allocation_substitutions P-{substitution_world.FIRST_PACKAGE} "
ALTERED = '{"altered": true}'  # (no colon before a word: SQLAlchemy's text() would bind it)


@pytest.mark.parametrize("drift", ["altered", "deleted", "inserted"])
def test_verify_names_a_kept_effect_that_drifted_and_rebuild_balances_repairs_it(
    uow_factory: UowFactory, drift: str
) -> None:
    """Each row of the table altered, deleted, or added behind the bases' back is named once,
    saying what the row holds and what the basis does; the service behind `ledger
    rebuild-balances` writes the rows anew from the bases, and verify is clean again."""
    substitution_world.seed_allocations(uow_factory)
    assert _found(uow_factory) == []  # (the world's ledger is not one verify holds whole)
    kept = _rows(uow_factory)
    first = [r for r in kept if r[0] == substitution_world.FIRST_PACKAGE]
    assert [r[1] for r in first] == ["NLD"]
    _, _, on, at, document = first[0]
    held = f"allocated on {on.isoformat()}, recorded at {at.isoformat()}"
    statement, row, says = {
        "altered": (
            f"UPDATE allocation_substitutions SET document = '{ALTERED}' WHERE {FIRST_DUTCH}",
            f"{ROW}NLD",
            f"{ROW}NLD holds document {ALTERED}, the basis holds document {document}",
        ),
        "deleted": (
            f"DELETE FROM allocation_substitutions WHERE {FIRST_DUTCH}",
            f"{ROW}NLD",
            f"{ROW}NLD holds no effect, the basis holds an effect {held}",
        ),
        "inserted": (  # a Canadian effect in a package only the Dutch money's effect is of
            "INSERT INTO allocation_substitutions SELECT package_id, 'CAN', allocated_on, "
            f"recorded_at, document FROM allocation_substitutions WHERE {FIRST_DUTCH}",
            f"{ROW}CAN",
            f"{ROW}CAN holds an effect {held}, the basis holds no effect",
        ),
    }[drift]  # fmt: skip
    with uow_factory() as uow:
        assert uow.session.execute(text(statement)).rowcount == 1  # type: ignore[attr-defined]
        uow.commit()
    (finding,) = _found(uow_factory)
    assert (finding.row, finding.message, finding.seq, finding.contribution) == (
        row, says, None, None,
    )  # fmt: skip
    _rebuild(uow_factory)
    assert _rows(uow_factory) == kept
    assert _found(uow_factory) == []


def test_the_effects_are_read_and_rebuilt_a_chunk_of_bases_at_a_time(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With chunks smaller than the bases, the effects read and rebuilt are the same."""
    substitution_world.seed_allocations(uow_factory)
    kept = _rows(uow_factory)
    with uow_factory() as uow:
        whole = uow.bases.held_effects()
    monkeypatch.setattr(bases, "REBUILT_PER_CHUNK", 2)
    with uow_factory() as uow:
        assert uow.bases.held_effects() == whole
        assert whole.effects == uow.bases.kept_effects() and not whole.unreadable
        assert uow.bases.rebuild_effects() == len(kept)
        uow.commit()
    assert _rows(uow_factory) == kept


NOT_A_BASIS = "{not json"  # (no colon: SQLAlchemy's text() would bind what follows one)
FIRST = f"P-{substitution_world.FIRST_PACKAGE}"


def _alter_first_basis_and_a_balance(uow_factory: UowFactory) -> None:
    """The first package's basis replaced by a document that is not one, and an account's kept
    balance moved by one minor unit: two findings with nothing to do with each other."""
    with uow_factory() as uow:
        altered = uow.session.execute(
            text(
                f"UPDATE allocation_bases SET document = '{NOT_A_BASIS}' "
                f"WHERE package_id = {substitution_world.FIRST_PACKAGE}"
            )
        )
        assert altered.rowcount == 1  # type: ignore[attr-defined]
        moved = uow.session.execute(
            text(
                "UPDATE account_balances SET amount_low = amount_low + 1 WHERE account = "
                "(SELECT min(account) FROM account_balances WHERE amount_low < 4294967295)"
            )
        )
        assert moved.rowcount >= 1  # type: ignore[attr-defined]
        uow.commit()


def test_verify_names_an_unreadable_basis_beside_every_other_finding(
    uow_factory: UowFactory,
) -> None:
    """The basis that is not one is one `basis-unreadable` finding naming its package and why,
    not the error that stopped verify; the kept effects of its package are not also named
    (there is no basis to hold them against), and the altered balance is still found."""
    substitution_world.seed_allocations(uow_factory)
    before = ledger_service.verify(uow_factory())[1]  # the world's ledger is not whole
    assert not [f for f in before if f.rule in ("basis-unreadable", "account-balance")]
    _alter_first_basis_and_a_balance(uow_factory)
    found = [f for f in ledger_service.verify(uow_factory())[1] if f not in before]
    assert sorted(f.rule for f in found) == ["account-balance", "basis-unreadable"]
    (unreadable,) = [f for f in found if f.rule == "basis-unreadable"]
    assert unreadable.row == f"allocation_bases {FIRST}"
    assert unreadable.message == (
        f"allocation basis altered: {FIRST}: JSONDecodeError('Expecting property name "
        "enclosed in double quotes: line 1 column 2 (char 1)')"
    )


def test_rebuild_balances_refuses_an_unreadable_basis_and_writes_nothing(
    uow_factory: UowFactory,
) -> None:
    """`ledger rebuild-balances` cannot write a package's effects from a basis it cannot read:
    it refuses naming the package, and neither the effects nor the balances it had rebuilt
    before are written (the altered balance is still found)."""
    substitution_world.seed_allocations(uow_factory)
    kept = _rows(uow_factory)
    _alter_first_basis_and_a_balance(uow_factory)
    with pytest.raises(BasisAltered, match=f"allocation basis altered: {FIRST}: "):
        _rebuild(uow_factory)
    assert _rows(uow_factory) == kept
    rules = {f.rule for f in ledger_service.verify(uow_factory())[1]}
    assert {"account-balance", "basis-unreadable"} <= rules


def test_a_restore_refuses_an_unreadable_basis_and_writes_nothing(
    uow_factory: UowFactory, empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    """A file whose basis is not one cannot have its effects rebuilt: the restore (`import`)
    refuses naming the package before it verifies, and the database stays empty."""
    substitution_world.seed_allocations(uow_factory)
    with uow_factory() as uow:
        dumped = uow.rows.dump()
    first = substitution_world.FIRST_PACKAGE
    for row in dumped["allocation_bases"]:
        if row["package_id"] == first:
            row["document"] = NOT_A_BASIS
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    refused = "the file's allocation bases do not read, nothing was written: allocation basis"
    with pytest.raises(LedgerError, match=f"{refused} altered: {FIRST}: "):
        restore.restore(SqlUnitOfWork(sessions), dumped, differences=lambda _snapshot: [])
    with SqlUnitOfWork(sessions) as uow:
        assert uow.rows.occupied() == {}
