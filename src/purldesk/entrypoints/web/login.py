"""Signing in and out of the dashboard: the login page and form, and the logout form."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, NotAuthenticated, TooManyAttempts
from purldesk.domain.errors import InvalidInput
from purldesk.domain.text import CONTROL_CHARACTER, check_text
from purldesk.entrypoints.web import auth, render
from purldesk.entrypoints.web.auth import wired
from purldesk.entrypoints.web.render import Errors
from purldesk.services import sessions, users

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    local = target.startswith("/") and not target.startswith("//")
    return target if local and not CONTROL_CHARACTER.search(target) else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    token = auth.login_token(request)
    response = render.render(
        request, "login.html", None, token=token, next=_safe_next(next), name=""
    )
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
        response: Response = render.render(
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
    form = None if user is None else await render.form(request, user)
    if isinstance(form, Response):
        return form
    response = RedirectResponse("/login", status_code=303)
    auth.end_session(request, response)
    return response
