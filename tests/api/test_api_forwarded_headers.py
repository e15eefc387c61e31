"""X-Forwarded-For is believed only from configured proxies: the failed-login limit keys on the
client's address, so a header anyone can set must not choose it.

The server runs as `purldesk serve` would run it (its forwarding options are taken from the
command), on loopback, and clients connect from distinct loopback addresses.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from api_world import World
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app as cli

# uvicorn on its own believes the header from 127.0.0.1; here that is the attacker.
ATTACKER, VICTIM, PROXY = "127.0.0.1", "127.0.0.3", "127.0.0.2"
BAD = {"Authorization": "Bearer pd_0000_wrong"}


def serve_options(
    world: World, monkeypatch: pytest.MonkeyPatch, trusted_proxies: list[str]
) -> dict[str, Any]:
    """The forwarding options `purldesk serve` hands uvicorn, given the settings."""
    if trusted_proxies:
        monkeypatch.setenv("PURLDESK_SERVER__TRUSTED_PROXIES", json.dumps(trusted_proxies))
    given: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **options: given.update(options))
    result = CliRunner().invoke(cli, ["serve", "--db", world.wired.settings.database_url])
    assert result.exit_code == 0, result.output
    return {name: given[name] for name in ("proxy_headers", "forwarded_allow_ips")}


@contextmanager
def serving(world: World, options: dict[str, Any]) -> Iterator[Callable[[str], httpx.Client]]:
    """The world's app served over TCP; yields a maker of clients bound to a source address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            world.client.app, host="127.0.0.1", port=port, log_level="warning", **options
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    clients: list[httpx.Client] = []

    def client_from(address: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=address)
        clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", transport=transport))
        return clients[-1]

    try:
        yield client_from
    finally:
        for client in clients:
            client.close()
        server.should_exit = True
        thread.join(timeout=10)


def me(client: httpx.Client, headers: dict[str, str]) -> int:
    return client.get("/api/v1/me", headers=headers).status_code


def test_rotating_x_forwarded_for_does_not_escape_the_failure_limit(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(max_failures=3)
    with serving(world, serve_options(world, monkeypatch, [])) as client_from:
        attacker = client_from(ATTACKER)
        statuses = [me(attacker, {**BAD, "X-Forwarded-For": f"10.0.0.{i}"}) for i in range(5)]

    assert statuses == [401, 401, 401, 429, 429]


def test_forging_a_victims_address_does_not_lock_the_victim_out(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(max_failures=3)
    with serving(world, serve_options(world, monkeypatch, [])) as client_from:
        attacker, victim = client_from(ATTACKER), client_from(VICTIM)
        for _ in range(5):
            me(attacker, {**BAD, "X-Forwarded-For": VICTIM})

        assert me(victim, world.headers("auditor")) == 200
        assert me(attacker, world.headers("auditor")) == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(max_failures=3)
    with serving(world, serve_options(world, monkeypatch, [PROXY])) as client_from:
        proxy, stranger = client_from(PROXY), client_from(ATTACKER)
        statuses = [me(proxy, {**BAD, "X-Forwarded-For": "203.0.113.7"}) for _ in range(4)]

        assert statuses == [401, 401, 401, 429]
        assert me(proxy, {**world.headers("auditor"), "X-Forwarded-For": "203.0.113.8"}) == 200
        # A peer that is not the proxy is still keyed by its own address, whatever it says.
        assert me(stranger, {**world.headers("auditor"), "X-Forwarded-For": "203.0.113.8"}) == 200
        assert me(stranger, {**world.headers("auditor"), "X-Forwarded-For": "203.0.113.7"}) == 200
