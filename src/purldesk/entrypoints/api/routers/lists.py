"""Cycles of the requirements list, their lines and every rank and edit a line has had."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from purldesk.domain.access import Actor, Permission
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import NotFound
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineStatus,
    RequirementLine,
)
from purldesk.entrypoints.api.deps import Id, Listing, Wired, allowed, allowed_listing
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
from purldesk.entrypoints.api.writes import CommandRoutes, Key, same_for_all
from purldesk.services import requirements
from purldesk.services.ports import UnitOfWork
from purldesk.services.requirements import LineRow

router = APIRouter(responses=ERROR_RESPONSES, tags=["requirements"])

RefPath = Annotated[str, Path(min_length=1, max_length=40)]
Reader = Annotated[Actor, Depends(allowed(Permission.READ_LIST))]
ListReader = Annotated[Listing, Depends(allowed_listing(Permission.READ_LIST))]


def _cycle(uow: UnitOfWork, cycle_id: int) -> Cycle:
    for cycle in requirements.list_cycles(uow):
        if cycle.id == cycle_id:
            return cycle
    raise NotFound("cycle", cycle_id)


@router.get("/cycles", response_model=Page[CycleRead])
def list_cycles(listing: ListReader, status: CycleStatus | None = None) -> dict[str, Any]:
    cycles = requirements.list_cycles(listing.application.uow())
    return listing.page([c for c in cycles if status in (None, c.status)], CycleRead.of)


@router.get("/cycles/{cycle_id}", response_model=CycleRead)
def get_cycle(cycle_id: Id, _actor: Reader, application: Wired) -> CycleRead:
    return CycleRead.of(_cycle(application.uow(), cycle_id))


@router.get("/cycles/{cycle_id}/lines", response_model=Page[LineRead])
def list_lines(
    cycle_id: Id,
    listing: ListReader,
    status: LineStatus | None = None,
    aid_class: AidClass | None = None,
    area: str | None = None,
) -> dict[str, Any]:
    """The cycle's lines in priority order."""
    uow = listing.application.uow
    found = [
        line
        for line in requirements.list_lines(uow(), cycle_id=_cycle(uow(), cycle_id).id)
        if status in (None, line.status)
        and aid_class in (None, line.aid_class)
        and area in (None, line.area)
    ]
    return listing.page(found, LineRead.from_attributes)


@router.get("/cycles/{cycle_id}/as-it-stood", response_model=Page[LineAsItStoodRead])
def list_as_it_stood(
    cycle_id: Id,
    on: Annotated[date, Query(description="The day, UTC: the list at its end.")],
    listing: ListReader,
) -> dict[str, Any]:
    """The cycle's list as it stood at the end of a past day, in the priority order of then,
    told from the lines' rank and edit histories; lines added later or withdrawn by then are
    not on it."""
    uow = listing.application.uow
    stood = requirements.list_as_it_stood(uow(), cycle_id=_cycle(uow(), cycle_id).id, on=on)
    return listing.page(stood, LineAsItStoodRead.from_attributes)


@router.get("/cycles/{cycle_id}/lines/{ref}", response_model=LineRead)
def get_line(cycle_id: Id, ref: RefPath, _actor: Reader, application: Wired) -> LineRead:
    line = requirements.find_line(application.uow(), cycle_id=CycleId(cycle_id), ref=ref)
    return LineRead.from_attributes(line)


@router.get("/cycles/{cycle_id}/lines/{ref}/history", response_model=list[RankChangeRead])
def line_history(
    cycle_id: Id, ref: RefPath, _actor: Reader, application: Wired
) -> list[RankChangeRead]:
    """Every rank the line has held, oldest first; each with the edits of its other fields
    (quantity, needed_by, justification, status and the reason of a withdrawal) made while it
    held that rank, in `changes`. A line carried from an earlier cycle starts with the history
    of the line it carries on, and records the carrying as a change of `carried`."""
    line = requirements.find_line(application.uow(), cycle_id=CycleId(cycle_id), ref=ref)
    return [
        RankChangeRead.of(period.rank, period.edits)
        for period in requirements.line_history(application.uow(), line_id=line.id)
    ]


