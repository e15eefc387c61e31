"""The overview (what the signed-in user may see, or the public view) and the public page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.domain.access import PUBLIC
from purldesk.entrypoints.web import auth, render
from purldesk.entrypoints.web.auth import wired
from purldesk.services.views import overview, transparency

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    user = auth.current_user(request)
    application = wired(request)
    viewer = user.actor.viewer if user else PUBLIC
    view = overview.overview(application.reader(), viewer=viewer, today=render.today(application))
    return render.render(
        request, "overview.html", user, active="overview", view=view, public=user is None
    )


@router.get("/public", response_class=HTMLResponse)
def public(request: Request, cycle: str | None = None) -> Response:
    application = wired(request)
    view = transparency.transparency(
        application.reader(), today=render.today(application), cycle_name=cycle
    )
    return render.render(
        request,
        "overview.html",
        auth.current_user(request),
        active="public",
        view=view,
        public=True,
    )
