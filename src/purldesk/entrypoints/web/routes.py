"""The dashboard's pages and forms: thin routes over the same services the API calls.

Reads go through `services.views` (which applies the one redaction); every write runs
through `services.handle.handle` without a key, so the effect and its audit entry commit in
one transaction, or nothing does. A form with bad input is shown again, with a message next
to the field at fault, and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from purldesk.adapters.exports import reports
from purldesk.bootstrap import Application
from purldesk.domain.access import (
    PUBLIC,
    Actor,
    NotAuthenticated,
    Permission,
    Role,
    TooManyAttempts,
    authorize,
    can,
)
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import UNRESTRICTED, Contribution, ContributionId, Earmark
from purldesk.domain.deliveries import ShipmentId, shipment_ref
from purldesk.domain.errors import Conflict, InvalidInput, NotFound, NotPermitted, PurldeskError
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId, PackageStatus
from purldesk.domain.requirements import LineId
from purldesk.domain.text import CONTROL_CHARACTER, check_text
from purldesk.entrypoints.web import auth, charts
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.services import (
    allocations,
    contributions,
    deliveries,
    indicators,
    ledger,
    policies,
    requirements,
    sessions,
    users,
    whatif,
)
from purldesk.services import packages as package_services
from purldesk.services.handle import Command, handle
from purldesk.services.views import contributions as contribution_pages
from purldesk.services.views import overview, transparency
from purldesk.services.views import packages as package_pages
from purldesk.services.views import requirements as list_pages
from purldesk.services.views import statement as statements

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["bar_chart"] = charts.bar_chart
router = APIRouter(include_in_schema=False)
R = TypeVar("R")

# What a redirect after a successful form says, by code; `ref` is shown escaped.
DONE = {
    "moved": "Line {ref} moved.",
    "edited": "Line {ref} changed.",
    "withdrawn": "Line {ref} withdrawn from the list.",
    "submitted": "Cycle {ref} submitted for endorsement.",
    "endorsed": "Cycle {ref} endorsed.",
    "allocated": "Allocation committed: {ref}.",
    "pledged": "Pledge {ref} recorded.",
    "committed": "Contribution {ref} committed.",
    "received": "Receipt of {ref} recorded.",
    "cancelled": "{ref} cancelled.",
    "disclosure": "What others see of {ref} is updated.",
    "proposed": "{ref} proposed for validation.",
    "validated": "{ref} validated.",
    "topped_up": "{ref} topped up and funded.",
    "accepted": "{ref} accepted.",
    "repriced": "{ref} re-priced: some line now costs more than its money; the coordinator tops it up.",
    "closed": "{ref} closed: the supplier is paid.",
    "shipped": "Shipment {ref} recorded.",
    "confirmed": "Receipt of shipment {ref} confirmed.",
}
Errors = dict[str, str]


# -- helpers -----------------------------------------------------------------------------------


def _render(
    request: Request,
    template: str,
    user: WebUser | None,
    *,
    status: int = 200,
    active: str = "",
    **context: Any,
) -> HTMLResponse:
    done = DONE.get(request.query_params.get("done", ""))
    context.update(
        user=user, active=active, errors=context.get("errors", {}),
        done=done.format(ref=request.query_params.get("ref", "")[:60]) if done else None,
    )  # fmt: skip
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


def _problem(request: Request, user: WebUser | None, error: PurldeskError) -> HTMLResponse:
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 403
    return _render(request, "problem.html", user, status=status, message=str(error))


def _redirect(path: str, done: str, ref: str) -> RedirectResponse:
    return RedirectResponse(
        f"{path}{'&' if '?' in path else '?'}{urlencode({'done': done, 'ref': ref})}",
        status_code=303,
    )


async def _form(request: Request, user: WebUser) -> dict[str, str] | Response:
    """The posted form, or the page that answers instead: a form without the session's CSRF
    token is refused (403), and so is a control character in any field (422, naming it)."""
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    if not sessions.is_csrf_token(fields.get("csrf_token", ""), user.csrf_token):
        return _csrf_refused(request, user)
    try:
        for name, value in form.multi_items():
            if isinstance(value, str):
                check_text(name, value)
    except InvalidInput as error:
        return _render(request, "problem.html", user, status=422, message=str(error))
    return fields


def _handle(request: Request, user: WebUser, command: Command[R]) -> R:
    """Handle one command for the signed-in user, as the API does (without a key: a form
    posted twice is two writes, as the user asked)."""
    application = wired(request)
    context = application.context(user.actor, request.state.request_id)
    return handle(application.uow(), command, context=context).value


def _date(text: str, field: str, errors: Errors, default: date) -> date:
    if not text.strip():
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = "is not a date (YYYY-MM-DD)"
        return default


def _today(application: Application) -> date:
    return application.clock.now().date()


def _csrf_refused(request: Request, user: WebUser) -> HTMLResponse:
    return _render(
        request, "problem.html", user, status=403,
        message="The form expired or did not come from this site; reload the page and try again.",
    )  # fmt: skip


# -- login -------------------------------------------------------------------------------------


def _safe_next(target: str) -> str:
    local = target.startswith("/") and not target.startswith("//")
    return target if local and not CONTROL_CHARACTER.search(target) else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    token = auth.login_token(request)
    response = _render(request, "login.html", None, token=token, next=_safe_next(next), name="")
    auth.set_login_token(request, response, token)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    name, password = fields.get("username", ""), fields.get("password", "")
    target = _safe_next(fields.get("next", "/"))
    errors: Errors = {}
    if not name.strip():
        errors["username"] = "Enter your user name."
    try:
        check_text("username", name)
    except InvalidInput as error:
        errors["username"] = error.message
    if not password:
        errors["password"] = "Enter your password."
    if not auth.is_login_token(request, fields.get("csrf_token", "")):
        errors["form"] = "The login form expired; please try again."
    application = wired(request)
    actor: Actor | None = None
    if not errors:
        auth_settings = application.settings.auth
        try:
            actor = users.log_in(
                application.uow(), request.app.state.passwords, name=name, password=password,
                client=auth.client_of(request), at=application.clock.now(),
                limit=users.FailureLimit(auth_settings.max_failures, auth_settings.failure_window_s),
            )  # fmt: skip
        except NotAuthenticated as error:
            auth.log.warning("dashboard login failed: %s", error.reason)
            errors["password"] = "Unknown user name or wrong password."
        except TooManyAttempts as error:
            errors["form"] = f"Too many failed logins; try again in {error.retry_after_s} s."
    if actor is None:
        token = auth.login_token(request)
        response: Response = _render(
            request, "login.html", None, status=422 if "form" not in errors else 429,
            token=token, next=target, name=name, errors=errors,
        )  # fmt: skip
        auth.set_login_token(request, response, token)
        return response
    started = sessions.start(
        application.uow(), user_id=actor.user_id, at=application.clock.now(),
        lifetime=_hours(application),
    )  # fmt: skip
    response = RedirectResponse(target, status_code=303)
    auth.set_session(request, response, started)
    return response


def _hours(application: Application) -> timedelta:
    return timedelta(hours=application.settings.web.session_hours)


@router.post("/logout")
async def logout(request: Request) -> Response:
    user = auth.current_user(request)
    form = None if user is None else await _form(request, user)
    if isinstance(form, Response):
        return form
    response = RedirectResponse("/login", status_code=303)
    auth.end_session(request, response)
    return response


# -- overview and the public page --------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    user = auth.current_user(request)
    application = wired(request)
    viewer = user.actor.viewer if user else PUBLIC
    view = overview.overview(application.reader(), viewer=viewer, today=_today(application))
    return _render(
        request, "overview.html", user, active="overview", view=view, public=user is None
    )


@router.get("/public", response_class=HTMLResponse)
def public(request: Request) -> Response:
    application = wired(request)
    view = transparency.transparency(application.reader(), today=_today(application))
    return _render(
        request,
        "overview.html",
        auth.current_user(request),
        active="public",
        view=view,
        public=True,
    )


# -- requirements ------------------------------------------------------------------------------


@router.get("/requirements", response_class=HTMLResponse)
def requirements_page(
    request: Request, cycle: str | None = None, as_of: str | None = None
) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    application = wired(request)
    try:
        view = list_pages.requirements(
            application.reader(), viewer=user.actor.viewer, cycle_name=cycle
        )
    except NotFound as error:
        return _problem(request, user, error)
    if not as_of or view.cycle is None:
        return _requirements(request, user, view, errors={})
    errors: Errors = {}
    day = _date(as_of, "as_of", errors, _today(application))
    if errors:
        return _requirements(
            request, user, view, errors=errors, status=422, values={"as_of": as_of}
        )
    stood = requirements.list_as_it_stood(application.uow(), cycle_id=view.cycle.id, on=day)
    return _render(
        request, "requirements.html", user, active="requirements", view=view, errors={},
        values={"as_of": day.isoformat()}, today=_today(application).isoformat(),
        stood=stood, stood_on=day,
    )  # fmt: skip


def _requirements(
    request: Request, user: WebUser, view: list_pages.RequirementsView, *, errors: Errors,
    status: int = 200, values: Mapping[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    return _render(
        request, "requirements.html", user, status=status, active="requirements", view=view,
        errors=errors, values=values or {}, today=_today(wired(request)).isoformat(),
    )  # fmt: skip


@router.get("/requirements/{cycle}/lines/{ref}", response_class=HTMLResponse)
def line_history(request: Request, cycle: str, ref: str) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    try:
        view = list_pages.line_history(
            wired(request).reader(), cycle_name=cycle, ref=ref, viewer=user.actor.viewer
        )
    except NotFound as error:
        return _problem(request, user, error)
    return _line_page(request, user, view, errors={})


def _line_page(
    request: Request, user: WebUser, view: list_pages.LineHistoryView, *, errors: Errors,
    status: int = 200, values: Mapping[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    return _render(
        request, "line.html", user, status=status, active="requirements", view=view,
        errors=errors, values=values or {},
    )  # fmt: skip


@router.post("/requirements/{cycle}/lines/{ref}/move", response_class=HTMLResponse)
async def move_line(request: Request, cycle: str, ref: str) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    application = wired(request)
    try:
        view = list_pages.requirements(
            application.reader(), viewer=user.actor.viewer, cycle_name=cycle
        )
        line = next((ln for ln in view.lines if ln.ref == ref), None)
        if line is None:
            raise NotFound("requirement line", ref)
        if line not in view.active_lines:
            raise Conflict(f"line {ref} is {line.status}; it has no place in the order")
    except (NotFound, Conflict) as error:
        return _problem(request, user, error)
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
    if not errors and not 1 <= new_rank <= len(view.active_lines):
        errors[field] = f"Enter a rank from 1 to {len(view.active_lines)}."
    if not errors:
        try:
            _handle(request, user, requirements.MoveLine(cycle=cycle, ref=ref, rank=new_rank))
        except InvalidInput as error:
            errors[field] = error.message
        except (Conflict, PurldeskError) as error:
            errors[field] = str(error)
    if errors:
        return _requirements(request, user, view, errors=errors, status=422,
                             values={field: fields.get("rank", "")})  # fmt: skip
    return RedirectResponse(
        f"/requirements?{urlencode({'cycle': cycle, 'done': 'moved', 'ref': ref})}#line-{ref}",
        status_code=303,
    )


# Where an error about a field of a line's edit or withdrawal is shown on the line page.
LINE_FIELDS = {"quantity", "needed_by", "justification", "reason"}


async def _line_write(
    request: Request, cycle: str, ref: str
) -> tuple[WebUser, dict[str, str], list_pages.LineHistoryView] | Response:
    """The signed-in user, its posted form and the line, or the page that answers instead."""
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    try:
        view = list_pages.line_history(
            wired(request).reader(), cycle_name=cycle, ref=ref, viewer=user.actor.viewer
        )
    except PurldeskError as error:
        return _problem(request, user, error)
    return user, fields, view


def _refused(
    request: Request, user: WebUser, view: list_pages.LineHistoryView, form: str,
    error: PurldeskError, values: Mapping[str, str],
) -> HTMLResponse:  # fmt: skip
    """The line page again, with the service's refusal next to its field (or its form); a
    role that may not change lines is refused outright."""
    if isinstance(error, NotPermitted):
        return _problem(request, user, error)
    if isinstance(error, InvalidInput):
        key = error.field if error.field in LINE_FIELDS else form
        return _line_page(request, user, view, errors={key: error.message}, status=422,
                          values=values)  # fmt: skip
    status = 404 if isinstance(error, NotFound) else 409
    return _line_page(request, user, view, errors={form: str(error)}, status=status,
                      values=values)  # fmt: skip


@router.post("/requirements/{cycle}/lines/{ref}/edit", response_class=HTMLResponse)
async def edit_line(request: Request, cycle: str, ref: str) -> Response:
    """The recipient changes a line's quantity, needed-by date or justification."""
    found = await _line_write(request, cycle, ref)
    if isinstance(found, Response):
        return found
    user, fields, view = found
    errors: Errors = {}
    quantity = _count(fields.get("quantity", ""))
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
        return _line_page(request, user, view, errors=errors, status=422, values=values)
    try:
        command = requirements.EditLine(
            cycle=cycle, ref=ref, quantity=quantity, needed_by=needed_by,
            justification=justification,
        )  # fmt: skip
        _handle(request, user, command)
    except PurldeskError as error:
        return _refused(request, user, view, "edit", error, values)
    path = f"/requirements/{cycle}/lines/{ref}"
    return _redirect(path, "edited", ref)


