"""A contributor's substitution effects read apart from the allocation bases (fake, SQLite,
PostgreSQL): after many allocations, the runs read, whole or a page at a time, are those the
statement derived from the bases of the packages the contributor pays, and the statement page
shows them a page at a time as the whole statement tells them, to every viewer; the effects
kept are those the bases hold, as `ledger verify` compares them, and a basis that is not one
is set aside by those reads and refused by a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from storage_backdoor import replace_basis_document

from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Permission, Role, UserId, Viewer
from purldesk.domain.basis import BasisAltered
from purldesk.domain.kept_substitutions import effects_of
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services import ledger as ledger_service
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from purldesk.services.views.statement import statement, statement_export
from reader_world import AT, CAN, DEU, NLD
from substitution_world import ALLOCATIONS, FIRST_PACKAGE, L2, derived, package, seed_allocations

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]


def _actor(role: Role, organization: str) -> Viewer:
    return Actor(UserId(1), f"{role}-{organization}", ParticipantCode(organization), role).viewer


VIEWERS = {
    "operator": OPERATOR,
    # reads every ledger account, not every amount nor every package's contents
    "ledger reader": Viewer(
        "ledger reader", ParticipantCode("UKR"), frozenset({Permission.READ_LEDGER})
    ),
    "coordinator": _actor(Role.COORDINATOR, "NATO-NSATU"),
    "contributor NLD": _actor(Role.CONTRIBUTOR, "NLD"),
    "contributor CAN": _actor(Role.CONTRIBUTOR, "CAN"),
}


@pytest.mark.parametrize("code", [NLD, CAN, DEU])
def test_the_runs_read_apart_are_those_the_bases_give_whole_and_paged(
    code: ParticipantCode, uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed_allocations(uow_factory)
    with reader_factory() as reader:
        expected = derived(reader, code)
        whole = reader.substitution_runs(code)
        counted = reader.count_substitution_runs(code)
        pages = [reader.substitution_runs(code, offset=at, limit=3) for at in range(0, 12, 3)]
        newest = [
            reader.substitution_runs(code, offset=at, limit=3, newest_first=True)
            for at in range(0, 12, 3)
        ]
    assert whole == expected
    assert counted == len(expected)
    assert [run for page in pages for run in page] == expected
    assert [run for page in newest for run in page] == expected[::-1]
    if code == NLD:  # one run per allocation; the two alike at one instant told once
        assert counted == ALLOCATIONS + 2
        assert whole[0].packages == (PackageId(1000), PackageId(1001))  # not P-1002: not its
        assert [run.packages for run in whole[-2:]] == [
            (PackageId(90), PackageId(92)), (PackageId(91),),
        ]  # fmt: skip
    elif code == CAN:
        assert counted == ALLOCATIONS
    else:
        assert whole == []


@pytest.mark.parametrize("name", sorted(VIEWERS))
def test_the_page_tells_a_page_of_the_whole_statements_substitutions(
    name: str, uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed_allocations(uow_factory)
    viewer = VIEWERS[name]
    code = "CAN" if name == "contributor CAN" else "NLD"
    whole = statement_export(reader_factory(), viewer=viewer, contributor=code).substitutions
    asked = {"viewer": viewer, "contributor": code, "effects_size": 4}
    pages = [statement(reader_factory(), substitutions_asked=n, **asked) for n in (1, 2, 3, 4)]
    assert [p.substitutions_page.total for p in pages] == [len(whole)] * 4
    by_page = {p.substitutions_page.number: p.substitutions for p in pages}  # past the last: last
    # the page tells the newest first, the statement's downloads the oldest first
    assert [row for number in sorted(by_page) for row in by_page[number]] == whole[::-1]
    assert sorted(by_page) == list(range(1, -(-len(whole) // 4) + 1))
    assert len(whole) == (ALLOCATIONS if code == "CAN" else ALLOCATIONS + 2)


def test_the_statement_tells_the_dutch_effects_as_the_bases_keep_them(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed_allocations(uow_factory)
    told = statement_export(reader_factory(), viewer=OPERATOR, contributor="NLD").substitutions
    first = told[0]
    assert (first.on, first.recorded_at, first.packages) == (
        AT.date() + timedelta(days=1), AT, ("P-1000", "P-1001"),
    )  # fmt: skip
    assert first.sentence.startswith("Netherlands's money took over L-1 (USD 500.00)")
    own = VIEWERS["contributor NLD"]
    told_to_it = statement_export(reader_factory(), viewer=own, contributor="NLD").substitutions
    # L-2 and L-3 in P-1002 (restricted in every third allocation) are not named to it.
    assert [row.effect.unnamed for row in told_to_it[:4]] == [True, False, False, True]
    assert not any(row.effect.unnamed for row in told)


def test_restrictions_and_hidden_payers_of_some_packages_are_theirs_among_all(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    """What the statement's substitutions read of the packages their lines are in only."""
    seed_allocations(uow_factory)
    with uow_factory() as uow:
        for pid in (4242, 4243):  # paid by Germany's confidential money
            uow.packages.add(package(pid, L2, 2))
        uow.commit()
    some = {PackageId(1), PackageId(1002), PackageId(1005), PackageId(4242), PackageId(9999)}
    with reader_factory() as reader:
        for viewer in (*VIEWERS.values(), PUBLIC):
            every = reader.hidden_payers(viewer)
            kept = [p for p in every if p.package_id in some]
            assert reader.hidden_payers(viewer, packages=some) == kept
        hidden = reader.hidden_payers(PUBLIC, packages=some)
        restricted = reader.restrictions()
        assert reader.restrictions(packages=some) == {
            pid: r for pid, r in restricted.items() if pid in some
        }
        assert reader.restrictions(packages=()) == {}
        assert reader.hidden_payers(PUBLIC, packages=()) == []
    assert [p.package_id for p in hidden] == [PackageId(4242)]
    assert PackageId(1002) in restricted and PackageId(1005) not in restricted


