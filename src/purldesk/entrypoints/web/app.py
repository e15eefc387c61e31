"""The web application: a read-only public overview (the API and dashboard grow from here)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from purldesk.bootstrap import Application, build
from purldesk.config import Settings, load_settings
from purldesk.entrypoints.api import app as api
from purldesk.services import overview

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(settings: Settings, *, wired: Application | None = None) -> FastAPI:
    application = wired or build(settings)
    app = FastAPI(title="purldesk", docs_url=None, redoc_url=None, openapi_url=api.OPENAPI_URL)
    api.install(app, application)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        view = overview.public_overview(application.uow())
        return TEMPLATES.TemplateResponse(request, "overview.html", {"view": view})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def create_app_from_environment() -> FastAPI:
    """The factory each worker process calls (`uvicorn --factory`): settings from PURLDESK_*."""
    return create_app(load_settings())