@router.post("/requirements/{cycle}/lines/{ref}/withdraw", response_class=HTMLResponse)
async def withdraw_line(request: Request, cycle: str, ref: str) -> Response:
    """The recipient withdraws a line, saying why; the lines below it move up."""
    found = await _line_write(request, cycle, ref)
    if isinstance(found, Response):
        return found
    user, fields, view = found
    reason = fields.get("reason", "")
    values = {"reason": reason}
    if not reason.strip():
        return _line_page(request, user, view, errors={"reason": "Say why the line is withdrawn."},
                          status=422, values=values)  # fmt: skip
    if len(reason.strip()) > 2000:
        return _line_page(request, user, view, errors={"reason": "Keep it to 2,000 characters."},
                          status=422, values=values)  # fmt: skip
    try:
        _handle(request, user, requirements.WithdrawLine(cycle=cycle, ref=ref, reason=reason))
    except PurldeskError as error:
        return _refused(request, user, view, "withdraw", error, values)
    return RedirectResponse(
        f"/requirements?{urlencode({'cycle': cycle, 'done': 'withdrawn', 'ref': ref})}",
        status_code=303,
    )


@router.post("/requirements/{cycle}/{action}", response_class=HTMLResponse)
async def cycle_action(request: Request, cycle: str, action: str) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    application = wired(request)
    try:
        view = list_pages.requirements(
            application.reader(), viewer=user.actor.viewer, cycle_name=cycle
        )
    except NotFound as error:
        return _problem(request, user, error)
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
            _handle(request, user, move(cycle=cycle))
            return _redirect(f"/requirements?{urlencode({'cycle': cycle})}", done, cycle)
        if action != "allocate":
            raise NotFound("action", action)
        authorize(user.actor, Permission.BUILD_PACKAGE)
        on = _date(fields.get("on", ""), "on", errors, _today(application))
        target_text = fields.get("target", "").strip().replace(",", "")
        try:
            target = Money.parse(target_text or "500000000", USD, field="target")
            if not target.is_positive:
                errors["target"] = "must be positive"
        except InvalidInput as error:
            errors["target"] = error.message
            target = Money.zero(USD)
        if not errors:
            command = allocations.Commit(cycle_id=cycle_id, package_target=target, on=on)
            proposal = _handle(request, user, command)
            refs = ", ".join(p.ref for p in proposal.committed) or "no package (nothing fundable)"
            return _redirect("/packages", "allocated", refs)
    except InvalidInput as error:
        errors[error.field if error.field in ("on", "target") else "form"] = error.message
    except NotFound as error:
        return _problem(request, user, error)
    except PurldeskError as error:
        errors["form"] = str(error)
    return _requirements(request, user, view, errors=errors, status=422, values=fields)


