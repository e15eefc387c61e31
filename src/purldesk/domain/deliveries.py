"""Deliveries: shipments per package line, and the recipient's confirmation of receipt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import NewType

from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.packages import PackageId
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
        if on < self.shipped_on:
            raise InvalidInput("received_on", f"{on} is before shipment on {self.shipped_on}")
        return replace(self, received_on=on)


def shipment_ref(shipment_id: int) -> str:
    return f"S-{shipment_id:04d}"