def _lines(lines: Sequence[RequirementLine]) -> list[LineRead]:
    return [LineRead.from_attributes(line) for line in lines]


cycle_write = CommandRoutes(router, response_model=CycleRead, present=same_for_all(CycleRead.of))
line_write = CommandRoutes(router, response_model=list[LineRead], present=same_for_all(_lines))


@cycle_write.post("/cycles", requirements.OpenCycle, status_code=201)
def open_cycle(body: CycleCreate) -> requirements.OpenCycle:
    return requirements.OpenCycle(
        name=body.name, opens_on=body.opens_on, carry_from=body.carry_from
    )


@cycle_write.post("/cycles/{cycle_id}/submit", requirements.SubmitCycle)
def submit_cycle(cycle_id: Id, application: Wired) -> requirements.SubmitCycle:
    """The recipient submits its list for endorsement."""
    return requirements.SubmitCycle(cycle=_cycle(application.uow(), cycle_id).name)


@cycle_write.post("/cycles/{cycle_id}/endorse", requirements.EndorseCycle)
def endorse_cycle(cycle_id: Id, application: Wired) -> requirements.EndorseCycle:
    return requirements.EndorseCycle(cycle=_cycle(application.uow(), cycle_id).name)


@cycle_write.post("/cycles/{cycle_id}/close", requirements.CloseCycle)
def close_cycle(cycle_id: Id, application: Wired) -> requirements.CloseCycle:
    return requirements.CloseCycle(cycle=_cycle(application.uow(), cycle_id).name)


@line_write.post(
    "/cycles/{cycle_id}/lines", requirements.ImportLines, status_code=201, is_import=True
)
def import_lines(cycle_id: Id, body: LinesImport, application: Wired) -> requirements.ImportLines:
    """Add lines to a draft cycle: all of them, or none with every finding listed."""
    rows = tuple(
        LineRow(line=i, ref=ln.ref, rank=ln.rank, item_code=ln.item_code, quantity=ln.quantity,
                needed_by=ln.needed_by, justification=ln.justification)
        for i, ln in enumerate(body.lines, start=1)
    )  # fmt: skip
    return requirements.ImportLines(cycle=_cycle(application.uow(), cycle_id).name, rows=rows)


@line_write.post("/cycles/{cycle_id}/lines/{ref}/move", requirements.MoveLine)
def move_line(
    cycle_id: Id, ref: RefPath, body: LineMove, application: Wired
) -> requirements.MoveLine:
    """Reprioritize a line; returns every line whose rank changed (each keeps its history)."""
    cycle = _cycle(application.uow(), cycle_id).name
    return requirements.MoveLine(cycle=cycle, ref=ref, rank=body.rank)


@line_write.route(
    "PATCH", "/cycles/{cycle_id}/lines/{ref}", requirements.EditLine, response_model=LineRead,
    present=same_for_all(lambda edited: LineRead.from_attributes(edited.line)), key=Key.OPTIONAL,
)  # fmt: skip
def edit_line(
    cycle_id: Id, ref: RefPath, body: LineUpdate, application: Wired
) -> requirements.EditLine:
    """Change a line's quantity, needed_by or justification; each change is kept in its
    history. A body that changes nothing is 422 naming the field."""
    return requirements.EditLine(
        cycle=_cycle(application.uow(), cycle_id).name, ref=ref, quantity=body.quantity,
        needed_by=body.needed_by, justification=body.justification,
    )  # fmt: skip


@line_write.post(
    "/cycles/{cycle_id}/lines/{ref}/withdraw", requirements.WithdrawLine,
    present=same_for_all(lambda withdrawal: _lines(withdrawal.lines)),
)  # fmt: skip
def withdraw_line(
    cycle_id: Id, ref: RefPath, body: LineWithdraw, application: Wired
) -> requirements.WithdrawLine:
    """Withdraw a line, saying why; returns it and every line whose rank closed up."""
    cycle = _cycle(application.uow(), cycle_id).name
    return requirements.WithdrawLine(cycle=cycle, ref=ref, reason=body.reason)