# -- packages ----------------------------------------------------------------------------------


@router.get("/packages", response_class=HTMLResponse)
def packages_page(request: Request) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    found = package_pages.package_list(wired(request).reader())
    return _render(request, "packages.html", user, active="packages", packages=found)


def _package(
    request: Request, user: WebUser, view: package_pages.PackageDetail, *, errors: Errors,
    values: Mapping[str, str], status: int = 200,
) -> HTMLResponse:  # fmt: skip
    return _render(
        request, "package.html", user, status=status, active="packages", view=view,
        errors=errors, values=values, today=_today(wired(request)).isoformat(),
    )  # fmt: skip


def _package_view(request: Request, user: WebUser, package_id: int) -> package_pages.PackageDetail:
    if not 1 <= package_id < 2**31:
        raise NotFound("package", package_id)
    return package_pages.package_detail(
        wired(request).reader(), viewer=user.actor.viewer, package_id=PackageId(package_id)
    )


@router.get("/packages/{package_id}", response_class=HTMLResponse)
def package_page(request: Request, package_id: int) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    try:
        view = _package_view(request, user, package_id)
    except NotFound as error:
        return _problem(request, user, error)
    return _package(request, user, view, errors={}, values={})


def _offered(user: WebUser, view: package_pages.PackageDetail, action: str) -> None:
    """Refuse an action the page would not offer: by role (403) or by the package's state (409)."""
    authorize(user.actor, package_pages.ACTION_PERMISSIONS[action])
    if action not in view.actions:
        what = action.replace("_", " ")
        raise Conflict(
            f"{view.summary.ref} is {view.summary.status}: “{what}” is not possible now."
        )


