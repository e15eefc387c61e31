"""The requirements list: its page, a line's history, and the forms that move, edit or withdraw
a line, submit or endorse the cycle, and commit an allocation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from purldesk.domain.access import authorize
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    NotFound,
    NotPermitted,
    ProposalChanged,
    PurldeskError,
)
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import CycleId, LineStatus
from purldesk.entrypoints.web import list_filters, render
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.entrypoints.web.render import Errors
from purldesk.services import allocations, requirements
from purldesk.services.read_ports import Funding
from purldesk.services.views import allocation_previews as allocation_pages
from purldesk.services.views import requirements as list_pages

router = APIRouter(include_in_schema=False)


@router.get("/requirements", response_class=HTMLResponse)
def requirements_page(
    request: Request, cycle: str | None = None, as_of: str | None = None
) -> Response:
    """The list: searched, filtered and paged by its parameters (`list_filters`)."""
    user = render.signed_in(request)
    application = wired(request)
    errors: Errors = {}
    query = list_filters.list_query(request.query_params, errors)
    view = _list(request, user, cycle, query)
    status = 422 if errors else 200
    if not as_of or view.cycle is None:
        return _page(request, user, view, errors=errors, status=status)
    day = render.date(as_of, "as_of", errors, render.today(application))
    if errors:
        return _page(request, user, view, errors=errors, status=422, values={"as_of": as_of})
    stood = requirements.list_as_it_stood(application.uow(), cycle_id=view.cycle.id, on=day)
    return _page(
        request, user, view, errors={}, values={"as_of": day.isoformat()}, stood=stood,
        stood_on=day,
    )  # fmt: skip


def _list(
    request: Request,
    user: WebUser,
    cycle: str | None,
    query: list_pages.ListQuery | None = None,
) -> list_pages.RequirementsView:
    """The page of the cycle's list `query` asks for, as the user sees it (the latest cycle's
    if none is named)."""
    reader, viewer = wired(request).reader(), user.actor.viewer
    return render.found(
        request, user,
        lambda: list_pages.requirements(reader, viewer=viewer, cycle_name=cycle, query=query),
    )  # fmt: skip


def _page(
    request: Request, user: WebUser, view: list_pages.RequirementsView | list_pages.LineHistoryView,
    *, errors: Errors, status: int = 200, values: Mapping[str, str] | None = None, **extra: Any,
) -> HTMLResponse:  # fmt: skip
    """The list's page, or a line's page, with the form's errors and values."""
    template = "line.html" if isinstance(view, list_pages.LineHistoryView) else "requirements.html"
    return render.render(
        request, template, user, status=status, active="requirements", view=view,
        errors=errors, values=values or {}, today=render.today(wired(request)).isoformat(),
        aid_classes=list(AidClass), line_statuses=list(LineStatus), fundings=list(Funding),
        page_sizes=list_pages.PAGE_SIZES, **extra,
    )  # fmt: skip


@router.get("/requirements/{cycle}/lines/{ref}", response_class=HTMLResponse)
def line_history(request: Request, cycle: str, ref: str) -> Response:
    user = render.signed_in(request)
    return _page(request, user, _line(request, user, cycle, ref, NotFound), errors={})


def _line(
    request: Request, user: WebUser, cycle: str, ref: str, refused: type[PurldeskError]
) -> list_pages.LineHistoryView:
    """The line and its history as the user sees it; the problem page for `refused`."""
    reader, viewer = wired(request).reader(), user.actor.viewer
    return render.found(
        request, user,
        lambda: list_pages.line_history(reader, cycle_name=cycle, ref=ref, viewer=viewer),
        refused,
    )  # fmt: skip


@router.post("/requirements/{cycle}/lines/{ref}/move", response_class=HTMLResponse)
async def move_line(request: Request, cycle: str, ref: str) -> Response:
    """Move a line up, down or to a rank; back on the page of the list the form came from
    (its filters kept), or on the page the line now stands on if the list is not filtered."""
    user, fields = await render.posted(request)
    query = list_filters.list_query(fields, {})
    view = _list(request, user, cycle, query)
    reader = wired(request).reader()
    line = render.found(
        request, user, lambda: list_pages.line_in_order(reader, cycle_name=cycle, ref=ref),
        (NotFound, Conflict),
    )  # fmt: skip
    errors: Errors = {}
    field = f"rank-{ref}"
    direction = fields.get("direction", "")
    if direction == "up":
        new_rank = line.rank - 1
    elif direction == "down":
        new_rank = line.rank + 1
    else:
        text = fields.get("rank", "").strip()
        new_rank = int(text) if re.fullmatch(r"\d{1,6}", text) else 0
        if not re.fullmatch(r"\d{1,6}", text):
            errors[field] = "Enter a whole number."
    if not errors and not 1 <= new_rank <= view.active_count:
        errors[field] = f"Enter a rank from 1 to {view.active_count}."
    if not errors:
        try:
            render.handle(request, user, requirements.MoveLine(cycle=cycle, ref=ref, rank=new_rank))
        except PurldeskError as error:
            render.note_refusal(errors, error, form=field)
    if errors:
        return _page(request, user, view, errors=errors, status=422,
                             values={field: fields.get("rank", "")})  # fmt: skip
    back = query.params()
    if not query.is_filtered:
        back.pop("page", None)
        number = (new_rank - 1) // query.size + 1
        back.update({"page": str(number)} if number > 1 else {})
    target = {"cycle": cycle, **back, "done": "moved", "ref": ref}
    return RedirectResponse(f"/requirements?{urlencode(target)}#line-{ref}", status_code=303)


