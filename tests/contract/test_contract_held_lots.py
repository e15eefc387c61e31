"""The lots a cycle's packages hold, summed per line and item, are the same on the fake, SQLite
and PostgreSQL: cancelled packages are left out, a cancellation or a new package in the same
transaction counts at once, and another cycle's packages are never counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from purldesk.domain.catalog import ItemCode
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services.ports import UnitOfWork
from reader_world import KIT_PRICE, OCTOBER, RADAR_PRICE, SEPTEMBER, seed

UowFactory = Callable[[], UnitOfWork]

RADAR, KIT = ItemCode("RADAR-1"), ItemCode("MED-1")


def _october(pid: int, status: PackageStatus, *lines: PackageLine) -> Package:
    made = Package(
        PackageId(pid), OCTOBER, f"P-{pid:04d}", Money(2_000_000_00, USD), date(2025, 10, 6)
    )
    return replace(made, status=status, lines=lines)


def test_lots_are_summed_per_line_and_item_over_the_packages_not_cancelled(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)  # October: P-0001 accepted (L-1 1 lot, L-2 2), P-0002 cancelled (L-3 1)
    with uow_factory() as uow:
        uow.packages.add(
            _october(
                4, PackageStatus.FUNDED,
                PackageLine(LineId(3), KIT, 1, KIT_PRICE),
                PackageLine(LineId(2), RADAR, 1, RADAR_PRICE),
            )
        )  # fmt: skip
        uow.packages.add(
            _october(5, PackageStatus.CANCELLED, PackageLine(LineId(3), KIT, 5, KIT_PRICE))
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.packages.held_lots(OCTOBER) == {(LineId(2), RADAR): 2, (LineId(3), KIT): 3}
        assert uow.packages.held_lots(SEPTEMBER) == {(LineId(1), KIT): 3}
        assert uow.packages.held_lots(CycleId(99)) == {}


def test_a_package_cancelled_or_added_in_the_same_transaction_counts_at_once(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        accepted = uow.packages.get(PackageId(1))
        uow.packages.save(replace(accepted, status=PackageStatus.CANCELLED))
        assert uow.packages.held_lots(OCTOBER) == {}
        uow.packages.add(
            _october(4, PackageStatus.DRAFT, PackageLine(LineId(4), KIT, 2, KIT_PRICE))
        )
        assert uow.packages.held_lots(OCTOBER) == {(LineId(4), KIT): 2}
        uow.rollback()
    with uow_factory() as uow:
        assert uow.packages.held_lots(OCTOBER) == {(LineId(2), RADAR): 1, (LineId(3), KIT): 2}
