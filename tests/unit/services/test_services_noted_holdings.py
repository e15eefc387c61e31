"""What a write holds of the packages it touched, so that keeping their history reads nothing
again: the package as it last got or wrote it, and the shipments it last listed with those it
added or saved since; shipments it never listed are not held (they are read)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageStatus
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services.changed import Noted, ObjectKind

ON = date(2025, 10, 1)
PACKAGE = Package(PackageId(1), CycleId(1), "P-1", Money(100, USD), ON)
FIRST = Shipment(ShipmentId(1), PackageId(1), LineId(1), 2, ON)
SECOND = Shipment(ShipmentId(2), PackageId(1), LineId(1), 3, ON)


def test_the_package_last_written_is_held() -> None:
    noted = Noted()
    noted.held[PACKAGE.id] = PACKAGE  # as a get notes it
    proposed = replace(PACKAGE, status=PackageStatus.PROPOSED)
    noted.note(ObjectKind.PACKAGE, proposed)
    assert noted.held == {PACKAGE.id: proposed}
    assert noted.packages == {PACKAGE.id}


def test_listed_shipments_are_held_with_those_added_and_saved_since() -> None:
    noted = Noted()
    noted.listed(PackageId(1), [FIRST])
    noted.note(ObjectKind.SHIPMENT, SECOND)
    confirmed = FIRST.confirm_receipt(on=ON)
    noted.note(ObjectKind.SHIPMENT, confirmed)
    assert noted.shipments == {PackageId(1): {FIRST.id: confirmed, SECOND.id: SECOND}}


def test_shipments_of_a_package_never_listed_are_not_held() -> None:
    noted = Noted()
    noted.note(ObjectKind.SHIPMENT, SECOND)
    assert noted.shipments == {}
    assert noted.packages == {PackageId(1)}
