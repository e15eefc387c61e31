"""A phase's caps bound what its contributor's money buys: per package and per cycle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

CAPPED = """
format = "purldesk.policy/1"
contributor = "KOR"
valid_from = 2025-01-01

[parameters]
dprk_troops_threshold = 20000

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= dprk_troops_threshold"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
cap_per_package = "USD 5,000,000"
cap_per_cycle = "USD 8,000,000"
"""


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def korean_minor(db: str, proposal: dict) -> int:  # type: ignore[type-arg]
    contributions = json.loads(run(db, "contributions", "list", "--json")[1])
    korean = {c["ref"] for c in contributions if c["contributor"] == "KOR"}
    return sum(
        a["amount_minor"]
        for p in proposal["packages"]
        for a in p["attributions"]
        if a["contribution"] in korean
    )


@pytest.fixture
def demo_db(demo_url: str, tmp_path: Path) -> str:
    database_url = demo_url
    policy = tmp_path / "KOR.toml"
    policy.write_text(CAPPED, encoding="utf-8")
    code, out, err = run(database_url, "policy", "set", "KOR", str(policy))
    assert code == 0, out + err
    korean = [
        c
        for c in json.loads(run(database_url, "contributions", "list", "--json")[1])
        if c["contributor"] == "KOR"
    ]
    assert sum(c["usd_minor"] for c in korean) > 800_000_000
    return database_url


def allocate(db: str, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(
        db, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--json", *extra
    )
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_caps_bound_each_run_and_the_cycle(demo_db: str) -> None:
    first = allocate(demo_db, "--commit")
    assert 0 < korean_minor(demo_db, first) <= 500_000_000  # per package: USD 5M
    for package in first["packages"]:
        assert korean_minor(demo_db, {"packages": [package]}) <= 500_000_000
    # More money arrives, so another run has something to spend; Korea may add at most what
    # is left of its cycle cap.
    assert (
        run(demo_db, "contributions", "pledge", "NLD", "100000000", "EUR", "--on", "2025-12-05")[0]
        == 0
    )
    ref = json.loads(run(demo_db, "contributions", "list", "--json")[1])[-1]["ref"]
    assert run(demo_db, "contributions", "receive", ref, "--on", "2025-12-05")[0] == 0
    second = allocate(demo_db, "--commit")
    assert korean_minor(demo_db, first) + korean_minor(demo_db, second) <= 800_000_000
    assert run(demo_db, "ledger", "verify")[0] == 0


def test_without_caps_the_korean_money_is_spent_further(demo_db: str, tmp_path: Path) -> None:
    policy = tmp_path / "uncapped.toml"
    policy.write_text(
        CAPPED.replace('cap_per_package = "USD 5,000,000"\n', "")
        .replace('cap_per_cycle = "USD 8,000,000"\n', "")
        .replace("valid_from = 2025-01-01", "valid_from = 2025-06-01"),
        encoding="utf-8",
    )
    assert run(demo_db, "policy", "set", "KOR", str(policy))[0] == 0
    assert korean_minor(demo_db, allocate(demo_db)) > 800_000_000
