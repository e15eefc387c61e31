"""Packages: read with confidential attributions folded; draft (allocate), take them through
their lifecycle (propose, validate, accept or re-price, top up, close) and cancel; shipments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from purldesk.domain.access import Actor, Permission, redact_attributions
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageStatus
from purldesk.domain.requirements import CycleId, LineId
from purldesk.entrypoints.api.deps import (
    Id,
    IdempotencyKey,
    PagingDep,
    Wired,
    allowed,
    page_of,
    run_command,
)
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.packages_schemas import (
    PackageAccept,
    PackageCreate,
    PackageRead,
    ReceiptConfirm,
    ShipmentCreate,
    ShipmentRead,
)
from purldesk.entrypoints.api.schemas import OnDate, Page
from purldesk.services import contributions, deliveries, packages
from purldesk.services.ports import UnitOfWork

router = APIRouter(responses=ERROR_RESPONSES, tags=["packages"])

Reader = Annotated[Actor, Depends(allowed(Permission.READ_PACKAGES))]


def _contributions(uow: UnitOfWork) -> dict[ContributionId, Contribution]:
    return {c.id: c for c in contributions.list_all(uow)}


def _read(actor: Actor, package: Package, known: dict[ContributionId, Contribution]) -> Any:
    return PackageRead.of(package, redact_attributions(actor, package, known))


@router.get("/packages", response_model=Page[PackageRead])
def list_packages(
    actor: Reader,
    application: Wired,
    paging: PagingDep,
    cycle_id: int | None = None,
    status: PackageStatus | None = None,
) -> dict[str, Any]:
    found = [
        p for p in packages.list_all(application.uow()) if cycle_id in (None, p.cycle_id)
        and status in (None, p.status)
    ]  # fmt: skip
    known = _contributions(application.uow())
    return page_of(found, paging, lambda p: _read(actor, p, known))


@router.get("/packages/{package_id}", response_model=PackageRead)
def get_package(package_id: Id, actor: Reader, application: Wired) -> Any:
    found = packages.get(application.uow(), package_id=PackageId(package_id))
    return _read(actor, found, _contributions(application.uow()))


def _package_answer(
    actor: Actor, status: int = 200
) -> Callable[[Package, UnitOfWork], tuple[int, Any]]:
    def present(package: Package, uow: UnitOfWork) -> tuple[int, Any]:
        return status, _read(actor, package, _contributions(uow)).model_dump(mode="json")

    return present


@router.post("/packages", response_model=PackageRead, status_code=201)
def create_package(
    body: PackageCreate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.BUILD_PACKAGE))],
    application: Wired,
) -> Response:
    """Draft a package whose lines are paid exactly by the money attributed to them: the
    allocation moves that money from each contribution's pool, never overdrawing it."""
    command = packages.Draft(
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
    present = _package_answer(actor, 201)
    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/packages/{package_id}/cancel", response_model=PackageRead)
def cancel_package(
    package_id: Id,
    body: OnDate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.CANCEL_PACKAGE))],
    application: Wired,
) -> Response:
    """Cancel a package the supplier has not accepted; its money returns to each pool."""
    command = packages.Cancel(package_id=PackageId(package_id), on=body.on)
    present = _package_answer(actor)
    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/packages/{package_id}/propose", response_model=PackageRead)
def propose_package(
    package_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.BUILD_PACKAGE))],
    application: Wired,
) -> Response:
    """draft -> proposed; no money moves."""
    command = packages.Propose(package_id=PackageId(package_id))
    present = _package_answer(actor)
    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/packages/{package_id}/validate", response_model=PackageRead)
def validate_package(
    package_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.VALIDATE_PACKAGE))],
    application: Wired,
) -> Response:
    """proposed -> validated, and on to funded when its money pays every line exactly."""
    command = packages.Validate(package_id=PackageId(package_id))
    present = _package_answer(actor)
    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/packages/{package_id}/accept", response_model=PackageRead)
def accept_package(
    package_id: Id,
    body: PackageAccept,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.ACCEPT_PACKAGE))],
    application: Wired,
) -> Response:
    """The supplier accepts a funded package (funded -> accepted; the money becomes payable to
    it), optionally at new lot prices: a surplus goes back to the payers' pools in proportion;
    a deficit returns the package to `validated` with the new prices, until it is topped up."""
    command = packages.Accept(
        package_id=PackageId(package_id),
        prices=tuple((LineId(p.line_id), Money(p.lot_price_minor, USD)) for p in body.prices),
        on=body.on,
    )  # fmt: skip
    present = _package_answer(actor)
    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/packages/{package_id}/top-up", response_model=PackageRead)
def top_up_package(
    package_id: Id,
    body: OnDate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.BUILD_PACKAGE))],
    application: Wired,
) -> Response:
    """Fund what re-pricing left short from eligible pooled money (all or nothing):
    validated -> funded."""
    command = packages.TopUp(package_id=PackageId(package_id), on=body.on)
    present = _package_answer(actor)
    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/packages/{package_id}/close", response_model=PackageRead)
def close_package(
    package_id: Id,
    body: OnDate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.CLOSE_PACKAGE))],
    application: Wired,
) -> Response:
    """delivered -> closed; the supplier is paid (payable -> disbursed)."""
    command = packages.Close(package_id=PackageId(package_id), on=body.on)
    present = _package_answer(actor)
    return run_command(request, application, actor, command, key=key, present=present)


# -- deliveries -------------------------------------------------------------------------------


@router.get("/deliveries", response_model=Page[ShipmentRead], tags=["deliveries"])
def list_deliveries(
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_DELIVERIES))],
    application: Wired,
    paging: PagingDep,
    package_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    received: bool | None = None,
) -> dict[str, Any]:
    """Shipments by id; `received` filters on confirmation."""
    found = [
        s
        for s in deliveries.list_all(
            application.uow(), package_id=None if package_id is None else PackageId(package_id)
        )
        if received in (None, s.is_confirmed)
    ]
    return page_of(found, paging, ShipmentRead.of)


@router.post(
    "/packages/{package_id}/shipments",
    response_model=ShipmentRead,
    status_code=201,
    tags=["deliveries"],
)
def ship(
    package_id: Id,
    body: ShipmentCreate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.SHIP))],
    application: Wired,
) -> Response:
    """The supplier ships units of one line of an accepted package (the first shipment starts
    delivering); never more than the line's lots x lot size in the package."""
    command = deliveries.Ship(
        package_id=PackageId(package_id), line_id=LineId(body.line_id), quantity=body.quantity,
        shipped_on=body.shipped_on,
    )  # fmt: skip
    present = _shipment_answer(201)
    return run_command(request, application, actor, command, key=key, present=present)


def _shipment_answer(status: int = 200) -> Callable[[Shipment, UnitOfWork], tuple[int, Any]]:
    return lambda shipment, _uow: (status, ShipmentRead.of(shipment).model_dump(mode="json"))


@router.post("/shipments/{shipment_id}/confirm", response_model=ShipmentRead, tags=["deliveries"])
def confirm_receipt(
    shipment_id: Id,
    body: ReceiptConfirm,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.CONFIRM_RECEIPT))],
    application: Wired,
) -> Response:
    """The recipient confirms a shipment arrived; when every unit of the package has shipped
    and arrived, the package is delivered (and each line whose lots have all arrived)."""
    command = deliveries.ConfirmReceipt(
        shipment_id=ShipmentId(shipment_id), received_on=body.received_on
    )
    return run_command(request, application, actor, command, key=key, present=_shipment_answer())
