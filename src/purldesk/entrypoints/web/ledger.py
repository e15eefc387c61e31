"""The ledger page (entries, balances as of a day, the audit log) and its verification form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.domain.access import Permission, authorize
from purldesk.domain.errors import InvalidInput, PurldeskError
from purldesk.entrypoints.web import render
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.entrypoints.web.render import Errors
from purldesk.services import ledger
from purldesk.services.views import balances, paging
from purldesk.services.views import ledger as ledger_pages

router = APIRouter(include_in_schema=False)

# The page's parameters: the day balances are summed to, and the page of each list.
PARAMS = ("as_of", "entries", "accounts", "audit")


def _asked(request: Request, params: Mapping[str, str], errors: Errors) -> ledger_pages.LedgerAsked:
    """What the parameters ask for; a field at fault goes into `errors` and is ignored."""
    numbers: dict[str, int] = {}
    for name in ("entries", "accounts", "audit"):
        try:
            numbers[name] = paging.page_number(params.get(name), field=name)
        except InvalidInput as error:
            errors[name], numbers[name] = error.message, 1
    asked = ledger_pages.LedgerAsked(
        entries=numbers["entries"], accounts=numbers["accounts"], audit=numbers["audit"]
    )
    typed = params.get("as_of", "").strip()
    today = render.today(wired(request))
    day = render.date(typed, "as_of", errors, today) if typed else None
    if day is None or "as_of" in errors:
        return asked
    try:
        # The day's end, as the API's and the command line's balances as of a day count it.
        return replace(asked, as_of=day, before=balances.end_of(day, today=today))
    except InvalidInput as error:
        errors["as_of"] = error.message
        return asked


def _page(
    request: Request, user: WebUser, params: Mapping[str, str], *, status: int = 200,
    errors: Errors | None = None, **extra: Any,
) -> Response:  # fmt: skip
    errors = {} if errors is None else errors
    asked = _asked(request, params, errors)
    reader, viewer = wired(request).reader(), user.actor.viewer
    view = render.found(
        request, user, lambda: ledger_pages.ledger_page(reader, viewer=viewer, asked=asked),
        PurldeskError,
    )  # fmt: skip
    kept = {name: params[name] for name in PARAMS if params.get(name) and name not in errors}
    return render.render(
        request, "ledger.html", user, status=422 if errors else status, active="ledger",
        view=view, params=kept, errors=errors, values={"as_of": params.get("as_of", "")},
        **extra,
    )  # fmt: skip


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request) -> Response:
    user = render.signed_in(request)
    return _page(request, user, request.query_params, result=None)


@router.post("/ledger/verify", response_class=HTMLResponse)
async def verify(request: Request) -> Response:
    user, fields = await render.posted(request)
    try:
        authorize(user.actor, Permission.VERIFY_LEDGER)
    except PurldeskError as error:
        return render.problem(request, user, error)
    application = wired(request)
    checked, findings = ledger.verify(application.uow(), signer=application.signer)
    return _page(request, user, fields, result={"checked": checked, "findings": findings})
