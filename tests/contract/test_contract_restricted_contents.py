"""A package's restricted contents, stored and read the same on the fake and both databases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from test_contract_repositories import line, october, radar

from purldesk.domain.catalog import ItemCode
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageLine, Restriction
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]


def _seed(uow_factory: UowFactory) -> Package:
    package = Package(
        id=PackageId(1), cycle_id=CycleId(1), name="P-0001", target=Money(50_000_000_000, USD),
        created_on=date(2025, 10, 5),
        lines=(PackageLine(LineId(1), ItemCode("RADAR-1"), 2, Money(1_000, USD)),),
    )  # fmt: skip
    with uow_factory() as uow:
        for code in ("NLD", "DEU"):
            uow.participants.add(
                Participant(
                    ParticipantCode(code), code, ParticipantKind.ALLY, ParticipantStatus.JOINED
                )
            )
        uow.catalog.add(radar())
        uow.cycles.add(october())
        uow.requirements.add(line(1), at=_AT, by="mod")
        uow.packages.add(package)
        uow.commit()
    return package


_AT = datetime(2025, 10, 1, tzinfo=UTC)


def test_a_restriction_round_trips_with_its_cleared_organizations(
    uow_factory: UowFactory,
) -> None:
    package = _seed(uow_factory)
    cleared = [ParticipantCode("NLD"), ParticipantCode("DEU")]
    with uow_factory() as uow:
        uow.packages.save(uow.packages.get(PackageId(1)).restricted_to(cleared))
        uow.commit()
    with uow_factory() as uow:
        found = uow.packages.get(PackageId(1))
    assert found.restriction == Restriction(frozenset(cleared))
    assert replace(found, restriction=None) == package


def test_lifting_a_restriction_forgets_who_was_cleared(uow_factory: UowFactory) -> None:
    _seed(uow_factory)
    with uow_factory() as uow:
        uow.packages.save(uow.packages.get(PackageId(1)).restricted_to([ParticipantCode("NLD")]))
        uow.commit()
    with uow_factory() as uow:
        uow.packages.save(uow.packages.get(PackageId(1)).restricted_to(None))
        uow.commit()
    with uow_factory() as uow:
        assert uow.packages.get(PackageId(1)).restriction is None


def test_the_reader_lists_restrictions_and_leaves_excluded_packages_out_of_lots(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    _seed(uow_factory)
    with uow_factory() as uow:
        uow.packages.save(uow.packages.get(PackageId(1)).restricted_to([]))
        uow.commit()
    with reader_factory() as reader:
        assert reader.restrictions() == {PackageId(1): Restriction(frozenset())}
        assert reader.funded_lots(CycleId(1)) == {LineId(1): 2}
        assert reader.funded_lots(CycleId(1), excluding={PackageId(1)}) == {}