# Where an error about a field of a line's edit or withdrawal is shown on the line page.
LINE_FIELDS = {"quantity", "needed_by", "justification", "reason"}


async def _line_write(
    request: Request, cycle: str, ref: str
) -> tuple[WebUser, dict[str, str], list_pages.LineHistoryView]:
    """The signed-in user, its posted form and the line."""
    user, fields = await render.posted(request)
    return user, fields, _line(request, user, cycle, ref, PurldeskError)


def _refused(
    request: Request, user: WebUser, view: list_pages.LineHistoryView, form: str,
    error: PurldeskError, values: Mapping[str, str],
) -> HTMLResponse:  # fmt: skip
    """The line page again, with the service's refusal next to its field (or its form); a
    role that may not change lines is refused outright."""
    if isinstance(error, NotPermitted):
        return render.problem(request, user, error)
    errors: Errors = {}
    render.note_refusal(errors, error, form=form, fields=LINE_FIELDS)
    status = 422 if isinstance(error, InvalidInput) else 404 if isinstance(error, NotFound) else 409
    return _page(request, user, view, errors=errors, status=status, values=values)


@router.post("/requirements/{cycle}/lines/{ref}/edit", response_class=HTMLResponse)
async def edit_line(request: Request, cycle: str, ref: str) -> Response:
    """The recipient changes a line's quantity, needed-by date or justification."""
    user, fields, view = await _line_write(request, cycle, ref)
    errors: Errors = {}
    quantity = render.count(fields.get("quantity", ""))
    if quantity is None or quantity < 1:
        errors["quantity"] = "Enter a whole number, 1 or more."
    needed_text = fields.get("needed_by", "").strip()
    needed_by: date | None = None
    try:
        needed_by = date.fromisoformat(needed_text)
    except ValueError:
        errors["needed_by"] = "Enter a date (YYYY-MM-DD)."
    justification = fields.get("justification", "")
    if len(justification.strip()) > 2000:
        errors["justification"] = "Keep it to 2,000 characters."
    values = {k: fields.get(k, "") for k in ("quantity", "needed_by", "justification")}
    if errors:
        return _page(request, user, view, errors=errors, status=422, values=values)
    try:
        command = requirements.EditLine(
            cycle=cycle, ref=ref, quantity=quantity, needed_by=needed_by,
            justification=justification,
        )  # fmt: skip
        render.handle(request, user, command)
    except PurldeskError as error:
        return _refused(request, user, view, "edit", error, values)
    path = f"/requirements/{cycle}/lines/{ref}"
    return render.redirect(path, "edited", ref)


@router.post("/requirements/{cycle}/lines/{ref}/withdraw", response_class=HTMLResponse)
async def withdraw_line(request: Request, cycle: str, ref: str) -> Response:
    """The recipient withdraws a line, saying why; the lines below it move up."""
    user, fields, view = await _line_write(request, cycle, ref)
    try:
        authorize(user.actor, requirements.WithdrawLine.permission)
    except NotPermitted as error:
        return render.problem(request, user, error)
    reason = fields.get("reason", "")
    values = {"reason": reason}
    errors: Errors = {}
    if not reason.strip():
        errors["reason"] = "Say why the line is withdrawn."
    elif len(reason.strip()) > 2000:
        errors["reason"] = "Keep it to 2,000 characters."
    if not render.confirmed(fields):
        errors["withdraw-confirm"] = "Tick the box to confirm: a withdrawn line cannot come back."
    if errors:
        return _page(request, user, view, errors=errors, status=422, values=values)
    try:
        render.handle(request, user, requirements.WithdrawLine(cycle=cycle, ref=ref, reason=reason))
    except PurldeskError as error:
        return _refused(request, user, view, "withdraw", error, values)
    return RedirectResponse(
        f"/requirements?{urlencode({'cycle': cycle, 'done': 'withdrawn', 'ref': ref})}",
        status_code=303,
    )


