"""The ledger page and its verification form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.domain.access import Permission, authorize
from purldesk.domain.errors import PurldeskError
from purldesk.entrypoints.web import render
from purldesk.entrypoints.web.auth import wired
from purldesk.services import ledger

router = APIRouter(include_in_schema=False)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request) -> Response:
    user = render.signed_in(request)
    return render.render(request, "ledger.html", user, active="ledger", result=None)


@router.post("/ledger/verify", response_class=HTMLResponse)
async def verify(request: Request) -> Response:
    user, _ = await render.posted(request)
    try:
        authorize(user.actor, Permission.VERIFY_LEDGER)
    except PurldeskError as error:
        return render.problem(request, user, error)
    application = wired(request)
    checked, findings = ledger.verify(application.uow(), signer=application.signer)
    return render.render(
        request, "ledger.html", user, active="ledger",
        result={"checked": checked, "findings": findings},
    )  # fmt: skip