def _count(text: str) -> int | None:
    """A whole number as people type it ("40,000"), or None."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    return int(cleaned) if re.fullmatch(r"\d{1,9}", cleaned) else None


# The coordinator's lifecycle moves: no input but the day they happen.
MOVES = {"propose": "proposed", "validate": "validated", "top_up": "topped_up",
         "close": "closed", "cancel": "cancelled"}  # fmt: skip


@router.post("/packages/{package_id}/{action}", response_class=HTMLResponse)
async def package_action(request: Request, package_id: int, action: str) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    if action not in package_pages.ACTION_PERMISSIONS or action == "confirm":
        return _problem(request, user, NotFound("action", action))
    application = wired(request)
    try:
        view = _package_view(request, user, package_id)
        _offered(user, view, action)
    except PurldeskError as error:
        return _problem(request, user, error)
    pid, ref, now = PackageId(package_id), view.summary.ref, application.clock.now()
    today = now.date()
    errors: Errors = {}
    if action == "cancel" and fields.get("confirm") != "yes":
        errors["cancel-confirm"] = (
            "Tick the box to confirm: cancelling ends the package for good "
            "and returns its money to the funds that paid it."
        )
        return _package(request, user, view, errors=errors, values=fields, status=422)
    try:
        if action in MOVES:
            step: Command[Package] = (
                package_services.Propose(package_id=pid) if action == "propose"
                else package_services.Validate(package_id=pid) if action == "validate"
                else package_services.TopUp(package_id=pid, on=today) if action == "top_up"
                else package_services.Close(package_id=pid, on=today) if action == "close"
                else package_services.Cancel(package_id=pid, on=today)
            )  # fmt: skip
            _handle(request, user, step)
            return _redirect(f"/packages/{package_id}", MOVES[action], ref)
        if action == "accept":
            prices: dict[LineId, Money] = {}
            for line in view.lines:
                field = f"price-{line.line_ref}"
                text = fields.get(field, "").strip()
                if not text:
                    continue
                try:
                    price = Money.parse(text, USD, field=field)
                except InvalidInput as error:
                    errors[field] = (
                        f"Enter a lot price in USD, such as 1,250,000.00 ({error.message})."
                    )
                    continue
                if not price.is_positive:
                    errors[field] = "Enter a lot price above zero."
                elif price != line.lot_price:
                    prices[line.line_id] = price
            if errors:
                return _package(request, user, view, errors=errors, values=fields, status=422)
            accept = package_services.Accept(package_id=pid, prices=tuple(prices.items()), on=today)
            accepted = _handle(request, user, accept)
            done = "accepted" if accepted.status is PackageStatus.ACCEPTED else "repriced"
            return _redirect(f"/packages/{package_id}", done, ref)
        # ship
        line_ref = fields.get("line", "")
        shipping = next((ln for ln in view.lines if ln.line_ref == line_ref), None)
        if shipping is None:
            errors["ship-line"] = "Choose one of the package's lines."
        quantity = _count(fields.get("quantity", ""))
        if quantity is None or quantity < 1:
            errors["ship-quantity"] = "Enter a whole number of units, 1 or more."
        elif shipping is not None and quantity > shipping.left_to_ship:
            errors["ship-quantity"] = (
                f"At most {shipping.left_to_ship:,} unit(s) of {shipping.line_ref} are left to ship."
            )
        shipped_on = _date(fields.get("shipped_on", ""), "ship-shipped_on", errors, today)
        if "ship-shipped_on" not in errors and shipped_on > today:
            errors["ship-shipped_on"] = "The shipment date cannot be in the future."
        if errors or shipping is None or quantity is None:
            return _package(request, user, view, errors=errors, values=fields, status=422)
        ship = deliveries.Ship(
            package_id=pid, line_id=shipping.line_id, quantity=quantity, shipped_on=shipped_on
        )
        made = _handle(request, user, ship)
        return _redirect(f"/packages/{package_id}", "shipped", made.ref)
    except InvalidInput as error:
        prefix = "ship-" if action == "ship" else ""
        known = {"quantity", "shipped_on", "line"} if action == "ship" else set()
        errors[prefix + error.field if error.field in known else "form"] = error.message
    except NotFound as error:
        return _problem(request, user, error)
    except PurldeskError as error:
        errors["form"] = str(error)
    view = _package_view(request, user, package_id)
    return _package(request, user, view, errors=errors, values=fields, status=422)


@router.post("/packages/{package_id}/shipments/{shipment_id}/confirm", response_class=HTMLResponse)
async def confirm_receipt(request: Request, package_id: int, shipment_id: int) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    application = wired(request)
    try:
        view = _package_view(request, user, package_id)
        authorize(user.actor, Permission.CONFIRM_RECEIPT)
        shipment = next((s for s in view.shipments if s.shipment_id == shipment_id), None)
        if shipment is None:
            raise NotFound("shipment", shipment_id)
    except PurldeskError as error:
        return _problem(request, user, error)
    sref = shipment_ref(shipment.shipment_id)
    field = f"received-{sref}"
    now = application.clock.now()
    errors: Errors = {}
    received_on = _date(fields.get("received_on", ""), field, errors, now.date())
    if field not in errors and received_on > now.date():
        errors[field] = "The date of receipt cannot be in the future."
    elif field not in errors and received_on < shipment.shipped_on:
        errors[field] = f"It cannot arrive before it shipped ({shipment.shipped_on})."
    if not errors:
        try:
            confirm = deliveries.ConfirmReceipt(
                shipment_id=ShipmentId(shipment_id), received_on=received_on
            )
            _handle(request, user, confirm)
            return _redirect(f"/packages/{package_id}", "confirmed", sref)
        except InvalidInput as error:
            errors[field] = error.message
        except PurldeskError as error:
            errors[field] = str(error)
        view = _package_view(request, user, package_id)
    return _package(request, user, view, errors=errors, values={field: fields.get("received_on", "")},
                    status=422)  # fmt: skip


# -- contributions -----------------------------------------------------------------------------


def _contributions(
    request: Request, user: WebUser, *, errors: Errors, values: Mapping[str, str],
    status: int = 200,
) -> HTMLResponse:  # fmt: skip
    application = wired(request)
    view = contribution_pages.contributions(application.reader(), viewer=user.actor.viewer)
    return _render(
        request, "contributions.html", user, status=status, active="contributions", view=view,
        errors=errors, values=values, today=_today(application).isoformat(),
        aid_classes=[a.value for a in AidClass],
    )  # fmt: skip


@router.get("/contributions", response_class=HTMLResponse)
def contributions_page(request: Request) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    if not can(user.actor, Permission.READ_CONTRIBUTIONS):
        return _problem(request, user, NotFound("page", "contributions"))
    return _contributions(request, user, errors={}, values={})


@router.post("/contributions", response_class=HTMLResponse)
async def pledge(request: Request) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    application = wired(request)
    errors: Errors = {}
    currency = fields.get("currency", "").strip().upper()
    amount: Money | None = None
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = "Enter a three-letter currency code, such as EUR."
    elif not fields.get("amount", "").strip():
        errors["amount"] = "Enter an amount."
    else:
        try:
            amount = Money.parse(fields["amount"].strip().replace(",", ""), currency)
            if not amount.is_positive:
                errors["amount"] = "must be positive"
        except InvalidInput as error:
            errors["currency" if error.field == "currency" else "amount"] = error.message
        except (ValueError, InvalidOperation, KeyError):
            errors["currency"] = f"{currency} is not a currency purldesk knows"
    pledged_on = _date(fields.get("pledged_on", ""), "pledged_on", errors, _today(application))
    form = await request.form()
    chosen = [v for v in form.getlist("aid_class") if isinstance(v, str)]
    if any(v not in {a.value for a in AidClass} for v in chosen):
        errors["aid_class"] = "Choose among the aid classes shown."
    classes = frozenset(AidClass(v) for v in chosen if v in {a.value for a in AidClass})
    areas_text = fields.get("areas", "").strip()
    areas = frozenset(a.strip() for a in areas_text.split(",") if a.strip()) or None
    earmark = UNRESTRICTED if not classes and areas is None else Earmark(
        areas=areas, aid_classes=classes or None
    )  # fmt: skip
    purpose = fields.get("purpose", "").strip()
    if len(purpose) > 2000:
        errors["purpose"] = "must be at most 2,000 characters"
    if not errors and amount is not None:
        try:
            command = contributions.Pledge(
                contributor=user.actor.organization, amount=amount, pledged_on=pledged_on,
                confidential=fields.get("confidential") == "on",
                anonymous=fields.get("anonymous") == "on", purpose=purpose, earmark=earmark,
            )  # fmt: skip
            made = _handle(request, user, command)
            return _redirect("/contributions", "pledged", made.ref)
        except InvalidInput as error:
            errors[error.field if error.field in ("amount", "currency", "areas") else "form"] = (
                error.message
            )
        except PurldeskError as error:
            errors["form"] = str(error)
    return _contributions(request, user, errors=errors, values=fields, status=422)


@router.post("/contributions/{contribution_id}/disclosure", response_class=HTMLResponse)
async def set_disclosure(request: Request, contribution_id: int) -> Response:
    """The owner's choice of what others see: a ticked box is on, an unticked one off."""
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    if not 1 <= contribution_id < 2**31:
        return _problem(request, user, NotFound("contribution", contribution_id))
    confidential, anonymous = (fields.get(k) == "on" for k in ("confidential", "anonymous"))
    command = contributions.SetDisclosure(
        contribution_id=ContributionId(contribution_id), confidential=confidential,
        anonymous=anonymous,
    )  # fmt: skip
    try:
        changed = _handle(request, user, command)
    except PurldeskError as error:
        return _problem(request, user, error)
    return _redirect("/contributions", "disclosure", changed.ref)


