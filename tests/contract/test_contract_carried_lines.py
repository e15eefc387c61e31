"""A line carried into a later cycle keeps the link to the line it carries on, and the earlier
line finds its successor, on the fake, SQLite and PostgreSQL alike; a link to no line is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from storage_backdoor import REFUSED_BY_THE_DATABASE

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import Cycle, CycleId, LineId, RequirementLine
from purldesk.services import catalog
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
KIT = CatalogItem(
    ItemCode("MED-1"), "Field hospital kit", "medical", AidClass.HUMANITARIAN,
    Money(250_000, USD), 2, 50, 30,
)  # fmt: skip
EARLIER = RequirementLine(
    id=LineId(1), ref="L-1", cycle_id=CycleId(1), item_code=KIT.code, area=KIT.area,
    aid_class=KIT.aid_class, quantity=4, rank=1, needed_by=date(2026, 1, 31),
    justification="winter",
)  # fmt: skip
CARRIED = replace(EARLIER, id=LineId(2), cycle_id=CycleId(2), carried_from=LineId(1))


def seed(uow_factory: UowFactory) -> None:
    catalog.import_items(uow_factory(), items=[KIT])
    with uow_factory() as uow:
        uow.cycles.add(Cycle(CycleId(1), "2025-10", date(2025, 10, 1)))
        uow.cycles.add(Cycle(CycleId(2), "2025-11", date(2025, 11, 1)))
        uow.requirements.add(EARLIER, at=AT, by="UKR")
        uow.commit()


def test_a_carried_line_keeps_its_link_both_ways(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.requirements.successor(EARLIER.id) is None
        uow.requirements.add(CARRIED, at=AT, by="UKR")
        uow.commit()
    with uow_factory() as uow:
        assert uow.requirements.get(CARRIED.id).carried_from == EARLIER.id
        assert uow.requirements.get(EARLIER.id).carried_from is None
        assert uow.requirements.successor(EARLIER.id) == CARRIED
        assert uow.requirements.successor(CARRIED.id) is None


def test_a_link_to_no_line_is_refused(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with pytest.raises(REFUSED_BY_THE_DATABASE), uow_factory() as uow:
        uow.requirements.add(replace(CARRIED, carried_from=LineId(99)), at=AT, by="UKR")
        uow.commit()
