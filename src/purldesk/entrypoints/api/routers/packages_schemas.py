"""Request and response shapes of the packages router: drafts, acceptance, shipments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from purldesk.domain.access import AttributionView
from purldesk.domain.deliveries import Shipment
from purldesk.domain.packages import Package, PackageStatus
from purldesk.entrypoints.api.schemas import Day, Input, PositiveMinor, Quantity, Schema


class PackageLineRead(Schema):
    line_id: int
    item_code: str
    lots: int
    lot_price_minor: int
    cost_minor: int


class AttributionRead(Schema):
    """Money of one contribution on one line; a null contribution is the undisclosed bucket."""

    contribution_id: int | None
    line_id: int | None
    amount_minor: int


class PackageRead(Schema):
    id: int
    ref: str
    cycle_id: int
    name: str
    status: PackageStatus
    target_minor: int
    currency: str
    created_on: date
    cost_minor: int
    lines: list[PackageLineRead]
    attributions: list[AttributionRead]

    @classmethod
    def of(cls, p: Package, attributions: list[AttributionView]) -> PackageRead:
        return cls(
            id=p.id, ref=p.ref, cycle_id=p.cycle_id, name=p.name, status=p.status,
            target_minor=p.target.minor, currency=p.target.currency, created_on=p.created_on,
            cost_minor=p.cost.minor,
            lines=[
                PackageLineRead(line_id=ln.line_id, item_code=ln.item_code, lots=ln.lots,
                                lot_price_minor=ln.lot_price.minor, cost_minor=ln.cost.minor)
                for ln in p.lines
            ],
            attributions=[
                AttributionRead(contribution_id=a.contribution_id, line_id=a.line_id,
                                amount_minor=a.amount.minor)
                for a in attributions
            ],
        )  # fmt: skip


class PackageLots(Input):
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    lots: Annotated[int, Field(ge=1, le=10**6)]


class PackageAttribution(Input):
    contribution_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    amount_minor: PositiveMinor


class PackageCreate(Input):
    """A draft package: whole lots of lines, paid exactly by the money attributed to them."""

    cycle_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    target_minor: PositiveMinor = 50_000_000_000
    lines: Annotated[list[PackageLots], Field(min_length=1, max_length=500)]
    attributions: Annotated[list[PackageAttribution], Field(min_length=1, max_length=5000)]
    on: Day | None = None


class LinePrice(Input):
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    lot_price_minor: PositiveMinor


class PackageAccept(Input):
    """Acceptance, optionally at new lot prices: a surplus goes back to the pools, a deficit
    returns the package to `validated` until it is topped up."""

    on: Day | None = None
    prices: Annotated[list[LinePrice], Field(max_length=500)] = Field(default=[])


class ShipmentCreate(Input):
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    quantity: Annotated[Quantity, Field(description="Units, not lots.")]
    shipped_on: Day | None = None


class ReceiptConfirm(Input):
    received_on: Day | None = Field(default=None, description="Default today.")


class ShipmentRead(Schema):
    id: int
    package_id: int
    line_id: int
    quantity: int
    shipped_on: date
    received_on: date | None

    @classmethod
    def of(cls, s: Shipment) -> ShipmentRead:
        return cls(
            id=s.id, package_id=s.package_id, line_id=s.line_id, quantity=s.quantity,
            shipped_on=s.shipped_on, received_on=s.received_on,
        )  # fmt: skip
