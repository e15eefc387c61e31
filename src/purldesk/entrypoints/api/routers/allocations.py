"""Allocation proposals of an endorsed cycle: read one (nothing written), or commit one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from purldesk.allocation import result_to_json
from purldesk.domain.access import Actor, Permission
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import CycleId
from purldesk.entrypoints.api.deps import Id, IdempotencyKey, Wired, allowed, run_write, today_or
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.schemas import AllocationRun, Day
from purldesk.services import allocations
from purldesk.services.allocations import Proposal
from purldesk.services.idempotency import Outcome
from purldesk.services.ports import UnitOfWork

router = APIRouter(responses=ERROR_RESPONSES, tags=["allocation"])


def proposal_document(proposal: Proposal) -> dict[str, Any]:
    """The proposal as `purldesk allocate --cycle NAME --json` prints it (docs/CLI.md)."""
    inputs = proposal.inputs
    refs = {line.id: ref for ref, line in inputs.lines.items()}
    contribution_refs = {c.id: ref for ref, c in inputs.contributions.items()}
    packages = [
        {
            "name": p.name,
            "ref": proposal.committed[i].ref if proposal.committed else None,
            "cost_minor": p.cost.minor,
            "lines": [{"line": refs[line_id], "lots": lots} for line_id, lots in p.lots],
            "attributions": [
                {"contribution": contribution_refs[a.contribution_id], "line": refs[a.line_id],
                 "amount_minor": a.amount.minor}
                for a in p.attributions
            ],
        }
        for i, p in enumerate(proposal.packages)
    ]  # fmt: skip
    return {
        "format": "purldesk.allocation-proposal/1", "cycle": inputs.cycle.name,
        "on": inputs.on.isoformat(), "target_minor": proposal.target.minor,
        "committed": bool(proposal.committed), "packages": packages,
        "result": result_to_json(proposal.result),
    }  # fmt: skip


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

    def effect(uow: UnitOfWork) -> Outcome:
        proposal = allocations.propose(
            uow, cycle_id=CycleId(cycle_id), on=today_or(application, body.on),
            target=Money(body.target_minor, USD), at=application.clock.now(), commit=True,
        )  # fmt: skip
        document = proposal_document(proposal)
        return Outcome(201, document, "allocations.commit", f"cycle:{cycle_id}")

    return run_write(
        request, application, actor, key=key, body=body.model_dump(mode="json"), effect=effect
    )
