"""Packages: read with confidential attributions folded; draft (allocate) and cancel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from purldesk.domain.access import Actor, Permission, redact_attributions
from purldesk.domain.contributions import Contribution, ContributionId
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
    run_write,
    today_or,
)
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.schemas import OnDate, PackageCreate, PackageRead, Page
from purldesk.services import contributions, packages
from purldesk.services.idempotency import Outcome
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

    def effect(uow: UnitOfWork) -> Outcome:
        # packages.draft stores the attributions before it reads their contributions, so an
        # unknown one would surface as a foreign-key error; name it as not found instead.
        for part in body.attributions:
            contributions.get(uow, contribution_id=ContributionId(part.contribution_id))
        package = packages.create_draft(
            uow, cycle_id=CycleId(body.cycle_id), name=body.name,
            target=Money(body.target_minor, USD),
            lots=[(LineId(ln.line_id), ln.lots) for ln in body.lines],
            attributions=[
                Attribution(ContributionId(a.contribution_id), LineId(a.line_id),
                            Money(a.amount_minor, USD))
                for a in body.attributions
            ],
            on=today_or(application, body.on), at=application.clock.now(),
        )  # fmt: skip
        read = _read(actor, package, _contributions(uow)).model_dump(mode="json")
        return Outcome(201, read, "packages.create", package.ref)

    return run_write(
        request, application, actor, key=key, body=body.model_dump(mode="json"), effect=effect
    )


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

    def effect(uow: UnitOfWork) -> Outcome:
        cancelled = packages.cancel(
            uow, package_id=PackageId(package_id), on=today_or(application, body.on),
            at=application.clock.now(),
        )  # fmt: skip
        read = _read(actor, cancelled, _contributions(uow)).model_dump(mode="json")
        return Outcome(200, read, "packages.cancel", cancelled.ref)

    return run_write(
        request, application, actor, key=key, body=body.model_dump(mode="json"), effect=effect
    )
