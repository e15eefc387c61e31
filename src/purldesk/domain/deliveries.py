"""Deliveries: shipments per package line, and the recipient's confirmation of receipt."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import NewType

from purldesk.domain.dates import not_before
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.packages import Package, PackageId
from purldesk.domain.requirements import LineId

ShipmentId = NewType("ShipmentId", int)


@dataclass(frozen=True, slots=True)
class Shipment:
    id: ShipmentId
    package_id: PackageId
    line_id: LineId
    quantity: int
    shipped_on: date
    received_on: date | None = None

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise InvalidInput("quantity", "must be at least 1")

    @property
    def ref(self) -> str:
        return shipment_ref(self.id)

    @property
    def is_confirmed(self) -> bool:
        return self.received_on is not None

    def confirm_receipt(self, *, on: date) -> Shipment:
        if self.received_on is not None:
            raise Conflict(f"shipment {self.id} was already confirmed on {self.received_on}")
        not_before(on, self.shipped_on, field="received_on", fact=f"the shipment {self.ref}")
        return replace(self, received_on=on)


def shipment_ref(shipment_id: int) -> str:
    return f"S-{shipment_id:04d}"


def closing_on(package: Package, shipments: Iterable[Shipment], on: date) -> date:
    """`on`, the day `package` is closed, unless it is before its draft or the day its last
    shipment arrived."""
    package.step_on(on)
    arrivals = [s.received_on for s in shipments if s.received_on is not None]
    if not arrivals:
        return on
    return not_before(on, max(arrivals), field="on", fact=f"the last delivery of {package.ref}")