@router.post("/requirements/{cycle}/{action}", response_class=HTMLResponse)
async def cycle_action(request: Request, cycle: str, action: str) -> Response:
    user, fields = await render.posted(request)
    view = _list(request, user, cycle)
    assert view.cycle is not None
    cycle_id = view.cycle.id
    errors: Errors = {}
    moves = {
        "submit": (requirements.SubmitCycle, "submitted"),
        "endorse": (requirements.EndorseCycle, "endorsed"),
    }
    try:
        if action in moves:
            move, done = moves[action]
            render.handle(request, user, move(cycle=cycle))
            return render.redirect(f"/requirements?{urlencode({'cycle': cycle})}", done, cycle)
        if action != "allocate":
            raise NotFound("action", action)
        authorize(user.actor, allocations.Commit.permission)
        on, target = _allocation_inputs(request, fields, errors)
        if not errors:
            command = allocations.Commit(
                cycle_id=cycle_id, package_target=target, on=on,
                expected_digest=fields.get("digest") or None,
            )  # fmt: skip
            proposal = render.handle(request, user, command)
            refs = ", ".join(p.ref for p in proposal.committed) or "no package (nothing fundable)"
            return render.redirect("/packages", "allocated", refs)
    except NotFound as error:
        return render.problem(request, user, error)
    except ProposalChanged as error:
        # Show the allocation as it now stands, to be reviewed before committing it.
        preview = _preview(request, view.cycle.id, on=on, target=target)
        return render.render(
            request, "allocation.html", user, status=409, active="requirements",
            cycle=view.cycle, preview=preview, errors={"form": str(error)},
        )  # fmt: skip
    except PurldeskError as error:
        render.note_refusal(errors, error, fields=("on", "target"))
    return _page(request, user, view, errors=errors, status=422, values=fields)


def _allocation_inputs(
    request: Request, fields: Mapping[str, str], errors: Errors
) -> tuple[date, Money]:
    """The allocation form's date and package target; a problem with either goes in `errors`."""
    on = render.date(fields.get("on", ""), "on", errors, render.today(wired(request)))
    target_text = fields.get("target", "").strip().replace(",", "")
    try:
        target = Money.parse(target_text or "500000000", USD, field="target")
        if not target.is_positive:
            errors["target"] = "must be positive"
    except InvalidInput as error:
        errors["target"] = error.message
        target = Money.zero(USD)
    return on, target


def _preview(
    request: Request, cycle_id: CycleId, *, on: date, target: Money
) -> allocation_pages.AllocationPreview:
    """The dry run of a commit made now: its digest is the one the commit checks."""
    application = wired(request)
    proposal = allocations.propose(
        application.uow(), cycle_id=cycle_id, on=on, target=target,
        at=application.clock.now(),
    )  # fmt: skip
    return allocation_pages.preview(proposal)


@router.get("/requirements/{cycle}/allocation", response_class=HTMLResponse)
def allocation_preview(request: Request, cycle: str, target: str = "", on: str = "") -> Response:
    """The dry run of an allocation: the packages it would cut and every line it leaves short,
    with the button that commits it (recomputed from the same date and target)."""
    user = render.signed_in(request)
    view = _list(request, user, cycle)
    assert view.cycle is not None
    fields = {"target": target, "on": on}
    errors: Errors = {}
    try:
        authorize(user.actor, allocations.Commit.permission)
        day, package_target = _allocation_inputs(request, fields, errors)
        if not errors:
            return render.render(
                request, "allocation.html", user, active="requirements", cycle=view.cycle,
                preview=_preview(request, view.cycle.id, on=day, target=package_target),
            )  # fmt: skip
    except NotFound as error:
        return render.problem(request, user, error)
    except PurldeskError as error:
        render.note_refusal(errors, error, fields=("on", "target"))
    return _page(request, user, view, errors=errors, status=422, values=fields)


# The open-cycle form's fields, as its inputs are named on the list's page.
OPEN_FIELDS = ("name", "opens_on", "carry_from")


@router.post("/cycles", response_class=HTMLResponse)
async def open_cycle(request: Request) -> Response:
    """Open a new cycle, in draft; with a previous cycle chosen, it carries that cycle's active
    lines not fully funded, as `cycles open --from` does."""
    user, fields = await render.posted(request)
    try:
        authorize(user.actor, requirements.OpenCycle.permission)
    except NotPermitted as error:
        return render.problem(request, user, error)
    view = _list(request, user, None)
    values = {f"open-{name}": fields.get(name, "") for name in OPEN_FIELDS}
    errors: Errors = {}
    name = fields.get("name", "").strip()
    if not name:
        errors["open-name"] = "Enter a name, such as 2026-01."
    opens_on = render.date(
        fields.get("opens_on", ""), "open-opens_on", errors, render.today(wired(request))
    )
    carry_from = fields.get("carry_from", "").strip() or None
    if errors:
        return _page(request, user, view, errors=errors, status=422, values=values)
    try:
        command = requirements.OpenCycle(name=name, opens_on=opens_on, carry_from=carry_from)
        render.handle(request, user, command)
    except PurldeskError as error:
        _note_open_refusal(errors, error)
        status = 409 if isinstance(error, Conflict) else 422
        return _page(request, user, view, errors=errors, status=status, values=values)
    done = "opened" if carry_from is None else "carried"
    return render.redirect(f"/requirements?{urlencode({'cycle': name})}", done, name)


def _note_open_refusal(errors: Errors, error: PurldeskError) -> None:
    """The refusal next to the field at fault: a name taken, an unknown cycle to carry; the
    others (a cycle not endorsed, carried already) next to the form."""
    if isinstance(error, AlreadyExists):
        errors["open-name"] = str(error)
    elif isinstance(error, NotFound):
        errors["open-carry_from"] = str(error)
    else:
        render.note_refusal(errors, error, form="open", fields=OPEN_FIELDS, prefix="open-")
