"""What a write reads, takes or adds many of at once gives what one at a time gives, on the
fake, SQLite and PostgreSQL alike: catalog items by code, the lines carried on, a run of a
sequence's numbers, and new lines with their first ranks (refused as the first refused one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta, timezone

import pytest
from test_contract_carried_lines import AT, KIT

from purldesk.domain.catalog import ItemCode
from purldesk.domain.errors import AlreadyExists, NotFound
from purldesk.domain.requirements import Cycle, CycleId, LineId, RequirementLine
from purldesk.services import catalog
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
TENT = replace(KIT, code=ItemCode("SHL-1"), name="Winter tent", area="shelter")
FIRST = RequirementLine(
    id=LineId(1), ref="L-1", cycle_id=CycleId(1), item_code=KIT.code, area=KIT.area,
    aid_class=KIT.aid_class, quantity=4, rank=1, needed_by=date(2026, 1, 31),
    justification="winter",
)  # fmt: skip
SECOND = replace(FIRST, id=LineId(2), ref="L-2", rank=2)
CARRIED = replace(FIRST, id=LineId(3), cycle_id=CycleId(2), carried_from=FIRST.id)


def test_catalog_items_are_read_many_at_once_by_code(uow_factory: UowFactory) -> None:
    catalog.import_items(uow_factory(), items=[KIT, TENT])
    with uow_factory() as uow:
        assert uow.catalog.many([TENT.code, KIT.code, TENT.code]) == {
            KIT.code: KIT, TENT.code: TENT,
        }  # fmt: skip
        assert uow.catalog.many(["NOPE-1", KIT.code]) == {KIT.code: KIT}
        assert uow.catalog.many([]) == {}
        assert catalog.items_of(uow, [KIT.code]) == {KIT.code: KIT}
        with pytest.raises(NotFound, match="NOPE-1"):
            catalog.items_of(uow, [KIT.code, "NOPE-1", "NOPE-2"])


def test_the_lines_carried_on_are_found_at_once(uow_factory: UowFactory) -> None:
    catalog.import_items(uow_factory(), items=[KIT])
    with uow_factory() as uow:
        uow.cycles.add(Cycle(CycleId(1), "2025-10", date(2025, 10, 1)))
        uow.cycles.add(Cycle(CycleId(2), "2025-11", date(2025, 11, 1)))
        for line in (FIRST, SECOND):
            uow.requirements.add(line, at=AT, by="UKR")
        uow.commit()
    with uow_factory() as uow:
        assert uow.requirements.carried([FIRST.id, SECOND.id]) == set()
        uow.requirements.add(CARRIED, at=AT, by="UKR")
        uow.commit()
    with uow_factory() as uow:
        assert uow.requirements.carried([FIRST.id, SECOND.id, CARRIED.id]) == {FIRST.id}
        assert uow.requirements.carried([]) == set()


def test_next_ids_take_a_run_of_numbers_as_next_id_takes_one(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert list(uow.next_ids("line", 3)) == [1, 2, 3]
        assert uow.next_id("line") == 4
        assert list(uow.next_ids("line", 0)) == []
        assert list(uow.next_ids("line", 2)) == [5, 6]
        assert list(uow.next_ids("other", 1)) == [1]
        uow.commit()
    with uow_factory() as uow:
        assert list(uow.next_ids("line", 1)) == [7]  # rolled back on leaving
    with uow_factory() as uow:
        assert uow.next_id("line") == 7


def seed_cycle(uow_factory: UowFactory) -> None:
    catalog.import_items(uow_factory(), items=[KIT])
    with uow_factory() as uow:
        uow.cycles.add(Cycle(CycleId(1), "2025-10", date(2025, 10, 1)))
        uow.commit()


def test_lines_added_many_at_once_are_stored_as_one_by_one(uow_factory: UowFactory) -> None:
    seed_cycle(uow_factory)
    with uow_factory() as uow:
        kyiv = AT.astimezone(timezone(timedelta(hours=3)))
        uow.requirements.add_many([FIRST, SECOND], at=kyiv, by="UKR")
        uow.requirements.add_many([], at=AT, by="UKR")
        uow.commit()
    with uow_factory() as uow:
        assert uow.requirements.list(CycleId(1)) == [FIRST, SECOND]
        ranks = uow.requirements.rank_histories()
        assert [(c.line_id, c.rank, c.at, c.by) for c in ranks] == [
            (FIRST.id, 1, AT, "UKR"), (SECOND.id, 2, AT, "UKR"),
        ]  # fmt: skip
        assert all(c.at.utcoffset() == timedelta(0) for c in ranks)


@pytest.mark.parametrize(
    ("batch", "shown"),
    [
        ([SECOND, replace(FIRST, ref="L-5")], "1"),
        ([SECOND, replace(SECOND, id=LineId(6))], "L-2 in cycle 1"),
    ],
    ids=["taken-before", "taken-in-the-batch"],
)
def test_lines_added_many_at_once_are_refused_as_the_first_refused_one(
    uow_factory: UowFactory, batch: list[RequirementLine], shown: str
) -> None:
    seed_cycle(uow_factory)
    with uow_factory() as uow:
        uow.requirements.add(FIRST, at=AT, by="UKR")
        uow.commit()
    with pytest.raises(AlreadyExists) as refused, uow_factory() as uow:
        uow.requirements.add_many(batch, at=AT, by="UKR")
    assert str(refused.value) == str(AlreadyExists("requirement line", shown))
    with uow_factory() as uow:
        assert uow.requirements.list(CycleId(1)) == [FIRST]