@router.post("/contributions/{contribution_id}/{action}", response_class=HTMLResponse)
async def contribution_action(request: Request, contribution_id: int, action: str) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    fields = await _form(request, user)
    if isinstance(fields, Response):
        return fields
    application = wired(request)
    cid = ContributionId(contribution_id)
    if action not in ("commit", "receive", "cancel") or not 1 <= contribution_id < 2**31:
        return _problem(request, user, NotFound("action", action))
    errors: Errors = {}
    field = f"{action}-{contribution_id}"
    on = _date(fields.get("on", ""), field, errors, _today(application))
    ref = f"C-{contribution_id:05d}"
    if not errors:
        try:
            command: Command[Contribution] = (
                contributions.Commit(contribution_id=cid) if action == "commit"
                else contributions.Receive(contribution_id=cid, on=on) if action == "receive"
                else contributions.Cancel(contribution_id=cid, on=on)
            )  # fmt: skip
            _handle(request, user, command)
            done = {"commit": "committed", "receive": "received", "cancel": "cancelled"}[action]
            return _redirect("/contributions", done, ref)
        except NotFound as error:
            return _problem(request, user, error)
        except InvalidInput as error:
            errors[field] = error.message
        except PurldeskError as error:
            errors[field] = str(error)
    return _contributions(
        request, user, errors=errors, values={field: fields.get("on", "")}, status=422
    )


