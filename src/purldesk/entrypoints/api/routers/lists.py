"""Cycles of the requirements list, their lines and every rank and edit a line has had."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from purldesk.domain.access import Actor, Permission
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import NotFound
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineEdit,
    LineStatus,
    RequirementLine,
    Withdrawal,
)
from purldesk.entrypoints.api.deps import (
    Id,
    IdempotencyKey,
    OptionalIdempotencyKey,
    PagingDep,
    Wired,
    allowed,
    page_of,
    run_command,
)
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.lists_schemas import (
    CycleCreate,
    CycleRead,
    LineAsItStoodRead,
    LineMove,
    LineRead,
    LinesImport,
    LineUpdate,
    LineWithdraw,
    RankChangeRead,
)
from purldesk.entrypoints.api.schemas import Page
from purldesk.services import requirements
from purldesk.services.ports import UnitOfWork
from purldesk.services.requirements import LineRow

router = APIRouter(responses=ERROR_RESPONSES, tags=["requirements"])

RefPath = Annotated[str, Path(min_length=1, max_length=40)]
Reader = Annotated[Actor, Depends(allowed(Permission.READ_LIST))]


def _cycle(uow: UnitOfWork, cycle_id: int) -> Cycle:
    for cycle in requirements.list_cycles(uow):
        if cycle.id == cycle_id:
            return cycle
    raise NotFound("cycle", cycle_id)


@router.get("/cycles", response_model=Page[CycleRead])
def list_cycles(
    _actor: Reader, application: Wired, paging: PagingDep, status: CycleStatus | None = None
) -> dict[str, Any]:
    found = [c for c in requirements.list_cycles(application.uow()) if status in (None, c.status)]
    return page_of(found, paging, CycleRead.of)


@router.get("/cycles/{cycle_id}", response_model=CycleRead)
def get_cycle(cycle_id: Id, _actor: Reader, application: Wired) -> CycleRead:
    return CycleRead.of(_cycle(application.uow(), cycle_id))


@router.get("/cycles/{cycle_id}/lines", response_model=Page[LineRead])
def list_lines(
    cycle_id: Id,
    _actor: Reader,
    application: Wired,
    paging: PagingDep,
    status: LineStatus | None = None,
    aid_class: AidClass | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """The cycle's lines in priority order."""
    cycle = _cycle(application.uow(), cycle_id)
    found = [
        line
        for line in requirements.list_lines(application.uow(), cycle_id=cycle.id)
        if status in (None, line.status)
        and aid_class in (None, line.aid_class)
        and area in (None, line.area)
    ]
    return page_of(found, paging, LineRead.of)


@router.get("/cycles/{cycle_id}/as-it-stood", response_model=Page[LineAsItStoodRead])
def list_as_it_stood(
    cycle_id: Id,
    on: Annotated[date, Query(description="The day, UTC: the list at its end.")],
    _actor: Reader,
    application: Wired,
    paging: PagingDep,
) -> dict[str, Any]:
    """The cycle's list as it stood at the end of a past day, in the priority order of then,
    told from the lines' rank and edit histories; lines added later or withdrawn by then are
    not on it."""
    cycle = _cycle(application.uow(), cycle_id)
    stood = requirements.list_as_it_stood(application.uow(), cycle_id=cycle.id, on=on)
    return page_of(stood, paging, LineAsItStoodRead.of)


@router.get("/cycles/{cycle_id}/lines/{ref}", response_model=LineRead)
def get_line(cycle_id: Id, ref: RefPath, _actor: Reader, application: Wired) -> LineRead:
    line = requirements.find_line(application.uow(), cycle_id=CycleId(cycle_id), ref=ref)
    return LineRead.of(line)


@router.get("/cycles/{cycle_id}/lines/{ref}/history", response_model=list[RankChangeRead])
def line_history(
    cycle_id: Id, ref: RefPath, _actor: Reader, application: Wired
) -> list[RankChangeRead]:
    """Every rank the line has held, oldest first; each with the edits of its other fields
    (quantity, needed_by, justification, status and the reason of a withdrawal) made while it
    held that rank, in `changes`."""
    line = requirements.find_line(application.uow(), cycle_id=CycleId(cycle_id), ref=ref)
    return [
        RankChangeRead.of(period.rank, period.edits)
        for period in requirements.line_history(application.uow(), line_id=line.id)
    ]


def _cycle_answer(status: int = 200) -> Callable[[Cycle, UnitOfWork], tuple[int, Any]]:
    return lambda cycle, _uow: (status, CycleRead.of(cycle).model_dump(mode="json"))


def _lines(lines: Sequence[RequirementLine]) -> list[dict[str, Any]]:
    return [LineRead.of(line).model_dump(mode="json") for line in lines]


