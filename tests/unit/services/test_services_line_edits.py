"""Editing and withdrawing lines through the services: every change is stored in order and
refusals write nothing (tests/contract/test_contract_line_changes.py holds the storage to it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.errors import Conflict, IllegalTransition, InvalidInput
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.requirements import (
    CycleId,
    CycleStatus,
    LineId,
    LineStatus,
    RequirementLine,
)
from purldesk.services import catalog, packages, requirements
from purldesk.services.ports import UnitOfWork
from purldesk.services.requirements import LineRow

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
LATER = AT + timedelta(hours=1)
KIT = CatalogItem(
    ItemCode("MED-1"), "Field hospital kit", "medical", AidClass.HUMANITARIAN,
    Money(250_000, USD), 2, 50, 30,
)  # fmt: skip


def seed(uow_factory: UowFactory, *, lines: int = 4) -> CycleId:
    """A draft cycle of `lines` lines L-1..L-n, ranked in order, quantity 4 each."""
    catalog.import_items(uow_factory(), items=[KIT])
    cycle = requirements.open_cycle(uow_factory(), name="2025-10", opens_on=date(2025, 10, 1))
    rows = [
        LineRow(n, f"L-{n}", n, "MED-1", 4, date(2026, 1, 31), "winter")
        for n in range(1, lines + 1)
    ]
    requirements.import_lines(uow_factory(), cycle_id=cycle.id, rows=rows, at=AT, by="UKR")
    return cycle.id


def listed(uow_factory: UowFactory, cycle_id: CycleId) -> list[RequirementLine]:
    return requirements.list_lines(uow_factory(), cycle_id=cycle_id)


def stored_rows(uow_factory: UowFactory) -> tuple[int, int]:
    """(rank changes, line changes) stored, all lines of all cycles together."""
    with uow_factory() as uow:
        lines = [ln for c in uow.cycles.list() for ln in uow.requirements.list(c.id)]
        ranks = sum(len(uow.requirements.rank_history(ln.id)) for ln in lines)
        edits = sum(len(uow.requirements.change_history(ln.id)) for ln in lines)
    return ranks, edits


def put_on_package(uow_factory: UowFactory, cycle_id: CycleId, line_id: int) -> Package:
    package = Package(
        id=PackageId(1), cycle_id=cycle_id, name="P1", target=Money(50_000_000_000, USD),
        created_on=date(2025, 10, 2),
        lines=(PackageLine(LineId(line_id), KIT.code, 2, KIT.lot_price),),
    )  # fmt: skip
    with uow_factory() as uow:
        uow.packages.add(package)
        uow.commit()
    return package


# --- edit -----------------------------------------------------------------------------------


def test_an_edit_changes_the_line_and_keeps_each_old_value(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory)
    edited = requirements.edit_line(
        uow_factory(), line_id=LineId(2), quantity=10, justification="front line",
        at=LATER, by="UKR",
    )  # fmt: skip
    assert [(c.field, c.before, c.after) for c in edited.changes] == [
        ("quantity", "4", "10"),
        ("justification", "winter", "front line"),
    ]
    line = requirements.find_line(uow_factory(), cycle_id=cycle_id, ref="L-2")
    assert (line.quantity, line.justification, line.rank) == (10, "front line", 2)
    assert requirements.change_history(uow_factory(), line_id=LineId(2)) == list(edited.changes)
    assert len(requirements.rank_history(uow_factory(), line_id=LineId(2))) == 1  # no new rank


def test_an_edit_that_changes_nothing_is_refused_and_stores_nothing(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    before = stored_rows(uow_factory)
    with pytest.raises(InvalidInput) as caught:
        requirements.edit_line(uow_factory(), line_id=LineId(1), quantity=4, at=LATER, by="UKR")
    assert caught.value.field == "quantity"
    assert stored_rows(uow_factory) == before


def test_a_quantity_of_part_lots_is_refused_naming_the_field(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory)
    with pytest.raises(InvalidInput) as caught:
        requirements.edit_line(
            uow_factory(), line_id=LineId(1), quantity=5, justification="new", at=LATER, by="UKR"
        )
    assert caught.value.field == "quantity"
    line = requirements.find_line(uow_factory(), cycle_id=cycle_id, ref="L-1")
    assert (line.quantity, line.justification) == (4, "winter")  # nothing half-saved


def test_only_a_draft_list_can_be_edited_or_withdrawn_from(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory)
    requirements.move_cycle(uow_factory(), cycle_id=cycle_id, status=CycleStatus.SUBMITTED)
    with pytest.raises(Conflict, match="only a draft list can change"):
        requirements.edit_line(uow_factory(), line_id=LineId(1), quantity=6, at=LATER, by="UKR")
    with pytest.raises(Conflict, match="only a draft list can change"):
        requirements.withdraw_line(uow_factory(), line_id=LineId(1), reason="x", at=LATER, by="UKR")
    assert stored_rows(uow_factory) == (4, 0)


def test_a_packaged_line_keeps_its_quantity_until_the_package_is_cancelled(
    uow_factory: UowFactory,
) -> None:
    cycle_id = seed(uow_factory)
    package = put_on_package(uow_factory, cycle_id, 1)
    with pytest.raises(Conflict, match=r"L-1 is on package P-0001 \(draft\); cancel the package"):
        requirements.edit_line(uow_factory(), line_id=LineId(1), quantity=6, at=LATER, by="UKR")
    # Its other fields may change.
    requirements.edit_line(
        uow_factory(), line_id=LineId(1), justification="still needed", at=LATER, by="UKR"
    )
    with uow_factory() as uow:
        uow.packages.get(package.id)
        uow.packages.save(package.move_to(PackageStatus.CANCELLED))
        uow.commit()
    requirements.edit_line(uow_factory(), line_id=LineId(1), quantity=6, at=LATER, by="UKR")
    line = requirements.find_line(uow_factory(), cycle_id=cycle_id, ref="L-1")
    assert (line.quantity, line.justification) == (6, "still needed")


# --- withdraw -------------------------------------------------------------------------------


def test_withdrawing_closes_up_the_ranks_and_keeps_every_change(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory)
    withdrawal = requirements.withdraw_line(
        uow_factory(), line_id=LineId(2), reason="met bilaterally", at=LATER, by="UKR"
    )
    assert [(ln.ref, ln.rank, ln.status) for ln in withdrawal.lines] == [
        ("L-2", 2, LineStatus.WITHDRAWN),
        ("L-3", 2, LineStatus.OPEN),
        ("L-4", 3, LineStatus.OPEN),
    ]
    lines = listed(uow_factory, cycle_id)
    active = [(ln.ref, ln.rank) for ln in lines if ln.status is not LineStatus.WITHDRAWN]
    assert active == [("L-1", 1), ("L-3", 2), ("L-4", 3)]
    history = requirements.line_history(uow_factory(), line_id=LineId(2))
    assert [(p.rank.rank, [(e.field, e.before, e.after) for e in p.edits]) for p in history] == [
        (2, [("status", "open", "withdrawn"), ("reason", "", "met bilaterally")]),
    ]
    moved = requirements.rank_history(uow_factory(), line_id=LineId(3))
    assert [(c.rank, c.at, c.by) for c in moved] == [(3, AT, "UKR"), (2, LATER, "UKR")]


def test_a_withdrawn_rank_is_free_again_for_an_import(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory, lines=3)
    requirements.withdraw_line(uow_factory(), line_id=LineId(3), reason="x", at=LATER, by="UKR")
    requirements.import_lines(
        uow_factory(), cycle_id=cycle_id,
        rows=[LineRow(1, "L-9", 3, "MED-1", 2, date(2026, 2, 1), "new")], at=LATER, by="UKR",
    )  # fmt: skip
    active = [ln.ref for ln in listed(uow_factory, cycle_id) if ln.status is LineStatus.OPEN]
    assert active == ["L-1", "L-2", "L-9"]


def test_a_withdrawn_line_can_be_neither_edited_nor_moved_nor_withdrawn_again(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    requirements.withdraw_line(uow_factory(), line_id=LineId(1), reason="x", at=LATER, by="UKR")
    before = stored_rows(uow_factory)
    with pytest.raises(Conflict, match="withdrawn"):
        requirements.edit_line(uow_factory(), line_id=LineId(1), quantity=6, at=LATER, by="UKR")
    with pytest.raises(IllegalTransition):
        requirements.withdraw_line(uow_factory(), line_id=LineId(1), reason="y", at=LATER, by="UKR")
    with pytest.raises(InvalidInput):
        requirements.move_line(uow_factory(), line_id=LineId(1), new_rank=1, at=LATER, by="UKR")
    assert stored_rows(uow_factory) == before


def test_a_line_on_a_live_package_cannot_be_withdrawn(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory)
    put_on_package(uow_factory, cycle_id, 3)
    with pytest.raises(Conflict, match="P-0001"):
        requirements.withdraw_line(uow_factory(), line_id=LineId(3), reason="x", at=LATER, by="UKR")
    assert stored_rows(uow_factory) == (4, 0)
    assert all(ln.status is LineStatus.OPEN for ln in listed(uow_factory, cycle_id))


def test_a_withdrawal_without_a_reason_is_refused_naming_it(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with pytest.raises(InvalidInput) as caught:
        requirements.withdraw_line(uow_factory(), line_id=LineId(1), reason=" ", at=LATER, by="UKR")
    assert caught.value.field == "reason"
    assert stored_rows(uow_factory) == (4, 0)


def test_a_withdrawn_line_cannot_be_put_on_a_package(uow_factory: UowFactory) -> None:
    cycle_id = seed(uow_factory)
    requirements.withdraw_line(uow_factory(), line_id=LineId(2), reason="x", at=LATER, by="UKR")
    with pytest.raises(Conflict, match="L-2 is withdrawn"):
        packages.create_draft(
            uow_factory(), cycle_id=cycle_id, name="P1", target=Money(50_000_000_000, USD),
            lots=[(LineId(2), 2)], attributions=[], on=date(2025, 10, 2), at=LATER,
        )  # fmt: skip
    with uow_factory() as uow:
        assert uow.packages.list(cycle_id=cycle_id) == []


def test_the_list_as_it_stood_on_each_day_is_told_by_its_history(
    uow_factory: UowFactory,
) -> None:
    cycle_id = seed(uow_factory, lines=3)  # imported on 1 October
    day = timedelta(days=1)
    requirements.move_line(uow_factory(), line_id=LineId(3), new_rank=1, at=AT + day, by="UKR")
    requirements.edit_line(uow_factory(), line_id=LineId(2), quantity=8, at=AT + 2 * day, by="UKR")
    requirements.withdraw_line(
        uow_factory(), line_id=LineId(1), reason="met bilaterally", at=AT + 3 * day, by="UKR"
    )

    def stood(on: date) -> list[tuple[int, str, int]]:
        lines = requirements.list_as_it_stood(uow_factory(), cycle_id=cycle_id, on=on)
        return [(ln.rank, ln.ref, ln.quantity) for ln in lines]

    assert stood(date(2025, 9, 30)) == []
    assert stood(date(2025, 10, 1)) == [(1, "L-1", 4), (2, "L-2", 4), (3, "L-3", 4)]
    assert stood(date(2025, 10, 2)) == [(1, "L-3", 4), (2, "L-1", 4), (3, "L-2", 4)]
    assert stood(date(2025, 10, 3)) == [(1, "L-3", 4), (2, "L-1", 4), (3, "L-2", 8)]
    assert stood(date(2025, 10, 4)) == [(1, "L-3", 4), (2, "L-2", 8)]
    now = [(ln.rank, ln.ref, ln.quantity) for ln in listed(uow_factory, cycle_id)]
    assert stood(date(2025, 10, 4)) == [row for row in now if row[1] != "L-1"]
