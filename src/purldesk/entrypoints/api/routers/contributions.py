"""Contributions: read through the one redaction; pledge and move them, once per key."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from purldesk.domain.access import (
    Actor,
    ContributionView,
    Owned,
    Permission,
    authorize,
    redact,
    totals,
)
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.money import Money
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
from purldesk.entrypoints.api.schemas import (
    ContributionRead,
    ContributionTotals,
    DisclosureUpdate,
    OnDate,
    Page,
    PledgeCreate,
    RefundRead,
)
from purldesk.services import contributions
from purldesk.services.idempotency import Outcome
from purldesk.services.ports import UnitOfWork

router = APIRouter(responses=ERROR_RESPONSES, tags=["contributions"])

Reader = Annotated[Actor, Depends(allowed(Permission.READ_CONTRIBUTIONS))]


def _visible(
    actor: Actor,
    found: list[Contribution],
    *,
    contributor: str | None = None,
    status: ContributionStatus | None = None,
    confidential: bool | None = None,
) -> list[ContributionView]:
    """Redacted first, filtered after: a filter never sees what the caller may not (an
    anonymous giver included)."""
    views = [redact(actor, c) for c in found]
    return [
        v
        for v in views
        if (contributor is None or v.contributor == contributor.upper())
        and status in (None, v.status)
        and confidential in (None, v.confidential)
    ]


@router.get("/contributions", response_model=Page[ContributionRead])
def list_contributions(
    actor: Reader,
    application: Wired,
    paging: PagingDep,
    contributor: Annotated[str | None, Query(max_length=40)] = None,
    status: ContributionStatus | None = None,
    confidential: bool | None = None,
) -> dict[str, Any]:
    found = contributions.list_all(application.uow())
    views = _visible(
        actor, found, contributor=contributor, status=status, confidential=confidential
    )
    return page_of(views, paging, ContributionRead.of)


@router.get("/contributions/totals", response_model=ContributionTotals)
def contribution_totals(
    actor: Reader,
    application: Wired,
    contributor: Annotated[str | None, Query(max_length=40)] = None,
    status: ContributionStatus | None = None,
) -> ContributionTotals:
    """Sums of the amounts you may see; confidential ones are counted as undisclosed."""
    found = contributions.list_all(application.uow())
    return ContributionTotals.of(
        totals(_visible(actor, found, contributor=contributor, status=status))
    )


@router.get("/contributions/{contribution_id}", response_model=ContributionRead)
def get_contribution(contribution_id: Id, actor: Reader, application: Wired) -> ContributionRead:
    found = contributions.get(application.uow(), contribution_id=ContributionId(contribution_id))
    return ContributionRead.of(redact(actor, found))


def _read(actor: Actor, contribution: Contribution) -> dict[str, Any]:
    return ContributionRead.of(redact(actor, contribution)).model_dump(mode="json")


def _own(uow: UnitOfWork, actor: Actor, permission: Permission, contribution_id: int) -> None:
    """Load the contribution and check the caller may act on it (another's is not found)."""
    found = contributions.get(uow, contribution_id=ContributionId(contribution_id))
    owner = Owned(found.contributor, "contribution", contribution_id)
    authorize(actor, permission, owner=owner)


@router.post("/contributions", response_model=ContributionRead, status_code=201)
def pledge(
    body: PledgeCreate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.PLEDGE))],
    application: Wired,
) -> Response:
    """Pledge in the contributor's own currency; a contributor pledges for itself only."""
    code = body.contributor.upper()

    def effect(uow: UnitOfWork) -> Outcome:
        authorize(actor, Permission.PLEDGE, owner=Owned(code, "participant", code))
        amount = Money.parse(body.amount, body.currency)
        pledged = contributions.pledge(
            uow, contributor=code, amount=amount,
            pledged_on=today_or(application, body.pledged_on), at=application.clock.now(),
            confidential=body.confidential, anonymous=body.anonymous, purpose=body.purpose,
            source=body.source,
        )  # fmt: skip
        return Outcome(201, _read(actor, pledged), "contributions.pledge", pledged.ref)

    return run_write(
        request, application, actor, key=key, body=body.model_dump(mode="json"), effect=effect
    )


