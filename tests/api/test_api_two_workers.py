"""Two server processes on one PostgreSQL, 50 clients repeating receipts and allocations with
retried idempotency keys: no pool is overdrawn, no posting is duplicated or lost, and the
ledger verifies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_world import PEPPER, make_settings, seed_users

from purldesk.bootstrap import build
from purldesk.domain.money import USD, Money
from purldesk.services import contributions, requirements
from purldesk.services.requirements import LineRow

CLIENTS = 50
REQUESTS_PER_CLIENT = 8
POOLS = 10
POOL_MINOR = 10_000_000  # USD 100,000.00 per contribution
PACKAGE_MINOR = 3_000_000  # three lots of AD-1: a pool pays for three packages, not four
ALLOCATIONS = 60
READY_TIMEOUT_S = 60
PURLDESK = Path(sys.executable).with_name("purldesk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(postgres_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    wired = build(make_settings(postgres_url))
    # The server runs on the real clock, so its tokens must be valid now.
    tokens = seed_users(wired, at=datetime.now(UTC))
    at = datetime(2025, 10, 1, tzinfo=UTC)
    cycle = requirements.open_cycle(wired.uow(), name="2025-10", opens_on=date(2025, 10, 1))
    requirements.import_lines(wired.uow(), cycle_id=cycle.id, at=at, by="setup", rows=[
        LineRow(1, "L-1", 1, "AD-1", 1000, date(2026, 1, 31), "")])  # fmt: skip
    for _ in range(POOLS):
        contributions.pledge(wired.uow(), contributor="NLD", amount=Money(POOL_MINOR, USD),
                             pledged_on=date(2025, 8, 4), at=at)  # fmt: skip
    wired.close()
    port = free_port()
    env = {
        **os.environ,
        "PURLDESK_AUTH__TOKEN_PEPPER": PEPPER,
        "PURLDESK_AUTH__MAX_FAILURES": "100000",
    }
    process = subprocess.Popen(
        [str(PURLDESK), "serve", "--workers", "2", "--port", str(port), "--db", postgres_url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.1)  # polling for readiness only
        yield base, tokens
    finally:
        process.terminate()
        process.wait(timeout=30)


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(key, path, body): every receipt and every allocation; each is sent more than once."""
    receipts = [(f"receive-{c}", f"/api/v1/contributions/{c}/receive", {"on": "2025-08-04"})
                for c in range(1, POOLS + 1)]  # fmt: skip
    allocations = [
        (f"allocate-{j}", "/api/v1/packages", {
            "cycle_id": 1, "name": f"P{j}", "on": "2025-10-01",
            "lines": [{"line_id": 1, "lots": 3}],
            "attributions": [{"contribution_id": j % POOLS + 1, "line_id": 1,
                              "amount_minor": PACKAGE_MINOR}]})
        for j in range(ALLOCATIONS)
    ]  # fmt: skip
    return receipts + allocations


@pytest.mark.postgres
def test_fifty_clients_on_two_workers_never_overdraw_duplicate_or_lose_a_posting(
    server: tuple[str, dict[str, str]],
) -> None:
    base, tokens = server
    ops = operations()
    auth = {"Authorization": f"Bearer {tokens['coordinator']}"}

    def client(number: int) -> list[tuple[str, int, str]]:
        seen = []
        with httpx.Client(base_url=base, headers=auth, timeout=60) as http:
            for k in range(REQUESTS_PER_CLIENT):
                key, path, body = ops[(number * 7 + k * 13) % len(ops)]
                response = http.post(path, json=body, headers={"Idempotency-Key": key})
                seen.append((key, response.status_code, response.text))
        return seen

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = [r for batch in pool.map(client, range(CLIENTS)) for r in batch]

    assert all(status < 500 for _, status, _ in results), [r for r in results if r[1] >= 500]
    assert {status for _, status, _ in results} <= {200, 201, 409}
    succeeded: dict[str, set[str]] = defaultdict(set)
    for key, status, text in results:
        if status in (200, 201):
            succeeded[key].add(text)
    # A key that succeeded always answered with its first response, byte for byte.
    assert all(len(bodies) == 1 for bodies in succeeded.values())

    with httpx.Client(base_url=f"{base}/api/v1", headers={
            "Authorization": f"Bearer {tokens['auditor']}"}) as http:  # fmt: skip
        assert http.get("/ledger/verify").json()["ok"] is True
        balances = http.get("/ledger/balances", params={"limit": 500}).json()["items"]
        packages = http.get("/packages", params={"limit": 500}).json()["items"]
        entries = http.get("/ledger/entries", params={"limit": 500}).json()["items"]

    assert all(b["balance_minor"] >= 0 for b in balances if b["account"].startswith("pool:"))
    # One package per successful allocation key, none for a refused one: nothing duplicated.
    names = Counter(p["name"] for p in packages)
    assert set(names.values()) <= {1}
    assert set(names) == {
        key.replace("allocate-", "P") for key in succeeded if key.startswith("allocate-")
    }
    receipts = Counter(e["contribution_id"] for e in entries if e["kind"] == "receipt")
    assert set(receipts.values()) <= {1}
    assert {f"receive-{c}" for c in receipts} == {k for k in succeeded if k.startswith("receive-")}
    # Nothing lost: every successful allocation is on the ledger, and no pool paid for more
    # than it held.
    allocations = Counter(e["contribution_id"] for e in entries if e["kind"] == "allocation")
    assert sum(allocations.values()) == len(names)
    assert all(count * PACKAGE_MINOR <= POOL_MINOR for count in allocations.values())
    # The run did both: money moved, and some allocations were refused for want of it.
    assert names and receipts
    assert any(status == 409 for _, status, _ in results)
