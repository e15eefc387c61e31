"""Opening a cycle from the previous one, over the in-memory unit of work: the unfunded active
lines are carried in their order, each asking for what is still needed, with its ref and history."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from builders import make_item
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.errors import Conflict, InvalidInput, NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.requirements import CARRIED, CycleStatus, LineId, LineStatus
from purldesk.services import catalog, requirements
from purldesk.services.handle import Command, Context, handle
from purldesk.services.requirements import LineRow

AT = datetime(2025, 9, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
ITEM = make_item(code="KIT-1", unit_price=Money(1_000_000, USD), lot_size=2)
# ref, rank, quantity (lots of 2) and what becomes of each line of 2025-09
LINES = [
    ("L-1", 6),  # partly funded: one lot of three on a package
    ("L-2", 4),  # funded
    ("L-3", 2),  # withdrawn
    ("L-4", 8),  # open
    ("L-5", 2),  # partly funded, its package cancelled: all of it is still needed
]


class World:
    """2025-09 with the lines above, endorsed; a package funds L-1 in part and L-2 whole."""

    def __init__(self) -> None:
        self.db = FakeDatabase()
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(self.db)
        catalog.import_items(self.uow(), items=[ITEM])
        cycle = requirements.open_cycle(self.uow(), name="2025-09", opens_on=date(2025, 9, 1))
        rows = [
            LineRow(n, ref, n, "KIT-1", quantity, date(2025, 12, 1), "winter")
            for n, (ref, quantity) in enumerate(LINES, start=1)
        ]
        requirements.import_lines(self.uow(), cycle_id=cycle.id, rows=rows, at=AT, by="UKR")
        requirements.withdraw_line(self.uow(), line_id=LineId(3), reason="gone", at=AT, by="UKR")
        self._package(1, PackageStatus.DRAFT, (LineId(1), 1), (LineId(2), 2))
        self._package(2, PackageStatus.CANCELLED, (LineId(5), 1))
        self._set_status({1: LineStatus.PARTLY_FUNDED, 2: LineStatus.FUNDED, 5: LineStatus.OPEN})
        for status in (CycleStatus.SUBMITTED, CycleStatus.ENDORSED):
            requirements.move_cycle(self.uow(), cycle_id=cycle.id, status=status)

    def _package(self, number: int, status: PackageStatus, *held: tuple[LineId, int]) -> None:
        package = Package(
            id=PackageId(number), cycle_id=self.cycle("2025-09").id, name=f"P{number}",
            target=Money(50_000_000_000, USD), created_on=date(2025, 9, 3), status=status,
            lines=tuple(PackageLine(line, ITEM.code, lots, ITEM.lot_price) for line, lots in held),
        )  # fmt: skip
        with self.uow() as uow:
            uow.packages.add(package)
            uow.commit()

    def _set_status(self, statuses: dict[int, LineStatus]) -> None:
        with self.uow() as uow:
            for line_id, status in statuses.items():
                line = uow.requirements.get(LineId(line_id))
                uow.requirements.save(replace(line, status=status), at=AT, by="test")
            uow.commit()

    def cycle(self, name: str) -> requirements.Cycle:
        found = requirements.find_cycle(self.uow(), name=name)
        assert found is not None
        return found

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("staff"), at=LATER, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def open(self, name: str = "2026-01", *, on: date = date(2026, 1, 1)) -> Any:
        return self.run(requirements.OpenCycle(name=name, opens_on=on, carry_from="2025-09"))

    def lines(self, name: str) -> list[requirements.RequirementLine]:
        return requirements.list_lines(self.uow(), cycle_id=self.cycle(name).id)


@pytest.fixture
def world() -> World:
    return World()


def test_only_the_unfunded_active_lines_are_carried_in_their_order(world: World) -> None:
    opened = world.open()
    assert opened.status is CycleStatus.DRAFT
    carried = world.lines("2026-01")
    assert [(ln.ref, ln.rank, ln.quantity) for ln in carried] == [
        ("L-1", 1, 4),  # two lots of three still needed
        ("L-4", 2, 8),
        ("L-5", 3, 2),  # its only package was cancelled
    ]
    assert all(ln.status is LineStatus.OPEN for ln in carried)
    assert all(ln.needed_by == date(2026, 1, 1) for ln in carried)  # not before the opening
    previous = {ln.ref: ln.id for ln in world.lines("2025-09")}
    assert [ln.carried_from for ln in carried] == [previous[ln.ref] for ln in carried]


def test_a_carried_line_s_history_spans_both_cycles(world: World) -> None:
    world.open()
    line = requirements.find_line(world.uow(), cycle_id=world.cycle("2026-01").id, ref="L-1")
    periods = requirements.line_history(world.uow(), line_id=line.id)
    assert [(p.rank.line_id, p.rank.rank, p.rank.at) for p in periods] == [
        (LineId(1), 1, AT),
        (line.id, 1, LATER),
    ]
    (record,) = periods[-1].edits
    assert (record.field, record.before, record.after, record.by) == (
        CARRIED, "2025-09: quantity 6", "2026-01: quantity 4", "staff",
    )  # fmt: skip


def test_the_open_with_its_lines_is_audited_once(world: World) -> None:
    world.open()
    with world.uow() as uow:
        (entry,) = [e for e in uow.audit.entries() if e.action == "cycles.open"]
    assert entry.target == "2026-01"
    assert json.loads(entry.changes)["command"]["carry_from"] == "2025-09"


@pytest.mark.parametrize("status", [CycleStatus.DRAFT, CycleStatus.SUBMITTED])
def test_a_cycle_not_yet_endorsed_is_not_carried(status: CycleStatus) -> None:
    world = World()
    previous = world.cycle("2025-09")
    with world.uow() as uow:
        uow.cycles.save(replace(previous, status=status))
        uow.commit()
    with pytest.raises(Conflict, match="only an endorsed or closed"):
        world.open()
    assert requirements.find_cycle(world.uow(), name="2026-01") is None  # all or nothing


def test_a_cycle_is_carried_once_and_only_forward(world: World) -> None:
    with pytest.raises(InvalidInput, match="after the opening of 2025-09"):
        world.open(on=date(2025, 8, 1))
    world.open()
    with pytest.raises(Conflict, match="carried already"):
        world.open("2026-02", on=date(2026, 2, 1))
    assert requirements.find_cycle(world.uow(), name="2026-02") is None


def test_an_unknown_previous_cycle_is_named(world: World) -> None:
    command = requirements.OpenCycle(name="2026-01", opens_on=date(2026, 1, 1), carry_from="1999")
    with pytest.raises(NotFound, match="1999"):
        world.run(command)


def test_a_later_edit_of_the_carried_line_leaves_the_earlier_one(world: World) -> None:
    world.open()
    new = requirements.find_line(world.uow(), cycle_id=world.cycle("2026-01").id, ref="L-4")
    requirements.edit_line(
        world.uow(), line_id=new.id, quantity=2, at=LATER + timedelta(days=1), by="UKR"
    )
    old = requirements.find_line(world.uow(), cycle_id=world.cycle("2025-09").id, ref="L-4")
    assert old.quantity == 8
    fields = [
        e.field for p in requirements.line_history(world.uow(), line_id=new.id) for e in p.edits
    ]
    assert fields == [CARRIED, "quantity"]
