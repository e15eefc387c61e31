"""Contributions: read through the one redaction; pledge and move them, once per key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from purldesk.domain.access import (
    Actor,
    ContributionView,
    Permission,
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
    run_command,
)
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.contributions_schemas import (
    ContributionRead,
    ContributionTotals,
    DisclosureUpdate,
    PledgeCreate,
    RefundRead,
)
from purldesk.entrypoints.api.schemas import OnDate, Page
from purldesk.services import contributions
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


def _answer(
    actor: Actor, status: int = 200
) -> Callable[[Contribution, UnitOfWork], tuple[int, Any]]:
    return lambda contribution, _uow: (status, _read(actor, contribution))


@router.post("/contributions", response_model=ContributionRead, status_code=201)
def pledge(
    body: PledgeCreate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.PLEDGE))],
    application: Wired,
) -> Response:
    """Pledge in the contributor's own currency; a contributor pledges for itself only."""
    command = contributions.Pledge(
        contributor=body.contributor, amount=Money.parse(body.amount, body.currency),
        pledged_on=body.pledged_on, confidential=body.confidential, anonymous=body.anonymous,
        purpose=body.purpose, source=body.source,
    )  # fmt: skip
    return run_command(request, application, actor, command, key=key, present=_answer(actor, 201))


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
    command = contributions.SetDisclosure(
        contribution_id=ContributionId(contribution_id), confidential=body.confidential,
        anonymous=body.anonymous,
    )  # fmt: skip
    return run_command(request, application, actor, command, key=key, present=_answer(actor))


@router.post("/contributions/{contribution_id}/commit", response_model=ContributionRead)
def commit(
    contribution_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.COMMIT_CONTRIBUTION))],
    application: Wired,
) -> Response:
    """The contributor's formal commitment; no money moves."""
    command = contributions.Commit(contribution_id=ContributionId(contribution_id))
    return run_command(request, application, actor, command, key=key, present=_answer(actor))


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
    command = contributions.Receive(contribution_id=ContributionId(contribution_id), on=body.on)
    return run_command(request, application, actor, command, key=key, present=_answer(actor))


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
    command = contributions.Cancel(contribution_id=ContributionId(contribution_id), on=body.on)
    return run_command(request, application, actor, command, key=key, present=_answer(actor))


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

    def present(result: tuple[Contribution, Money], _uow: UnitOfWork) -> tuple[int, Any]:
        refunded, left = result
        document = {
            "contribution": _read(actor, refunded),
            "refunded_minor": left.minor,
            "currency": left.currency,
        }
        return 200, document

    command = contributions.Refund(contribution_id=ContributionId(contribution_id), on=body.on)
    return run_command(request, application, actor, command, key=key, present=present)
