"""Dashboard login: a signed session-id cookie, sessions in the database, a CSRF token per form.

The cookie holds `<session id>.<HMAC-SHA256 of it under the session secret>`: a forged or
truncated cookie is refused without a database read. It is HttpOnly and SameSite=Lax, and
Secure when the request came over https (or as configured). Every POST form carries the
session's CSRF token; the login form, before any session exists, carries a token that must
match a short-lived cookie of its own (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, NotAuthenticated
from purldesk.services import sessions

log = logging.getLogger("purldesk.auth")

SESSION_COOKIE = "purldesk_session"
LOGIN_COOKIE = "purldesk_login"


@dataclass(frozen=True, slots=True)
class WebUser:
    """The logged-in actor and the CSRF token its forms must carry."""

    actor: Actor
    csrf_token: str


def wired(request: Request) -> Application:
    application: Application = request.app.state.purldesk
    return application


def _sign(application: Application, value: str) -> str:
    secret = application.settings.web.session_secret.get_secret_value().encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def _unsign(application: Application, cookie: str) -> str | None:
    value, _, signature = cookie.rpartition(".")
    if not value or not hmac.compare_digest(signature, _sign(application, value)):
        return None
    return value


def _secure(request: Request, application: Application) -> bool:
    configured = application.settings.web.secure_cookies
    return request.url.scheme == "https" if configured is None else configured


def current_user(request: Request) -> WebUser | None:
    """The user of a live session, or None (no cookie, bad signature, ended or expired)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    application = wired(request)
    session_id = _unsign(application, cookie)
    if session_id is None:
        return None
    try:
        actor, csrf = sessions.resolve(
            application.uow(), session_id=session_id, at=application.clock.now()
        )
    except NotAuthenticated:
        return None
    return WebUser(actor, csrf)


def set_session(request: Request, response: Response, started: sessions.Started) -> None:
    application = wired(request)
    hours = application.settings.web.session_hours
    response.set_cookie(
        SESSION_COOKIE, f"{started.session_id}.{_sign(application, started.session_id)}",
        max_age=int(timedelta(hours=hours).total_seconds()), httponly=True, samesite="lax",
        secure=_secure(request, application), path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/login")


def end_session(request: Request, response: Response) -> None:
    application = wired(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    session_id = _unsign(application, cookie) if cookie else None
    if session_id is not None:
        sessions.end(application.uow(), session_id=session_id, at=application.clock.now())
    response.delete_cookie(SESSION_COOKIE, path="/")


def login_token(request: Request) -> str:
    """The login form's CSRF token: the cookie's, or a fresh one to be set with the form."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def set_login_token(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
        secure=_secure(request, wired(request)), path="/login",
    )  # fmt: skip


def is_login_token(request: Request, presented: str) -> bool:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    return bool(expected) and sessions.is_csrf_token(presented, expected)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"
