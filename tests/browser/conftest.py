"""Browser tests: Debian's Chromium, driven by Playwright, against the dashboard served live.

Each test module gets its own copy of one demo database (built once per run, plus a
draft cycle for the recipient to reorder) and its own server on a free port; each role logs
in once per module and its storage state (the session cookie) is reused by every test.

The server is what `purldesk serve` runs with one worker (the same app, settings and uvicorn
options), in a thread of the test process: a process per module would start Python and import
the application again each time. The command itself is started as a process by
tests/cli/test_cli_serve_socket.py, test_api_forwarded_headers.py, test_api_two_workers.py
and the crash tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_flows import DRAFT_CYCLE, SECRET_AMOUNT, log_in

import scenario_world
from database_world import CHEAP_PASSWORDS, SqliteFiles
from purldesk.bootstrap import build
from purldesk.config import load_settings
from purldesk.services import catalog, contributions, requirements
from purldesk.services.requirements import LineRow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
IN_CI = os.environ.get("CI", "").lower() == "true"
AT = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            pytest.fail("playwright is not installed: pip install -e '.[dev]'", pytrace=False)
        return
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing; apt-get install chromium")


@pytest.fixture(scope="session")
def demo_file(sqlite_files: SqliteFiles) -> Path:
    """The demo database, plus a draft cycle of five lines and a confidential Korean pledge,
    built once per run: copy it."""
    _chromium_or_skip()
    return sqlite_files.seed("the browser tests' demo", build_browser_demo)


def build_browser_demo(url: str) -> None:
    # Cheap argon2 hashes: the server's first login per role rehashes to its own parameters.
    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        scenario_world.build(wired)
        cycle = requirements.open_cycle(wired.uow(), name=DRAFT_CYCLE, opens_on=date(2025, 10, 1))
        items = catalog.list_all(wired.uow())[:5]
        rows = [
            LineRow(n, f"D-{n}", n, item.code, item.lot_size, date(2026, 3, 31), "demo draft")
            for n, item in enumerate(items, start=1)
        ]
        requirements.import_lines(wired.uow(), cycle_id=cycle.id, rows=rows, at=AT, by="UKR")
        secret = contributions.pledge(
            wired.uow(), contributor="KOR", amount=SECRET_AMOUNT, pledged_on=date(2025, 12, 5),
            at=AT, confidential=True, purpose="confidential test pledge",
        )  # fmt: skip
        contributions.receive(
            wired.uow(), wired.fx, contribution_id=secret.id, received_on=date(2025, 12, 5), at=AT
        )
    finally:
        wired.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_up(url: str, thread: threading.Thread, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the server's thread ended before it answered")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # the server is starting; not a test timing assertion
    raise RuntimeError("the server did not answer in time")


@pytest.fixture(scope="module")
def database(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("db") / "purldesk.sqlite3"
    shutil.copyfile(demo_file, copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[str]:
    """The dashboard served on a free port, on this module's database, as `purldesk serve`
    serves it with one worker (see the module's docstring)."""
    import uvicorn

    from purldesk.entrypoints.api.edges import forwarding
    from purldesk.entrypoints.web.app import create_app

    settings = load_settings(database_url=database)
    app = create_app(settings)
    port = _free_port()
    served = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", **forwarding(settings)
        )
    )
    # Its own thread and event loop: Playwright's loop runs in the main thread.
    thread = threading.Thread(target=served.run, name=f"serve-{port}", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, thread)
        yield url
    finally:
        served.should_exit = True
        thread.join(timeout=10)
        app.state.purldesk.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def states(browser: Any, server: str) -> dict[str, Any]:
    """Storage state (the session cookie) per user name, logged in once per module."""
    return {}


@pytest.fixture
def page_as(browser: Any, server: str, states: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """A page logged in as `name` (desktop 1280×800 unless a viewport is given)."""
    contexts: list[Any] = []

    def make(name: str, *, viewport: dict[str, int] | None = None) -> Any:
        if name not in states:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            log_in(page, server, name)
            page.get_by_role("button", name="Log out").wait_for()
            states[name] = context.storage_state()
            context.close()
        context = browser.new_context(
            storage_state=states[name], viewport=viewport or {"width": 1280, "height": 800}
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def anonymous(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()
