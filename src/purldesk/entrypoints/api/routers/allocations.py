"""Allocation proposals of an endorsed cycle: read one (nothing written), or commit one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from purldesk.adapters.exports.allocations import proposal_document
from purldesk.domain.access import Actor, Permission
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import CycleId
from purldesk.entrypoints.api.deps import Id, IdempotencyKey, Wired, allowed, run_command, today_or
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.allocations_schemas import AllocationRun
from purldesk.entrypoints.api.schemas import Day
from purldesk.services import allocations

router = APIRouter(responses=ERROR_RESPONSES, tags=["allocation"])


@router.get("/cycles/{cycle_id}/allocation", response_model=dict[str, Any])
def propose_allocation(
    cycle_id: Id,
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_ALLOCATION))],
    application: Wired,
    on: Annotated[Day | None, Query(description="Allocation date; default today.")] = None,
    target_minor: Annotated[int, Query(ge=1, le=10**15)] = 50_000_000_000,
) -> dict[str, Any]:
    """The packages the engine would cut from the endorsed cycle and the pooled money, with
    every line's outcome and reason; nothing is written. It shows every fund's money, so only
    the coordinator and the auditor may read it."""
    day: date = today_or(application, on)
    proposal = allocations.propose(
        application.uow(), cycle_id=CycleId(cycle_id), on=day,
        target=Money(target_minor, USD),
    )  # fmt: skip
    return proposal_document(proposal)


@router.post("/cycles/{cycle_id}/allocation", response_model=dict[str, Any], status_code=201)
def commit_allocation(
    cycle_id: Id,
    body: AllocationRun,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.RUN_ALLOCATION))],
    application: Wired,
) -> Response:
    """Allocate and write the proposed packages as drafts, through the ledger, once per key."""
    command = allocations.Commit(
        cycle_id=CycleId(cycle_id), package_target=Money(body.target_minor, USD), on=body.on
    )
    return run_command(
        request, application, actor, command, key=key,
        present=lambda proposal, _uow: (201, proposal_document(proposal)),
    )  # fmt: skip
