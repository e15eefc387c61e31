"""A line's edits are kept in order and in UTC, and a withdrawal that fails part-way leaves
nothing behind, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import CycleId, LineChange, LineId, RequirementLine
from purldesk.services import catalog, requirements
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


def test_line_changes_are_kept_in_order_and_in_utc(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=1)
    kyiv = timezone(timedelta(hours=3))
    changes = [
        LineChange(LineId(1), "quantity", "4", "6", LATER.astimezone(kyiv), "UKR"),
        LineChange(LineId(1), "justification", "winter", "cities", AT, "UKR"),
        LineChange(LineId(1), "quantity", "6", "8", LATER, "MOD"),
    ]
    with uow_factory() as uow:
        uow.requirements.append_changes(changes)
        uow.commit()
    with uow_factory() as uow:
        history = uow.requirements.change_history(LineId(1))
    # By time, then in the order they were recorded; read back in UTC.
    assert [(c.field, c.after, c.at, c.by) for c in history] == [
        ("justification", "cities", AT, "UKR"),
        ("quantity", "6", LATER, "UKR"),
        ("quantity", "8", LATER, "MOD"),
    ]
    assert all(c.at.utcoffset() == timedelta(0) for c in history)


def test_a_line_without_edits_has_an_empty_change_history(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=1)
    with uow_factory() as uow:
        assert uow.requirements.change_history(LineId(1)) == []


def test_a_withdrawal_that_fails_part_way_leaves_nothing_half_written(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    cycle_id = seed(uow_factory)
    before = listed(uow_factory, cycle_id)
    with uow_factory() as probe:
        repository = type(probe.requirements)

    def refuse(self: object, changes: Sequence[LineChange]) -> None:
        raise RuntimeError("the history could not be written")

    # The history write fails after the lines have been saved.
    with monkeypatch.context() as patched:
        patched.setattr(repository, "append_changes", refuse)
        with pytest.raises(RuntimeError):
            requirements.withdraw_line(
                uow_factory(), line_id=LineId(1), reason="x", at=LATER, by="UKR"
            )
    assert listed(uow_factory, cycle_id) == before
    assert stored_rows(uow_factory) == (4, 0)