# -- statement ---------------------------------------------------------------------------------


def _statement(
    request: Request, user: WebUser, contributor: str | None
) -> statements.StatementView:
    code = contributor or user.actor.organization
    return statements.statement(wired(request).reader(), viewer=user.actor.viewer, contributor=code)


@router.get("/statement", response_class=HTMLResponse)
def statement_page(request: Request, contributor: str | None = None) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    try:
        view = _statement(request, user, contributor)
    except NotFound as error:
        return _problem(request, user, error)
    return _render(request, "statement.html", user, active="statement", view=view)


@router.get("/statement.{kind}")
def statement_download(request: Request, kind: str, contributor: str | None = None) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    try:
        view = _statement(request, user, contributor)
    except NotFound as error:
        return _problem(request, user, error)
    if kind not in (reports.ReportFormat.CSV, reports.ReportFormat.XLSX):
        return _problem(request, user, NotFound("format", kind))
    asked = reports.Asked(user.actor.viewer, _today(wired(request)), view.contributor)
    rendered = reports.STATEMENT.shape(view, asked, reports.ReportFormat(kind))
    return Response(
        rendered.body, media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'},
    )  # fmt: skip


# -- policy and what-if ------------------------------------------------------------------------


@router.get("/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    contributor: str | None = None,
    on: str | None = None,
    indicator: str = "",
    value: str = "",
    amount: str = "",
    currency: str = "",
) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    application = wired(request)
    errors: Errors = {}
    code = (contributor or "").strip().upper() or (
        user.actor.organization if user.actor.role is Role.CONTRIBUTOR else "KOR"
    )
    if user.actor.role is Role.CONTRIBUTOR and code != user.actor.organization:
        return _problem(request, user, NotFound("policy", code))
    day = _date(on or "", "on", errors, _today(application))
    try:
        view = policies.show(application.uow(), contributor=code, on=day)
    except NotFound as error:
        return _problem(request, user, error)
    observations = sorted(
        indicators.list_observations(application.uow()), key=lambda o: (o.observed_on, o.id)
    )
    result = None
    may_ask = can(user.actor, Permission.RUN_WHATIF)
    asked = bool(indicator or value or amount)
    if asked:
        try:
            authorize(user.actor, Permission.RUN_WHATIF)
        except PurldeskError as error:
            return _problem(request, user, error)
        scenario = _scenario(code, indicator, value, amount, currency, errors)
        if scenario is not None and not errors:
            try:
                cycle = requirements.resolve_cycle(application.uow(), name=None)
                result = whatif.whatif(
                    application.uow(), application.fx, cycle_id=cycle.id, on=day,
                    scenario=scenario, at=application.clock.now(),
                )  # fmt: skip
            except InvalidInput as error:
                errors["value" if error.field == "indicator" else error.field] = error.message
            except PurldeskError as error:
                errors["form"] = str(error)
    return _render(
        request, "policy.html", user, status=422 if errors else 200, active="policy",
        view=view, observations=observations, result=result, errors=errors,
        values={"indicator": indicator, "value": value, "amount": amount,
                "currency": currency, "on": on or ""},
        code=code, day=day, may_ask=may_ask,
    )  # fmt: skip


