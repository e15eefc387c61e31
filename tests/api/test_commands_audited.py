"""A command is audited alike from every edge: the API, the dashboard and the command line name
the same action and spell the target the same way (a cycle by its name, a line by its ref), and
a line's history names whoever acted, as the audit log does."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_world import SEEDER, MovableClock, World, make_settings, seed_users
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from purldesk.adapters.passwords import Argon2Hasher
from purldesk.bootstrap import build
from purldesk.entrypoints.cli.app import app as cli
from purldesk.entrypoints.web.app import create_app
from purldesk.services import users

PASSWORD = "a password for the dashboard"
LINES = [
    {"ref": f"L-{n}", "rank": n, "item_code": "MED-1", "quantity": 2, "needed_by": "2026-01-31"}
    for n in (1, 2, 3)
]
LINES_CSV = "ref,rank,item_code,quantity,needed_by,justification\n" + "".join(
    f"L-{n},{n},MED-1,2,2026-01-31,\n" for n in (1, 2, 3)
)
CATALOG_CSV = """code,name,area,aid_class,unit_price_usd,lot_size,available_per_cycle,lead_time_days
MED-1,Field hospital kit,medical,humanitarian,2500.00,2,50,30
"""
CATALOG_ITEM = {
    "code": "MED-1", "name": "Field hospital kit", "area": "medical",
    "aid_class": "humanitarian", "unit_price_minor": 250_000, "lot_size": 2,
    "available_per_cycle": 60, "lead_time_days": 30,
}  # fmt: skip
POLICY = """valid_from = 2025-01-01
[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
"""


class Edges:
    """One world seen through its three edges, and its audit log."""

    def __init__(self, world: World, tmp_path: Path) -> None:
        self.world, self.tmp_path = world, tmp_path
        self.url = world.wired.settings.database_url
        self.web: dict[str, TestClient] = {}

    def api(self, who: str, method: str, path: str, body: Any = None) -> Any:
        headers = self.world.headers(who, **{"Idempotency-Key": self.world.key()})
        response = self.world.client.request(method, f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def form(self, who: str, path: str, data: dict[str, str]) -> None:
        client = self.web.get(who) or self._login(who)
        page = client.get("/requirements").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        response = client.post(path, data={"csrf_token": token.group(1), **data})
        assert response.status_code == 303, response.text

    def cli(self, *args: str, files: dict[str, str] | None = None) -> None:
        for name, text in (files or {}).items():
            (self.tmp_path / name).write_text(text)
        paths = [str(self.tmp_path / a) if (self.tmp_path / a).is_file() else a for a in args]
        result = CliRunner().invoke(cli, [*paths, "--db", self.url])
        assert result.exit_code == 0, result.stdout + result.stderr

    def last(self) -> tuple[str, str, str]:
        """The latest audit entry: (action, target, who)."""
        total = self.world.get("auditor", "/api/v1/audit", limit=1)["total"]
        (entry,) = self.world.get("auditor", "/api/v1/audit", limit=1, offset=total - 1)["items"]
        return entry["action"], entry["target"], entry["user_name"]

    def _login(self, who: str) -> TestClient:
        wired = self.world.wired
        client = TestClient(create_app(wired.settings, wired=wired), follow_redirects=False)
        name = {"recipient": "mod@ukr", "coordinator": "nsatu@nato"}[who]
        command = users.SetPassword(name=name, password_hash=Argon2Hasher().hash(PASSWORD))
        wired.run(command, actor=SEEDER, request_id="test")
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token is not None
        client.post("/login", data={
            "username": name, "password": PASSWORD, "next": "/", "csrf_token": token.group(1),
        })  # fmt: skip
        self.web[who] = client
        return client


@pytest.fixture
def edges(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Edges]:
    """One SQLite world (the edges, not the storage, are under test); the CLI runs as `ops`."""
    monkeypatch.setenv("LOGNAME", "ops")
    settings = make_settings(sqlite_url)
    clock = MovableClock()
    wired = build(settings, clock=clock)
    client = TestClient(create_app(settings, wired=wired), raise_server_exceptions=False)
    edges = Edges(World(client, wired, clock, seed_users(wired)), tmp_path)
    yield edges
    for web in [*edges.web.values(), client]:
        web.close()
    wired.close()


def test_the_list_s_commands_are_audited_alike_from_every_edge(edges: Edges) -> None:
    steps: list[tuple[Callable[[], Any], tuple[str, str, str]]] = [
        # Cycles 2025-10 (through the API), 2025-11 (the dashboard) and 2025-12 (the CLI).
        (lambda: edges.api("coordinator", "POST", "/cycles",
                           {"name": "2025-10", "opens_on": "2025-10-01"}),
         ("cycles.open", "2025-10", "nsatu@nato")),
        (lambda: edges.form("coordinator", "/cycles",
                            {"name": "2025-11", "opens_on": "2025-11-01", "carry_from": ""}),
         ("cycles.open", "2025-11", "nsatu@nato")),
        (lambda: edges.cli("cycles", "open", "2025-12", "--on", "2025-12-01"),
         ("cycles.open", "2025-12", "ops")),
        (lambda: edges.api("recipient", "POST", "/cycles/1/lines", {"lines": LINES}),
         ("lines.import", "2025-10", "mod@ukr")),
        (lambda: edges.cli("requirements", "import", "lines.csv", "--cycle", "2025-11",
                           files={"lines.csv": LINES_CSV}),
         ("lines.import", "2025-11", "ops")),
        (lambda: edges.cli("requirements", "import", "lines.csv", "--cycle", "2025-12"),
         ("lines.import", "2025-12", "ops")),
        # One line of 2025-10, moved, edited and withdrawn from each edge in turn.
        (lambda: edges.api("recipient", "POST", "/cycles/1/lines/L-2/move", {"rank": 1}),
         ("lines.move", "L-2", "mod@ukr")),
        (lambda: edges.form("recipient", "/requirements/2025-10/lines/L-2/move",
                            {"direction": "down"}),
         ("lines.move", "L-2", "mod@ukr")),
        (lambda: edges.cli("requirements", "move", "L-2", "--rank", "3", "--cycle", "2025-10"),
         ("lines.move", "L-2", "ops")),
        (lambda: edges.api("recipient", "PATCH", "/cycles/1/lines/L-2", {"quantity": 4}),
         ("lines.edit", "L-2", "mod@ukr")),
        (lambda: edges.form("recipient", "/requirements/2025-10/lines/L-2/edit", {
            "quantity": "6", "needed_by": "2026-01-31", "justification": ""}),
         ("lines.edit", "L-2", "mod@ukr")),
        (lambda: edges.cli("requirements", "edit", "L-2", "--quantity", "8",
                           "--cycle", "2025-10"),
         ("lines.edit", "L-2", "ops")),
        (lambda: edges.api("recipient", "POST", "/cycles/1/lines/L-3/withdraw",
                           {"reason": "met bilaterally"}),
         ("lines.withdraw", "L-3", "mod@ukr")),
        (lambda: edges.form("recipient", "/requirements/2025-11/lines/L-3/withdraw",
                            {"reason": "met bilaterally", "confirm": "yes"}),
         ("lines.withdraw", "L-3", "mod@ukr")),
        (lambda: edges.cli("requirements", "withdraw", "L-3", "--reason", "met bilaterally",
                           "--cycle", "2025-12"),
         ("lines.withdraw", "L-3", "ops")),
        # Each cycle submitted and endorsed from its edge.
        (lambda: edges.api("recipient", "POST", "/cycles/1/submit"),
         ("cycles.submit", "2025-10", "mod@ukr")),
        (lambda: edges.form("recipient", "/requirements/2025-11/submit", {}),
         ("cycles.submit", "2025-11", "mod@ukr")),
        (lambda: edges.cli("cycles", "submit", "2025-12"),
         ("cycles.submit", "2025-12", "ops")),
        (lambda: edges.api("coordinator", "POST", "/cycles/1/endorse"),
         ("cycles.endorse", "2025-10", "nsatu@nato")),
        (lambda: edges.form("coordinator", "/requirements/2025-11/endorse", {}),
         ("cycles.endorse", "2025-11", "nsatu@nato")),
        (lambda: edges.cli("cycles", "endorse", "2025-12"),
         ("cycles.endorse", "2025-12", "ops")),
        (lambda: edges.api("coordinator", "POST", "/cycles/1/close"),
         ("cycles.close", "2025-10", "nsatu@nato")),
        (lambda: edges.cli("cycles", "close", "2025-11"),
         ("cycles.close", "2025-11", "ops")),
    ]  # fmt: skip
    for act, expected in steps:
        act()
        assert edges.last() == expected

    # L-2 was added, moved through each edge and closed up when L-3 left; the CLI runs on the
    # wall clock, the rest on the world's, so only who did what is compared, not the order.
    history = edges.world.get("auditor", "/api/v1/cycles/1/lines/L-2/history")
    ranked = sorted(h["by"] for h in history)
    assert ranked == ["mod@ukr", "mod@ukr", "mod@ukr", "mod@ukr", "ops"]
    edited = sorted(c["by"] for h in history for c in h["changes"])
    assert edited == ["mod@ukr", "mod@ukr", "ops"]


def test_reference_data_commands_are_audited_alike_from_the_api_and_the_cli(
    edges: Edges,
) -> None:
    steps: list[tuple[Callable[[], Any], tuple[str, str, str]]] = [
        (lambda: edges.api("supplier", "PUT", "/catalog", {"items": [CATALOG_ITEM]}),
         ("catalog.import", "catalog", "dsca@usa")),
        (lambda: edges.cli("catalog", "import", "catalog.csv",
                           files={"catalog.csv": CATALOG_CSV}),
         ("catalog.import", "catalog", "ops")),
        (lambda: edges.api("coordinator", "POST", "/indicators", {
            "name": "troops", "value": "100", "observed_on": "2025-09-01", "source": "press"}),
         ("indicators.record", "#1", "nsatu@nato")),
        (lambda: edges.cli("indicators", "record", "troops", "200", "--on", "2025-09-02",
                           "--source", "press"),
         ("indicators.record", "#2", "ops")),
        (lambda: edges.cli("indicators", "import", "troops.csv", files={
            "troops.csv": "name,value,observed_on,source\ntroops,300,2025-09-03,press\n"}),
         ("indicators.import", "troops.csv", "ops")),
        (lambda: edges.cli("reference", "gdp", "import", "gdp.csv", files={
            "gdp.csv": "nation,year,gdp_usd,source,url\n"
                       "NLD,2023,1118100000000,World Bank,https://data.worldbank.org\n"}),
         ("gdp.import", "gdp.csv", "ops")),
        (lambda: edges.api("contributor", "PUT", "/policies/NLD", {"document": POLICY}),
         ("policies.set", "NLD", "mof@nld")),
        (lambda: edges.cli("policy", "set", "nld", "NLD.toml", files={"NLD.toml": POLICY}),
         ("policies.set", "NLD", "ops")),
        (lambda: edges.cli("participants", "add", "POL", "--name", "Poland",
                           "--kind", "ally"),
         ("participants.add", "POL", "ops")),
    ]  # fmt: skip
    for act, expected in steps:
        act()
        assert edges.last() == expected
