"""Allocation proposals of an endorsed cycle: read one (nothing written), or commit one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from purldesk.adapters.exports.allocations import proposal_document
from purldesk.domain.access import Actor, Permission
from purldesk.domain.money import MAX_AMOUNT_MINOR, USD, Money
from purldesk.domain.requirements import CycleId
from purldesk.entrypoints.api.deps import Id, Wired, allowed, today_or
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.allocations_schemas import (
    AllocationProposalRead,
    AllocationRun,
)
from purldesk.entrypoints.api.routers.policies_schemas import KnownOn
from purldesk.entrypoints.api.schemas import Day
from purldesk.entrypoints.api.writes import CommandRoutes, same_for_all
from purldesk.services import allocations

router = APIRouter(responses=ERROR_RESPONSES, tags=["allocation"])


@router.get("/cycles/{cycle_id}/allocation", response_model=AllocationProposalRead)
def propose_allocation(
    cycle_id: Id,
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_ALLOCATION))],
    application: Wired,
    on: Annotated[Day | None, Query(description="Allocation date; default today.")] = None,
    target_minor: Annotated[int, Query(ge=1, le=MAX_AMOUNT_MINOR)] = 50_000_000_000,
    known_on: KnownOn = None,
) -> dict[str, Any]:
    """The packages the engine would cut from the endorsed cycle and the pooled money, with
    every line's outcome and why each short line is short; nothing is written. Its `digest`,
    given to the commit as `expected_digest`, commits these packages or nothing. It shows every
    fund's money, so only the coordinator and the auditor may read it."""
    day: date = today_or(application, on)
    proposal = allocations.propose(
        application.uow(), cycle_id=CycleId(cycle_id), on=day,
        target=Money(target_minor, USD), known_on=known_on, at=application.clock.now(),
    )  # fmt: skip
    return proposal_document(proposal)


write = CommandRoutes(
    router, response_model=AllocationProposalRead,
    present=same_for_all(
        lambda proposal: AllocationProposalRead.model_validate(proposal_document(proposal))
    ),
)  # fmt: skip


@write.post("/cycles/{cycle_id}/allocation", allocations.Commit, status_code=201)
def commit_allocation(cycle_id: Id, body: AllocationRun) -> allocations.Commit:
    """Allocate and write the proposed packages as drafts, through the ledger, once per key;
    with `expected_digest`, only if they are the packages that preview showed (409 otherwise)."""
    return allocations.Commit(
        cycle_id=CycleId(cycle_id),
        package_target=Money(body.target_minor, USD),
        on=body.on,
        expected_digest=body.expected_digest,
    )
