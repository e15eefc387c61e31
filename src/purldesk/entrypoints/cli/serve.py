"""`purldesk serve`: the web application on http://127.0.0.1:8000."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import DbOption, console


def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to bind (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8000).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, help="Server processes; they share nothing but the database."
        ),
    ] = 1,
    db: DbOption = None,
) -> None:
    """Serve the dashboard until interrupted."""
    import uvicorn

    from purldesk.config import load_settings
    from purldesk.entrypoints.web.app import create_app

    settings = load_settings(database_url=db)
    bind_host = host or settings.server.host
    bind_port = port or settings.server.port
    console.print(
        f"purldesk on http://{bind_host}:{bind_port}/ (database {settings.database_url}); Ctrl+C stops it"
    )
    console.print("the overview is public: no login is needed to read it")
    if workers == 1:
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="warning")
        return
    # Each worker builds its own app from the environment, so hand the database on there.
    os.environ["PURLDESK_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "purldesk.entrypoints.web.app:create_app_from_environment", factory=True,
        host=bind_host, port=bind_port, workers=workers, log_level="warning",
    )  # fmt: skip
