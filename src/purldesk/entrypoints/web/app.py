"""The web application: a read-only public overview (the API and dashboard grow from here)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from purldesk.bootstrap import Application, build
from purldesk.config import Settings
from purldesk.services import overview

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(settings: Settings, *, wired: Application | None = None) -> FastAPI:
    application = wired or build(settings)
    app = FastAPI(title="purldesk", docs_url=None, redoc_url=None)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        view = overview.public_overview(application.uow())
        return TEMPLATES.TemplateResponse(request, "overview.html", {"view": view})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