@router.post("/contributions/{contribution_id}/disclosure", response_model=ContributionRead)
def set_disclosure(
    contribution_id: Id,
    body: DisclosureUpdate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.SET_DISCLOSURE))],
    application: Wired,
) -> Response:
    """Choose what others see of your own contribution: its amount, and that you gave it."""

    def effect(uow: UnitOfWork) -> Outcome:
        changed = contributions.set_disclosure(
            uow, actor=actor, contribution_id=ContributionId(contribution_id),
            confidential=body.confidential, anonymous=body.anonymous,
        )  # fmt: skip
        return Outcome(200, _read(actor, changed), "contributions.disclosure", changed.ref)

    return run_write(
        request, application, actor, key=key, body=body.model_dump(mode="json"), effect=effect
    )


def _lifecycle(
    request: Request,
    application: Wired,
    actor: Actor,
    *,
    key: str,
    contribution_id: int,
    permission: Permission,
    body: OnDate | None,
    action: str,
    act: Any,
) -> Response:
    def effect(uow: UnitOfWork) -> Outcome:
        _own(uow, actor, permission, contribution_id)
        on: date = today_or(application, None if body is None else body.on)
        result = act(uow, ContributionId(contribution_id), on)
        return Outcome(200, result, action, f"C-{contribution_id:05d}")

    document = None if body is None else body.model_dump(mode="json")
    return run_write(request, application, actor, key=key, body=document, effect=effect)


@router.post("/contributions/{contribution_id}/commit", response_model=ContributionRead)
def commit(
    contribution_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.COMMIT_CONTRIBUTION))],
    application: Wired,
) -> Response:
    """The contributor's formal commitment; no money moves."""

    def act(uow: UnitOfWork, cid: ContributionId, _on: date) -> dict[str, Any]:
        return _read(actor, contributions.commit(uow, contribution_id=cid))

    return _lifecycle(
        request, application, actor, key=key, contribution_id=contribution_id,
        permission=Permission.COMMIT_CONTRIBUTION, body=None, action="contributions.commit",
        act=act,
    )  # fmt: skip


@router.post("/contributions/{contribution_id}/receive", response_model=ContributionRead)
def receive(
    contribution_id: Id,
    body: OnDate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.RECEIVE_CONTRIBUTION))],
    application: Wired,
) -> Response:
    """The money arrived on `on`: converted to USD at the ECB rate of that day and pooled."""

    def act(uow: UnitOfWork, cid: ContributionId, on: date) -> dict[str, Any]:
        received = contributions.receive(
            uow, application.fx, contribution_id=cid, received_on=on, at=application.clock.now()
        )
        return _read(actor, received)

    return _lifecycle(
        request, application, actor, key=key, contribution_id=contribution_id,
        permission=Permission.RECEIVE_CONTRIBUTION, body=body, action="contributions.receive",
        act=act,
    )  # fmt: skip


@router.post("/contributions/{contribution_id}/cancel", response_model=ContributionRead)
def cancel(
    contribution_id: Id,
    body: OnDate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.CANCEL_CONTRIBUTION))],
    application: Wired,
) -> Response:
    """Withdraw a pledge not yet paid."""

    def act(uow: UnitOfWork, cid: ContributionId, on: date) -> dict[str, Any]:
        cancelled = contributions.cancel(
            uow, contribution_id=cid, on=on, at=application.clock.now()
        )
        return _read(actor, cancelled)

    return _lifecycle(
        request, application, actor, key=key, contribution_id=contribution_id,
        permission=Permission.CANCEL_CONTRIBUTION, body=body, action="contributions.cancel",
        act=act,
    )  # fmt: skip


@router.post("/contributions/{contribution_id}/refund", response_model=RefundRead)
def refund(
    contribution_id: Id,
    body: OnDate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.REFUND_CONTRIBUTION))],
    application: Wired,
) -> Response:
    """Return a contribution's unallocated USD to its contributor."""

    def act(uow: UnitOfWork, cid: ContributionId, on: date) -> dict[str, Any]:
        refunded, left = contributions.refund(
            uow, contribution_id=cid, on=on, at=application.clock.now()
        )
        return {
            "contribution": _read(actor, refunded),
            "refunded_minor": left.minor,
            "currency": left.currency,
        }

    return _lifecycle(
        request, application, actor, key=key, contribution_id=contribution_id,
        permission=Permission.REFUND_CONTRIBUTION, body=body, action="contributions.refund",
        act=act,
    )  # fmt: skip
