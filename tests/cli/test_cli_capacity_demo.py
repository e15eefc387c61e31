"""The supplier's capacity on the demo: after committing allocations in two cycles, no catalog
item is funded beyond its `available_per_cycle` in any cycle, and a line left short by it says
so."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

PAC3 = "PAT-PAC3MSE"  # 24 interceptors a cycle, in lots of 4


def ok(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


def allocate(db: str, cycle: str, on: str, *extra: str) -> dict[str, Any]:
    out = ok(db, "allocate", "--cycle", cycle, "--on", on, "--json", *extra)
    document: dict[str, Any] = json.loads(out)
    return document


def units_per_cycle_and_item(db: str) -> dict[tuple[int, str], int]:
    items = json.loads(ok(db, "catalog", "list", "--json"))
    lot_size = {item["code"]: item["lot_size"] for item in items}
    units: dict[tuple[int, str], int] = defaultdict(int)
    for listed in json.loads(ok(db, "packages", "list", "--json")):
        if listed["status"] != "cancelled":
            package = json.loads(ok(db, "packages", "show", listed["ref"], "--json"))
            for line in package["lines"]:
                code = line["item_code"]
                units[(package["cycle_id"], code)] += line["lots"] * lot_size[code]
    return units


def test_no_item_is_funded_beyond_its_capacity_in_any_cycle(demo_url: str) -> None:
    allocate(demo_url, "2025-09", "2025-12-05", "--commit")
    again = allocate(demo_url, "2025-09", "2025-12-05", "--commit")  # the money left over
    ok(demo_url, "cycles", "open", "2026-01", "--on", "2026-01-01", "--from", "2025-09")
    ok(demo_url, "cycles", "submit", "2026-01")
    ok(demo_url, "cycles", "endorse", "2026-01")
    allocate(demo_url, "2026-01", "2026-01-05", "--commit")

    capacity = {
        item["code"]: item["available_per_cycle"]
        for item in json.loads(ok(demo_url, "catalog", "list", "--json"))
    }
    units = units_per_cycle_and_item(demo_url)
    cycles = {cycle for cycle, _ in units}
    assert len(cycles) == 2  # both cycles hold packages
    over = {key: used for key, used in units.items() if used > capacity[key[1]]}
    assert over == {}
    # The supplier's limit is what binds: PAC-3 MSE is taken up to its 24 in each cycle, and
    # money was left over, so the second run of 2025-09 found no units for it.
    assert all(units[(cycle, PAC3)] == 24 for cycle in cycles)
    in_second_run = {line["line"] for package in again["packages"] for line in package["lines"]}
    assert not in_second_run & pac3_refs(demo_url)


def pac3_refs(db: str) -> set[str]:
    lines = json.loads(ok(db, "requirements", "list", "--cycle", "2025-09", "--json"))
    return {line["ref"] for line in lines if line["item_code"] == PAC3}


def test_allocate_says_when_the_suppliers_capacity_is_the_reason(demo_url: str) -> None:
    proposal = allocate(demo_url, "2025-09", "2025-12-05")
    refs = pac3_refs(demo_url)
    short = [
        line
        for line in proposal["result"]["lines"]
        if line["id"] in refs and line["blocked_by"] is not None
    ]
    assert short
    for line in short:
        reason = line["blocked_by"]
        assert reason["reason"] == "capacity_reached"
        assert reason["message"].startswith(
            f"Supplier capacity for {PAC3} is reached: 24 unit(s) available this cycle (lots of 4)"
        )
        assert re.search(r"USD \d{1,3}(,\d{3})*\.\d{2} short", reason["message"])
    causes = {r["line"]: (r["cause"], r["engine_reason"]) for r in proposal["reasons"]}
    assert all(causes[line["id"]] == ("capacity", "capacity_reached") for line in short)
    funded = sum(line["funded_lots"] for line in proposal["result"]["lines"] if line["id"] in refs)
    assert funded == 24 // 4

    printed = ok(demo_url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05")
    assert f"Supplier capacity for {PAC3} is reached" in printed


def test_on_the_demo_a_pledge_waits_for_supply_not_money(demo_url: str) -> None:
    # Every line 2025-09 leaves short is short of its item's units, so no money moves anything.
    whatif = ("whatif", "--cycle", "2025-09", "--on", "2025-12-05", "--json")
    changed = json.loads(ok(demo_url, *whatif, "--pledge", "KOR:100000000:USD"))["lines"]
    assert changed == []