@router.post("/cycles", response_model=CycleRead, status_code=201)
def open_cycle(
    body: CycleCreate,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.OPEN_CYCLE))],
    application: Wired,
) -> Response:
    command = requirements.OpenCycle(name=body.name, opens_on=body.opens_on)
    return run_command(request, application, actor, command, key=key, present=_cycle_answer(201))


def _move(
    request: Request,
    application: Wired,
    actor: Actor,
    key: str,
    cycle_id: int,
    move: type[requirements.SubmitCycle | requirements.EndorseCycle | requirements.CloseCycle],
) -> Response:
    command = move(cycle=_cycle(application.uow(), cycle_id).name)
    return run_command(request, application, actor, command, key=key, present=_cycle_answer())


@router.post("/cycles/{cycle_id}/submit", response_model=CycleRead)
def submit_cycle(
    cycle_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.SUBMIT_CYCLE))],
    application: Wired,
) -> Response:
    """The recipient submits its list for endorsement."""
    return _move(request, application, actor, key, cycle_id, requirements.SubmitCycle)


@router.post("/cycles/{cycle_id}/endorse", response_model=CycleRead)
def endorse_cycle(
    cycle_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.ENDORSE_CYCLE))],
    application: Wired,
) -> Response:
    return _move(request, application, actor, key, cycle_id, requirements.EndorseCycle)


@router.post("/cycles/{cycle_id}/close", response_model=CycleRead)
def close_cycle(
    cycle_id: Id,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.CLOSE_CYCLE))],
    application: Wired,
) -> Response:
    return _move(request, application, actor, key, cycle_id, requirements.CloseCycle)


@router.post("/cycles/{cycle_id}/lines", response_model=list[LineRead], status_code=201)
def import_lines(
    cycle_id: Id,
    body: LinesImport,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.EDIT_LIST))],
    application: Wired,
) -> Response:
    """Add lines to a draft cycle: all of them, or none with every finding listed."""
    rows = tuple(
        LineRow(line=i, ref=ln.ref, rank=ln.rank, item_code=ln.item_code, quantity=ln.quantity,
                needed_by=ln.needed_by, justification=ln.justification)
        for i, ln in enumerate(body.lines, start=1)
    )  # fmt: skip
    command = requirements.ImportLines(cycle=_cycle(application.uow(), cycle_id).name, rows=rows)

    return run_command(
        request,
        application,
        actor,
        command,
        key=key,
        present=lambda added, _uow: (201, _lines(added)),
    )


@router.post("/cycles/{cycle_id}/lines/{ref}/move", response_model=list[LineRead])
def move_line(
    cycle_id: Id,
    ref: RefPath,
    body: LineMove,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.EDIT_LIST))],
    application: Wired,
) -> Response:
    """Reprioritize a line; returns every line whose rank changed (each keeps its history)."""
    cycle = _cycle(application.uow(), cycle_id).name
    command = requirements.MoveLine(cycle=cycle, ref=ref, rank=body.rank)
    return run_command(
        request,
        application,
        actor,
        command,
        key=key,
        present=lambda moved, _uow: (200, _lines(moved)),
    )


@router.patch("/cycles/{cycle_id}/lines/{ref}", response_model=LineRead)
def edit_line(
    cycle_id: Id,
    ref: RefPath,
    body: LineUpdate,
    request: Request,
    actor: Annotated[Actor, Depends(allowed(Permission.EDIT_LIST))],
    application: Wired,
    key: OptionalIdempotencyKey = None,
) -> Response:
    """Change a line's quantity, needed_by or justification; each change is kept in its
    history. A body that changes nothing is 422 naming the field."""
    command = requirements.EditLine(
        cycle=_cycle(application.uow(), cycle_id).name, ref=ref, quantity=body.quantity,
        needed_by=body.needed_by, justification=body.justification,
    )  # fmt: skip

    def present(edited: LineEdit, _uow: UnitOfWork) -> tuple[int, Any]:
        return 200, LineRead.of(edited.line).model_dump(mode="json")

    return run_command(request, application, actor, command, key=key, present=present)


@router.post("/cycles/{cycle_id}/lines/{ref}/withdraw", response_model=list[LineRead])
def withdraw_line(
    cycle_id: Id,
    ref: RefPath,
    body: LineWithdraw,
    request: Request,
    key: IdempotencyKey,
    actor: Annotated[Actor, Depends(allowed(Permission.EDIT_LIST))],
    application: Wired,
) -> Response:
    """Withdraw a line, saying why; returns it and every line whose rank closed up."""
    cycle = _cycle(application.uow(), cycle_id).name
    command = requirements.WithdrawLine(cycle=cycle, ref=ref, reason=body.reason)

    def present(withdrawal: Withdrawal, _uow: UnitOfWork) -> tuple[int, Any]:
        return 200, _lines(withdrawal.lines)

    return run_command(request, application, actor, command, key=key, present=present)
