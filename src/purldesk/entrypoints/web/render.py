"""What every dashboard page shares: the templates, the page and its messages, the posted form.

A page is rendered with the signed-in user and the message of the form that redirected to it
(`DONE`, by code); a refusal is the problem page with its status. A posted form is checked for
the session's CSRF token and for control characters before a route sees it, and a route's
command is handled for the signed-in user. A step that answers the request itself (the login
page for no session, a refusal) raises `Answered`, and the app sends its page as it is.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from purldesk.bootstrap import Application
from purldesk.domain.burden import percent
from purldesk.domain.errors import Conflict, InvalidInput, NotFound, PurldeskError
from purldesk.domain.text import check_text
from purldesk.entrypoints.web import auth, charts, formats
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.services import sessions
from purldesk.services.handle import Command
from purldesk.services.handle import handle as handle_command

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["bar_chart"] = charts.bar_chart
TEMPLATES.env.globals["share_chart"] = charts.share_chart
TEMPLATES.env.globals["percent"] = percent
formats.install(TEMPLATES.env)
R = TypeVar("R")
V = TypeVar("V")

# What a redirect after a successful form says, by code; `ref` is shown escaped.
DONE = {
    "moved": "Line {ref} moved.",
    "edited": "Line {ref} changed.",
    "withdrawn": "Line {ref} withdrawn from the list.",
    "submitted": "Cycle {ref} submitted for endorsement.",
    "endorsed": "Cycle {ref} endorsed.",
    "opened": "Cycle {ref} opened as a draft, with an empty list.",
    "carried": "Cycle {ref} opened as a draft, carrying the unfunded lines of the cycle chosen.",
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
    "restricted": "Who sees the contents of {ref} is updated.",
    "shipped": "Shipment {ref} recorded.",
    "confirmed": "Receipt of shipment {ref} confirmed.",
}
Errors = dict[str, str]


def render(
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


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


def problem(request: Request, user: WebUser | None, error: PurldeskError) -> HTMLResponse:
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 403
    return render(request, "problem.html", user, status=status, message=str(error))


def redirect(path: str, done: str, ref: str) -> RedirectResponse:
    return RedirectResponse(
        f"{path}{'&' if '?' in path else '?'}{urlencode({'done': done, 'ref': ref})}",
        status_code=303,
    )


class Answered(Exception):
    """The page that answers a request instead of its route, such as the login page or a
    refusal; the app sends it as it is (`answer`)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def answer(_request: Request, exc: Exception) -> Response:
    """The app's handler of `Answered`."""
    if not isinstance(exc, Answered):
        raise exc
    return exc.response


def signed_in(request: Request) -> WebUser:
    """The user of the request's session; Answered with the login page if there is none."""
    user = auth.current_user(request)
    if user is None:
        raise Answered(to_login(request))
    return user


async def posted(request: Request) -> tuple[WebUser, dict[str, str]]:
    """The signed-in user and its posted form; Answered with the login page for no session,
    with a refusal for a form without its CSRF token or with a control character (`form`)."""
    user = signed_in(request)
    fields = await form(request, user)
    if isinstance(fields, Response):
        raise Answered(fields)
    return user, fields


def found(
    request: Request,
    user: WebUser,
    read: Callable[[], V],
    refused: type[PurldeskError] | tuple[type[PurldeskError], ...] = NotFound,
) -> V:
    """What `read` gives; Answered with the problem page if it raises one of `refused`."""
    try:
        return read()
    except refused as error:
        raise Answered(problem(request, user, error)) from error


async def form(request: Request, user: WebUser) -> dict[str, str] | Response:
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
        return render(request, "problem.html", user, status=422, message=str(error))
    return fields


def handle(request: Request, user: WebUser, command: Command[R]) -> R:
    """Handle one command for the signed-in user, as the API does (without a key: a form
    posted twice is two writes, as the user asked)."""
    application = wired(request)
    context = application.context(user.actor, request.state.request_id)
    return handle_command(application.uow(), command, context=context).value


def note_refusal(
    errors: Errors,
    error: PurldeskError,
    *,
    form: str = "form",
    fields: Collection[str] = (),
    prefix: str = "",
) -> None:
    """Put a command's refusal on the form: invalid input next to its field when the form has
    it (`prefix` + field), anything else next to `form`."""
    if isinstance(error, InvalidInput):
        errors[prefix + error.field if error.field in fields else form] = error.message
    else:
        errors[form] = str(error)


def date(text: str, field: str, errors: Errors, default: datetime.date) -> datetime.date:
    if not text.strip():
        return default
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = "is not a date (YYYY-MM-DD)"
        return default


def today(application: Application) -> datetime.date:
    return application.clock.now().date()


def _csrf_refused(request: Request, user: WebUser) -> HTMLResponse:
    return render(
        request, "problem.html", user, status=403,
        message="The form expired or did not come from this site; reload the page and try again.",
    )  # fmt: skip


def confirmed(fields: Mapping[str, str]) -> bool:
    """Whether a destructive form's box "I confirm" (`confirm_box`) was ticked."""
    return fields.get("confirm") == "yes"


def count(text: str) -> int | None:
    """A whole number as people type it ("40,000"), or None."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    return int(cleaned) if re.fullmatch(r"\d{1,9}", cleaned) else None
