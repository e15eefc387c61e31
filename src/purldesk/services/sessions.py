"""Dashboard sessions: started by a password login, kept in the database, ended by logout.

A session id is a 256-bit random secret held in the browser's cookie; only its SHA-256 is
stored, so a copy of the database cannot be replayed as a login. Rows live in the database,
not in a process, so any number of server processes recognise the same session. Each session
carries its own CSRF token, which every form posted in it must repeat.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from purldesk.domain.access import Actor, NotAuthenticated, UserId
from purldesk.domain.sessions import WebSession
from purldesk.services import users
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Started:
    """What the browser gets: the session id (for the cookie) and the form token."""

    session_id: str
    csrf_token: str


def digest_of(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(
    uow: UnitOfWork,
    *,
    user_id: UserId,
    at: datetime,
    lifetime: timedelta,
    new_secret: Callable[[], str] = users.random_secret,
) -> Started:
    session_id, csrf = new_secret(), new_secret()
    with uow:
        uow.web_sessions.add(WebSession(digest_of(session_id), user_id, csrf, at, at + lifetime))
        uow.commit()
    return Started(session_id, csrf)


def resolve(uow: UnitOfWork, *, session_id: str, at: datetime) -> tuple[Actor, str]:
    """The actor of a live session and its CSRF token; NotAuthenticated otherwise."""
    with uow:
        found = uow.web_sessions.find(digest_of(session_id))
        if found is None or not found.is_live_at(at):
            raise NotAuthenticated("unknown, expired or ended session")
        user = uow.users.get(found.user_id)
        if not user.is_active:
            raise NotAuthenticated(f"revoked user {user.name}")
        return user.as_actor(), found.csrf_token


def end(uow: UnitOfWork, *, session_id: str, at: datetime) -> None:
    with uow:
        uow.web_sessions.end(digest_of(session_id), at=at)
        uow.commit()


def is_csrf_token(presented: str, expected: str) -> bool:
    return hmac.compare_digest(presented.encode(), expected.encode())
