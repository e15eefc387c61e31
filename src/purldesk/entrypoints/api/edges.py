"""The HTTP edge: how much a request body may hold, how deep its JSON may nest, and which
peers' forwarded headers the server believes.

The body limit is counted while the body is read (`BodyLimit`), never after, and only when a
route reads it: a write route checks its actor first (`writes.CommandRoute`), so a caller
without a token is answered 401 having sent nothing that was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from purldesk.config import LimitSettings, Settings
from purldesk.domain.errors import InvalidInput
from purldesk.entrypoints.api.errors import problem_response

_BUDGET = "purldesk.body_budget"


class BodyTooLarge(HTTPException):
    """The request body is longer than its route allows (413)."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        super().__init__(413, f"the request body exceeds the limit of {limit_bytes:,} bytes")


@dataclass(slots=True)
class _Budget:
    """How many bytes of the body may still be read; a route may raise the limit before."""

    limit_bytes: int
    declared_bytes: int | None
    read_bytes: int = 0

    def check(self) -> None:
        if max(self.read_bytes, self.declared_bytes or 0) > self.limit_bytes:
            raise BodyTooLarge(self.limit_bytes)


class BodyLimit:
    """ASGI middleware refusing a body past the configured limit: by its Content-Length at the
    first read, otherwise as soon as the bytes read exceed it, so no more is taken in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.purldesk.settings
        budget = _Budget(settings.limits.body_bytes, _content_length(scope))
        scope[_BUDGET] = budget

        async def counted() -> Message:
            budget.check()
            message = await receive()
            if message["type"] == "http.request":
                budget.read_bytes += len(message.get("body", b""))
                budget.check()
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def allow_import_body(request: Request, limits: LimitSettings) -> None:
    """Let this request's body be as large as an import may be."""
    request.scope[_BUDGET].limit_bytes = limits.import_body_bytes


# A JSON string, escapes included; what is left outside strings holds the brackets that nest.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text, read without parsing it."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_A_BRACKET)
    depth = deepest = 0
    for bracket in brackets:
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def check_json_depth(request: Request, body: bytes, limits: LimitSettings) -> None:
    """A JSON body nested deeper than the limit is refused (422), before it is parsed."""
    if "json" in request.headers.get("content-type", "") and json_depth(body) > limits.json_depth:
        raise InvalidInput("body", f"JSON nested deeper than {limits.json_depth} levels")


def _too_large(request: Request, error: Exception) -> Response:
    """A problem document from the API; a plain page from the dashboard."""
    assert isinstance(error, BodyTooLarge)
    if request.url.path.startswith("/api/"):
        return problem_response(request, status=413, error="BodyTooLarge", detail=error.detail)
    page = f"<!doctype html><title>Request too large</title><p>{error.detail}.</p>"
    return HTMLResponse(page, status_code=413)


def install(app: FastAPI) -> None:
    app.add_middleware(BodyLimit)
    app.add_exception_handler(BodyTooLarge, _too_large)


def forwarding(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for forwarded headers: believed only from the trusted proxies."""
    proxies = list(settings.server.trusted_proxies)
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies}
