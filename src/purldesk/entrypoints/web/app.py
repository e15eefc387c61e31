"""The web application: the dashboard (server-rendered pages), the public overview, the API."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from purldesk.bootstrap import Application, build
from purldesk.config import Settings, load_settings
from purldesk.entrypoints.api import app as api
from purldesk.entrypoints.api.deps import plain_parameters
from purldesk.entrypoints.web import render, routes

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, *, wired: Application | None = None) -> FastAPI:
    application = wired or build(settings)
    app = FastAPI(title="purldesk", docs_url=None, redoc_url=None, openapi_url=api.OPENAPI_URL)
    api.install(app, application)
    app.state.passwords = application.passwords
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(routes.router, dependencies=[Depends(plain_parameters)])
    app.add_exception_handler(render.Answered, render.answer)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """Where browsers look for the icon unless a page names one (ours name the SVG)."""
        return FileResponse(
            STATIC / "favicon.ico", media_type="image/x-icon",
            headers={"Cache-Control": "public, max-age=86400"},
        )  # fmt: skip

    return app


def create_app_from_environment() -> FastAPI:
    """The factory each worker process calls (`uvicorn --factory`): settings from PURLDESK_*."""
    return create_app(load_settings())
