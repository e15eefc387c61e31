"""Errors as RFC 9457 problem documents: one table from error class to status, no stack traces."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from purldesk.domain.access import (
    IdempotencyKeyReused,
    NotAuthenticated,
    TooManyAttempts,
)
from purldesk.domain.errors import (
    Conflict,
    FxRateUnavailable,
    ImportRejected,
    InvalidInput,
    LedgerError,
    NotFound,
    NotPermitted,
    PurldeskError,
    StorageUnavailable,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("purldesk.api")

# One table from error class to HTTP status; the first class that matches wins.
STATUS_CODES: list[tuple[type[PurldeskError], int]] = [
    (NotAuthenticated, 401),
    (TooManyAttempts, 429),
    (StorageUnavailable, 503),
    (IdempotencyKeyReused, 422),
    (InvalidInput, 422),
    (FxRateUnavailable, 422),
    (NotFound, 404),
    (NotPermitted, 403),
    (Conflict, 409),
    (LedgerError, 409),
    (PurldeskError, 400),
]


class Finding(BaseModel):
    line: int | None = None
    field: str | None = None
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem; `error` is purldesk's error class, `field` the input at fault."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    error: str
    field: str | None = None
    instance: str | None = None
    request_id: str | None = None
    findings: list[Finding] = Field(default_factory=list)


def status_of(error: PurldeskError) -> int:
    return next(code for cls, code in STATUS_CODES if isinstance(error, cls))


def problem_response(
    request: Request,
    *,
    status: int,
    error: str,
    detail: str,
    field: str | None = None,
    findings: list[Finding] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    document = Problem(
        title=HTTPStatus(status).phrase, status=status, detail=detail, error=error, field=field,
        instance=request.url.path, request_id=getattr(request.state, "request_id", None),
        findings=findings or [],
    )  # fmt: skip
    return JSONResponse(
        document.model_dump(mode="json"), status_code=status, media_type=PROBLEM_JSON,
        headers=headers,
    )  # fmt: skip


def _purldesk_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PurldeskError)
    status = status_of(error)
    headers: dict[str, str] = {}
    if isinstance(error, NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, TooManyAttempts | StorageUnavailable):
        headers["Retry-After"] = str(error.retry_after_s)
    findings = None
    if isinstance(error, ImportRejected):
        findings = [Finding(line=e.line, field=e.field, message=e.message) for e in error.errors]
    field = error.field if isinstance(error, InvalidInput) else None
    return problem_response(
        request, status=status, error=type(error).__name__, detail=str(error), field=field,
        findings=findings, headers=headers or None,
    )  # fmt: skip


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    findings = [
        Finding(field=_field(e.get("loc", ())), message=str(e.get("msg", "")))
        for e in error.errors()
    ]
    first = findings[0] if findings else Finding(message="invalid request")
    return problem_response(
        request, status=422, error="InvalidInput",
        detail=f"{first.field}: {first.message}" if first.field else first.message,
        field=first.field, findings=findings,
    )  # fmt: skip


def _field(loc: Any) -> str | None:
    """('body', 'amount') -> 'amount'; ('header', 'idempotency-key') -> 'Idempotency-Key'."""
    parts = [str(p) for p in loc]
    if not parts:
        return None
    if parts[0] == "header" and len(parts) > 1:
        return "-".join(word.capitalize() for word in parts[1].split("-"))
    if parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    return ".".join(parts) or None


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers) if error.headers else {}
    if error.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(
        request, status=error.status_code, error="HTTPError", detail=str(error.detail),
        headers=headers or None,
    )  # fmt: skip


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on this path; Starlette's own 405 names one route's."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods - {"HEAD"}
    return sorted(methods)


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # Logged with its traceback for operators; the client gets the request id, never the trace.
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(
        request, status=500, error="InternalError",
        detail="an unexpected error occurred; quote the request id when reporting it",
    )  # fmt: skip


def install(app: FastAPI) -> None:
    app.add_exception_handler(PurldeskError, _purldesk_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


# Declared on every API route, so clients and schemathesis know each problem's shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": HTTPStatus(code).phrase}
    for code in (400, 401, 403, 404, 409, 422, 429, 503)
}
