"""`purldesk serve`: the web application on http://127.0.0.1:8000."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import console
from purldesk.entrypoints.cli.options import DbOption


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
    from purldesk.entrypoints.api.edges import forwarding
    from purldesk.entrypoints.web.app import create_app

    settings = load_settings(database_url=db)
    bind_host = host or settings.server.host
    bind_port = port or settings.server.port
    _refuse_a_taken_address(bind_host, bind_port)
    console.print(
        f"purldesk on http://{bind_host}:{bind_port}/ (database {settings.database_url}); Ctrl+C stops it"
    )
    console.print("the public page needs no login: /public")
    _print_demo_logins(settings.database_url)
    if workers == 1:
        uvicorn.run(
            create_app(settings), host=bind_host, port=bind_port, log_level="warning",
            **forwarding(settings),
        )  # fmt: skip
        return
    # Each worker builds its own app from the environment, so hand the database on there.
    os.environ["PURLDESK_DATABASE_URL"] = settings.database_url
    config = uvicorn.Config(
        "purldesk.entrypoints.web.app:create_app_from_environment", factory=True,
        host=bind_host, port=bind_port, workers=workers, log_level="warning",
        **forwarding(settings),
    )  # fmt: skip
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=[listening_socket(bind_host, bind_port)]).run()


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket the workers share, created with its protocol named.

    uvicorn's own is `socket.socket(family)`, whose `proto` is 0; asyncio sets TCP_NODELAY only
    on connections whose `proto` is IPPROTO_TCP, so without it every keep-alive response
    waits about 40 ms for the client's delayed acknowledgement (Nagle's algorithm).
    """
    family, *_, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


def _refuse_a_taken_address(host: str, port: int) -> None:
    """One clear line, before anything starts, when the address cannot be listened on."""
    from purldesk.domain.errors import Conflict, InvalidInput

    try:
        family, *_, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise InvalidInput(
            "--host", f"{host!r} is not an address here ({error.strerror})"
        ) from None
    try:
        socket.create_server(address, family=family).close()
    except OSError as error:
        raise Conflict(
            f"cannot listen on {host}:{port} ({os.strerror(error.errno or 0)}); another server "
            "may hold it: "
            "stop it, or choose another port with --port or PURLDESK_SERVER__PORT"
        ) from None


def _print_demo_logins(database_url: str) -> None:
    """On the demo database only, say how to log in to the dashboard as each role."""
    from sqlalchemy.exc import SQLAlchemyError

    from purldesk.bootstrap import build
    from purldesk.config import load_settings
    from purldesk.demo import scenario
    from purldesk.domain.errors import PurldeskError

    wired = build(load_settings(database_url=database_url))
    try:
        logins = scenario.demo_logins(wired)
    except (SQLAlchemyError, PurldeskError):  # not migrated yet, or not the demo
        logins = []
    finally:
        wired.close()
    if not logins:
        return
    console.print(
        f"demo database: log in as any of these users with the password "
        f"'{scenario.DEMO_PASSWORD}' (set by `purldesk demo` for the demo only):"
    )
    for name, role in logins:
        console.print(f"  {name:<16} {role}")
