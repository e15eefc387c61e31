"""Regenerate docs/img/overview.png and docs/img/package.png from a fresh demo database.

Builds the demo (PURL's history, as `make demo` does) in a temporary directory, serves it on a
free port and photographs the pages with Debian's Chromium at 1280×800.
Run with `make screenshots`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from purldesk.adapters.storage.migrate import upgrade
from purldesk.bootstrap import build
from purldesk.config import load_settings
from purldesk.demo import history, scenario

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


FULL = bool(os.environ.get("SCREENSHOT_FULL_PAGE"))


def _demo(url: str) -> None:
    upgrade(url)
    wired = build(load_settings(database_url=url))
    try:
        history.build(wired)
    finally:
        wired.close()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("SCREENSHOT_DB") or f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        _demo(url)
        port = _port()
        purldesk = Path(sys.executable).with_name("purldesk")
        server = subprocess.Popen(
            [str(purldesk), "serve", "--port", str(port)],
            env={**os.environ, "PURLDESK_DATABASE_URL": url},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{base}/login")
                page.get_by_label("User name").fill("coordinator")
                page.get_by_label("Password").fill(scenario.DEMO_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.get_by_role("button", name="Log out").wait_for()
                OUT.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(OUT / "overview.png"), full_page=FULL)
                page.goto(f"{base}/packages/1")
                page.screenshot(path=str(OUT / "package.png"), full_page=FULL)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {OUT / 'overview.png'} and {OUT / 'package.png'}")  # noqa: T201


if __name__ == "__main__":
    main()
