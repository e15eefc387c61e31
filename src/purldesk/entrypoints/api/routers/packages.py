"""Packages: read with confidential attributions folded; draft (allocate), take them through
their lifecycle (propose, validate, accept or re-price, top up, close) and cancel; shipments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, Permission
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.deliveries import ShipmentId
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.package_money import redact_attributions
from purldesk.domain.packages import Attribution, Package, PackageId, PackageStatus
from purldesk.domain.requirements import CycleId, LineId
from purldesk.entrypoints.api.deps import Id, IdFilter, Listing, Wired, allowed, allowed_listing
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.packages_schemas import (
    ContentsRestriction,
    PackageAccept,
    PackageCreate,
    PackageRead,
    PackageSummaryRead,
    ReceiptConfirm,
    ShipmentCreate,
    ShipmentRead,
)
from purldesk.entrypoints.api.schemas import OnDate, Page
from purldesk.entrypoints.api.writes import CommandRoutes, same_for_all
from purldesk.services import deliveries, packages
from purldesk.services.ports import UnitOfWork
from purldesk.services.views import packages as package_pages
from purldesk.services.views import rows

router = APIRouter(responses=ERROR_RESPONSES, tags=["packages"])

Reader = Annotated[Actor, Depends(allowed(Permission.READ_PACKAGES))]
ListReader = Annotated[Listing, Depends(allowed_listing(Permission.READ_PACKAGES))]


def _contributions(uow: UnitOfWork, paid: Iterable[Package]) -> dict[ContributionId, Contribution]:
    """The contributions paying the packages `paid`: the only ones their redaction reads."""
    paying = {part.contribution_id for package in paid for part in package.attributions}
    if not paying:
        return {}
    with uow:
        return {c.id: c for c in uow.contributions.list(ids=paying)}


ATTRIBUTIONS_PAGE = 100  # attributions in a package's answer, unless asked for another page
AttributionsLimit = Annotated[
    int, Query(ge=1, le=500, description="Attributions in the answer, from the offset.")
]
AttributionsOffset = Annotated[
    int, Query(ge=0, le=10**9, description="Attributions to skip, in the package's order.")
]


def _read(
    actor: Actor,
    package: Package,
    known: dict[ContributionId, Contribution],
    application: Application,
) -> PackageRead:
    """The package as a write leaves it: the first page of its attributions."""
    money = redact_attributions(
        actor, package, known, min_hidden_contributors=application.min_hidden_contributors,
        limit=ATTRIBUTIONS_PAGE,
    )  # fmt: skip
    return PackageRead.of(package, money)


@router.get("/packages", response_model=Page[PackageSummaryRead])
def list_packages(
    listing: ListReader, cycle_id: IdFilter = None, status: PackageStatus | None = None
) -> dict[str, Any]:
    """Packages by id, as summaries: each one's cost (withheld as its own answer withholds
    it) and number of lines, not its lines or attributions. Counted and paged in SQL."""
    paging = listing.paging
    found = package_pages.package_summaries(
        listing.application.reader(), viewer=listing.actor.viewer,
        cycle_id=None if cycle_id is None else CycleId(cycle_id), status=status,
        offset=paging.offset, limit=paging.limit,
    )  # fmt: skip
    return listing.cut(found.packages, found.total, PackageSummaryRead.of)


@router.get("/packages/{package_id}", response_model=PackageRead)
def get_package(
    package_id: Id,
    actor: Reader,
    application: Wired,
    attributions_limit: AttributionsLimit = ATTRIBUTIONS_PAGE,
    attributions_offset: AttributionsOffset = 0,
) -> Any:
    """A package with a page of its attributions as you may see them (`attribution_count`
    counts them all), read a page at a time however many contributions pay it."""
    package, money = package_pages.package_money_page(
        application.reader(), viewer=actor.viewer, package_id=PackageId(package_id),
        offset=attributions_offset, limit=attributions_limit,
    )  # fmt: skip
    return PackageRead.of(package, money)


def _package(
    package: Package, actor: Actor, uow: UnitOfWork, application: Application
) -> PackageRead:
    return _read(actor, package, _contributions(uow, [package]), application)


write = CommandRoutes(router, response_model=PackageRead, present=_package)


@write.post("/packages", packages.Draft, status_code=201)
def create_package(body: PackageCreate) -> packages.Draft:
    """Draft a package whose lines are paid exactly by the money attributed to them: the
    allocation moves that money from each contribution's pool, never overdrawing it."""
    return packages.Draft(
        cycle_id=CycleId(body.cycle_id), name=body.name,
        package_target=Money(body.target_minor, USD),
        lots=tuple((LineId(ln.line_id), ln.lots) for ln in body.lines),
        attributions=tuple(
            Attribution(ContributionId(a.contribution_id), LineId(a.line_id),
                        Money(a.amount_minor, USD))
            for a in body.attributions
        ),
        on=body.on,
    )  # fmt: skip


@write.post("/packages/{package_id}/cancel", packages.Cancel)
def cancel_package(package_id: Id, body: OnDate) -> packages.Cancel:
    """Cancel a package the supplier has not accepted; its money returns to each pool."""
    return packages.Cancel(package_id=PackageId(package_id), on=body.on)