def test_the_effects_kept_are_those_the_bases_hold_and_verify_finds_none_other(
    uow_factory: UowFactory,
) -> None:
    """What `ledger verify` compares, read alike on every storage: every effect of every
    basis, kept as `kept_substitutions.effects_of` derives it; a rebuild keeps as many."""
    seed_allocations(uow_factory)
    with uow_factory() as uow:
        bases = uow.bases.held_effects()
        held = bases.effects
        assert uow.bases.kept_effects() == held and not bases.unreadable
        found = (uow.bases.find(p.id) for p in sorted(uow.packages.list(), key=lambda p: p.id))
        expected = [effect for kept in found if kept is not None for effect in effects_of(kept)]
        assert held == expected and len(held) == 4 * ALLOCATIONS + 3
        assert uow.bases.rebuild_effects() == len(held)
    found = ledger_service.verify(uow_factory())[1]
    assert [f for f in found if f.rule == "substitution-effect"] == []


def test_a_basis_that_is_not_one_is_set_aside_by_the_reads_and_refused_by_a_rebuild(
    uow_factory: UowFactory,
) -> None:
    """Alike on every storage: the effects held are the other bases', the unreadable basis is
    named with why, and verify names it once; a rebuild refuses it, naming the package."""
    seed_allocations(uow_factory)
    first = PackageId(FIRST_PACKAGE)
    with uow_factory() as uow:
        whole = uow.bases.held_effects().effects
        replace_basis_document(uow, first, "{not json")
        uow.commit()
    with uow_factory() as uow:
        held = uow.bases.held_effects()
        assert held.effects == [e for e in whole if e.package_id != first]
        assert [u.package_id for u in held.unreadable] == [first]
        assert held.unreadable[0].reason.startswith(f"allocation basis altered: P-{first}: ")
        with pytest.raises(BasisAltered, match=f"allocation basis altered: P-{first}: "):
            uow.bases.rebuild_effects()
    found = ledger_service.verify(uow_factory())[1]
    named = [f.row for f in found if f.rule in ("basis-unreadable", "substitution-effect")]
    assert named == [f"allocation_bases P-{first}"]