def _scenario(
    code: str, indicator: str, value: str, amount: str, currency: str, errors: Errors
) -> whatif.Scenario | None:
    if indicator.strip() or value.strip():
        if not indicator.strip():
            errors["indicator"] = "Choose an indicator."
        try:
            number = Decimal(value.strip())
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors["value"] = "Enter a number."
            return None
        return whatif.Scenario(indicators=((indicator.strip(), number),))
    try:
        money = Money.parse(amount.strip().replace(",", ""), currency.strip().upper() or "USD")
    except InvalidInput as error:
        errors["currency" if error.field == "currency" else "amount"] = error.message
        return None
    if not money.is_positive:
        errors["amount"] = "must be positive"
        return None
    return whatif.Scenario(pledges=(whatif.Pledge(code, money),))


# -- ledger ------------------------------------------------------------------------------------


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    return _render(request, "ledger.html", user, active="ledger", result=None)


@router.post("/ledger/verify", response_class=HTMLResponse)
async def verify(request: Request) -> Response:
    user = auth.current_user(request)
    if user is None:
        return _to_login(request)
    form = await _form(request, user)
    if isinstance(form, Response):
        return form
    try:
        authorize(user.actor, Permission.VERIFY_LEDGER)
    except PurldeskError as error:
        return _problem(request, user, error)
    checked, findings = ledger.verify(wired(request).uow())
    return _render(
        request, "ledger.html", user, active="ledger",
        result={"checked": checked, "findings": findings},
    )  # fmt: skip
