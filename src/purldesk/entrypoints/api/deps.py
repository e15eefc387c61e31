"""What routes depend on: the wired application, the authenticated actor, paging."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, NotAuthenticated, Permission, authorize
from purldesk.domain.errors import NotFound
from purldesk.domain.text import CONTROL_CHARACTER, check_text
from purldesk.services import users

log = logging.getLogger("purldesk.auth")
T = TypeVar("T")
R = TypeVar("R")

_bearer = HTTPBearer(auto_error=False, description="An API token from `purldesk users add`.")


def wired(request: Request) -> Application:
    application: Application = request.app.state.purldesk
    return application


Wired = Annotated[Application, Depends(wired)]


def plain_parameters(request: Request) -> None:
    """A control character in a path parameter names nothing there is (404); in a query
    parameter it is refused (422). Like an unmatched path, this is answered before login."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and CONTROL_CHARACTER.search(value):
            raise NotFound(name, value)
    for name, value in request.query_params.multi_items():
        check_text(name, value)


def current_actor(
    request: Request,
    application: Wired,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The user the bearer token stands for, authenticated once per request; every failure is
    counted and logged. The client is the peer's address: a forwarded one only if the server
    was told to trust the peer as a proxy (`server.trusted_proxies`)."""
    admitted: Actor | None = getattr(request.state, "actor", None)
    if admitted is not None:
        return admitted
    client = request.client.host if request.client else "unknown"
    auth = application.settings.auth
    try:
        actor = users.authenticate(
            application.uow(), token=None if credentials is None else credentials.credentials,
            client=client, at=application.clock.now(),
            pepper=auth.token_pepper.get_secret_value().encode(),
            limit=users.FailureLimit(auth.max_failures, auth.failure_window_s),
        )  # fmt: skip
    except NotAuthenticated as error:
        log.warning(
            "authentication failed: client=%s request=%s path=%s reason=%s",
            client, request.state.request_id, request.url.path, error.reason,
        )  # fmt: skip
        raise
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def allowed(permission: Permission) -> Callable[[Actor], Actor]:
    """A dependency admitting only roles with `permission`."""

    def check(actor: CurrentActor) -> Actor:
        authorize(actor, permission)
        return actor

    return check


async def admit(request: Request, permission: Permission) -> None:
    """What a write route checks before it reads its body, in the order its dependencies
    would: plain parameters, then the actor, then the actor's role."""
    plain_parameters(request)
    credentials = await _bearer(request)
    actor = await run_in_threadpool(current_actor, request, wired(request), credentials)
    authorize(actor, permission)


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]


@dataclass(frozen=True, slots=True)
class Listing:
    """What a list route reads with: the admitted actor, the application, the page asked for."""

    actor: Actor
    application: Application
    paging: Paging

    def page(self, items: Sequence[T], convert: Callable[[T], R]) -> dict[str, Any]:
        """One page of already filtered and redacted items, converted for the response."""
        paging = self.paging
        chosen = items[paging.offset : paging.offset + paging.limit]
        return self.cut(chosen, len(items), convert)

    def cut(self, chosen: Sequence[T], total: int, convert: Callable[[T], R]) -> dict[str, Any]:
        """The page asked for, already cut (in SQL) from `total` items, converted."""
        return {
            "items": [convert(item) for item in chosen],
            "total": total,
            "limit": self.paging.limit,
            "offset": self.paging.offset,
        }


def allowed_listing(permission: Permission) -> Callable[..., Listing]:
    """A dependency of a list route, admitting only roles with `permission`."""

    # The actor's dependency is a default, not an annotation: annotations are read as text in
    # this module's namespace, where `permission` is not a name.
    admitted = Depends(allowed(permission))

    def read(application: Wired, paging: PagingDep, actor: Actor = admitted) -> Listing:
        return Listing(actor, application, paging)

    return read


def today_or(application: Application, day: date | None) -> date:
    return day if day is not None else application.clock.now().date()


# Ids are int32 columns; a bound here turns a huge id into 422, not a database error.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
# An id to filter a list by, bounded as a path's: a larger number names nothing stored.
IdFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
