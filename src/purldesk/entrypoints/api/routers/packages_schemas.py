"""Request and response shapes of the packages router: packages and their summaries, drafts,
acceptance, shipments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from purldesk.domain.deliveries import Shipment
from purldesk.domain.disclosure import CONTENTS_RESTRICTED
from purldesk.domain.package_money import PackageMoney
from purldesk.domain.packages import Package, PackageLine, PackageStatus
from purldesk.entrypoints.api.schemas import Code, Day, Input, PositiveMinor, Quantity, Schema
from purldesk.services.views.packages import ListedPackage


class PackageLineRead(Schema):
    """A line of a package; its price and cost are null (and `suppressed` says why) where
    they would reveal undisclosed money to you."""

    line_id: int
    item_code: str
    lots: int
    lot_price_minor: int | None
    cost_minor: int | None
    suppressed: str | None = None


class AttributionRead(Schema):
    """Money of one contribution on one line; a null contribution is the undisclosed bucket."""

    contribution_id: int | None
    line_id: int | None
    amount_minor: int


class PackageRead(Schema):
    """A package; its cost is null (and `suppressed` says why) where it, less the parts you
    may see, would reveal undisclosed money to you. Where its contents are restricted and you
    are not cleared, its lines are left out, the attributions are your own only, and
    `restricted` says why. `attributions` is a page of them, in the package's order, from
    `attributions_offset` (the money you may not see last, as one attribution with no
    contribution, where it may be published); `attribution_count` counts them all."""

    id: int
    ref: str
    cycle_id: int
    name: str
    status: PackageStatus
    target_minor: int
    currency: str
    created_on: date
    cost_minor: int | None
    lines: list[PackageLineRead]
    attributions: list[AttributionRead]
    attribution_count: int
    attributions_offset: int
    suppressed: str | None = None
    restricted: str | None = None

    @classmethod
    def of(cls, p: Package, money: PackageMoney) -> PackageRead:
        def line(ln: PackageLine) -> PackageLineRead:
            shown = money.line_cost_shown(ln.line_id)
            return PackageLineRead(
                line_id=ln.line_id, item_code=ln.item_code, lots=ln.lots,
                lot_price_minor=ln.lot_price.minor if shown else None,
                cost_minor=ln.cost.minor if shown else None,
                suppressed=None if shown else money.reason,
            )  # fmt: skip

        return cls(
            id=p.id, ref=p.ref, cycle_id=p.cycle_id, name=p.name, status=p.status,
            target_minor=p.target.minor, currency=p.target.currency, created_on=p.created_on,
            cost_minor=p.cost.minor if money.cost_shown else None,
            lines=[line(ln) for ln in p.lines] if money.contents_shown else [],
            attributions=[
                AttributionRead(contribution_id=a.contribution_id, line_id=a.line_id,
                                amount_minor=a.amount.minor)
                for a in money.attributions
            ],
            attribution_count=money.count, attributions_offset=money.offset,
            suppressed=None if money.cost_shown else money.reason,
            restricted=None if money.contents_shown else CONTENTS_RESTRICTED,
        )  # fmt: skip


class PackageSummaryRead(Schema):
    """A package in the list: its figures, not its lines or attributions (read them with
    `GET /packages/{id}`). Its cost, `suppressed` and `restricted` are the package's own
    answer's; `line_count` is how many lines that answer shows, null where its contents are
    restricted from you."""

    id: int
    ref: str
    cycle_id: int
    name: str
    status: PackageStatus
    target_minor: int
    currency: str
    created_on: date
    cost_minor: int | None
    line_count: int | None
    suppressed: str | None = None
    restricted: str | None = None

    @classmethod
    def of(cls, p: ListedPackage) -> PackageSummaryRead:
        return cls(
            id=p.id, ref=p.ref, cycle_id=p.cycle_id, name=p.name, status=p.status,
            target_minor=p.target.minor, currency=p.target.currency, created_on=p.created_on,
            cost_minor=None if p.cost is None else p.cost.minor, line_count=p.line_count,
            suppressed=p.withheld or None, restricted=p.restricted or None,
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


class ContentsRestriction(Input):
    """Restrict the package's contents to those who must know and the participants `cleared`,
    or publish them again (`restricted` false, with no one cleared)."""

    restricted: bool = True
    cleared: Annotated[list[Code], Field(default_factory=list, max_length=100)]


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