@write.post("/packages/{package_id}/propose", packages.Propose)
def propose_package(package_id: Id) -> packages.Propose:
    """draft -> proposed; no money moves."""
    return packages.Propose(package_id=PackageId(package_id))


@write.post("/packages/{package_id}/validate", packages.Validate)
def validate_package(package_id: Id) -> packages.Validate:
    """proposed -> validated, and on to funded when its money pays every line exactly."""
    return packages.Validate(package_id=PackageId(package_id))


@write.post("/packages/{package_id}/accept", packages.Accept)
def accept_package(package_id: Id, body: PackageAccept) -> packages.Accept:
    """The supplier accepts a funded package (funded -> accepted; the money becomes payable to
    it), optionally at new lot prices: a surplus goes back to the payers' pools in proportion;
    a deficit returns the package to `validated` with the new prices, until it is topped up."""
    return packages.Accept(
        package_id=PackageId(package_id),
        prices=tuple((LineId(p.line_id), Money(p.lot_price_minor, USD)) for p in body.prices),
        on=body.on,
    )  # fmt: skip


@write.post("/packages/{package_id}/top-up", packages.TopUp)
def top_up_package(package_id: Id, body: OnDate) -> packages.TopUp:
    """Fund what re-pricing left short from eligible pooled money (all or nothing):
    validated -> funded."""
    return packages.TopUp(package_id=PackageId(package_id), on=body.on)


@write.post("/packages/{package_id}/close", packages.Close)
def close_package(package_id: Id, body: OnDate) -> packages.Close:
    """delivered -> closed; the supplier is paid (payable -> disbursed)."""
    return packages.Close(package_id=PackageId(package_id), on=body.on)


@write.post("/packages/{package_id}/restriction", packages.RestrictContents)
def restrict_package(package_id: Id, body: ContentsRestriction) -> packages.RestrictContents:
    """Restrict the package's contents (lines, items, who pays which line) to the coordinator,
    the auditor, the supplier, the recipient and the participants `cleared`; a contributor sees
    its own attributions. Everyone sees its value, status and dates. `restricted: false`
    publishes them again."""
    return packages.RestrictContents(
        package_id=PackageId(package_id), restricted=body.restricted, cleared=tuple(body.cleared)
    )


# -- deliveries -------------------------------------------------------------------------------


@router.get("/deliveries", response_model=Page[ShipmentRead], tags=["deliveries"])
def list_deliveries(
    listing: Annotated[Listing, Depends(allowed_listing(Permission.READ_DELIVERIES))],
    package_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    received: bool | None = None,
) -> dict[str, Any]:
    """Shipments by id; `received` filters on confirmation. Shipments of a package whose
    contents are restricted from you are left out. Counted and paged in SQL."""
    paging = listing.paging
    package = None if package_id is None else PackageId(package_id)
    with listing.application.reader() as reader:
        if package is not None:
            reader.package(package)  # NotFound rather than an empty list
        unseen = rows.restricted_from(reader, listing.actor.viewer)
        total = reader.count_deliveries(package_id=package, received=received, excluding=unseen)
        found = reader.deliveries(
            package_id=package, received=received, excluding=unseen, offset=paging.offset,
            limit=paging.limit,
        )  # fmt: skip
    return listing.cut(found, total, ShipmentRead.of)


@router.get("/shipments/{shipment_id}", response_model=ShipmentRead, tags=["deliveries"])
def get_shipment(
    shipment_id: Id,
    actor: Annotated[Actor, Depends(allowed(Permission.READ_DELIVERIES))],
    application: Wired,
) -> ShipmentRead:
    """One shipment; not found where its package's contents are restricted from you."""
    found = deliveries.get(application.uow(), shipment_id=ShipmentId(shipment_id))
    if found.package_id in _restricted_from(actor, application):
        raise NotFound("shipment", shipment_id)
    return ShipmentRead.of(found)


def _restricted_from(actor: Actor, application: Application) -> frozenset[PackageId]:
    """The packages whose contents (lines, shipments) `actor` may not see."""
    with application.reader() as reader:
        return rows.restricted_from(reader, actor.viewer)


shipment_write = CommandRoutes(
    router, response_model=ShipmentRead, present=same_for_all(ShipmentRead.of)
)


@shipment_write.post(
    "/packages/{package_id}/shipments", deliveries.Ship, status_code=201, tags=["deliveries"]
)
def ship(package_id: Id, body: ShipmentCreate) -> deliveries.Ship:
    """The supplier ships units of one line of an accepted package (the first shipment starts
    delivering); never more than the line's lots x lot size in the package."""
    return deliveries.Ship(
        package_id=PackageId(package_id), line_id=LineId(body.line_id), quantity=body.quantity,
        shipped_on=body.shipped_on,
    )  # fmt: skip


@shipment_write.post(
    "/shipments/{shipment_id}/confirm", deliveries.ConfirmReceipt, tags=["deliveries"]
)
def confirm_receipt(shipment_id: Id, body: ReceiptConfirm) -> deliveries.ConfirmReceipt:
    """The recipient confirms a shipment arrived; when every unit of the package has shipped
    and arrived, the package is delivered (and each line whose lots have all arrived)."""
    return deliveries.ConfirmReceipt(
        shipment_id=ShipmentId(shipment_id), received_on=body.received_on
    )
