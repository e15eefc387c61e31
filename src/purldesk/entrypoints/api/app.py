"""The HTTP API under /api/v1, mounted on the web application by `install`."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.responses import Response

from purldesk.bootstrap import Application
from purldesk.entrypoints.api import deps, edges, errors
from purldesk.entrypoints.api.routers import (
    allocations,
    changes,
    contributions,
    fx,
    ledger,
    lists,
    ocds,
    packages,
    planning,
    policies,
    reference,
    reports,
)

PREFIX = "/api/v1"
OPENAPI_URL = f"{PREFIX}/openapi.json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


# The routers of the API, each serving its paths under PREFIX.
ROUTERS = (
    reference.router,
    fx.router,
    lists.router,
    contributions.router,
    packages.router,
    allocations.router,
    policies.router,
    ledger.router,
    reports.router,
    planning.router,
    ocds.router,
    changes.router,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, dependencies=[Depends(deps.plain_parameters)])
    for module_router in ROUTERS:
        router.include_router(module_router)
    return router


def install(app: FastAPI, application: Application) -> None:
    """Mount the API, its error handling and request ids on `app`, wired to `application`."""
    app.state.purldesk = application
    errors.install(app)
    edges.install(app)  # inside the request id's middleware, so a 413 carries the id
    app.include_router(api_router())

    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # A client's own id is kept (so it can find its request in the audit log), if sane.
        given = request.headers.get("X-Request-ID", "")
        request.state.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title="purldesk API", version="1", routes=app.routes,
                description="Pooled funding of a prioritized requirements list. "
                "Authenticate with `Authorization: Bearer TOKEN`; every POST takes an "
                "`Idempotency-Key`; errors are RFC 9457 problem documents.",
            )  # fmt: skip
            app.openapi_schema = _problems_as_problem_json(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problems_as_problem_json(schema: dict[str, Any]) -> dict[str, Any]:
    """Error responses are served as application/problem+json; say so in the description."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code.startswith(("4", "5")) and "application/json" in content:
                    response["content"] = {errors.PROBLEM_JSON: content["application/json"]}
    return schema
