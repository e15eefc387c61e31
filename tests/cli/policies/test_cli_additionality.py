"""Additionality: a policy saying `additional = true` places its money after everyone else's,
so a restricted pledge never frees unrestricted money for lines it excludes (SQLite, PostgreSQL).

The pledges are weighed on the demo with ample supply: with the suppliers' real capacities
every short line of 2025-09 waits for supply, not money, so no pledge moves anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

KOREAN_POLICY = Path(__file__).parents[3] / "src/purldesk/demo/data/policies/KOR.toml"
KOREAN_CLASSES = {"humanitarian", "nonlethal"}  # the baseline phase, in force on the demo
WHATIF = ("whatif", "--cycle", "2025-09", "--on", "2025-12-05", "--pledge", "KOR:100000000:USD")


def ok(url: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", url])
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def korean_pledge_changes(url: str) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = json.loads(ok(url, *WHATIF, "--json"))["lines"]
    return lines


def set_korean_policy(url: str, tmp_path: Path, *, additional: bool) -> None:
    text = KOREAN_POLICY.read_text(encoding="utf-8")
    flag = "true" if additional else "false"
    document = tmp_path / "KOR.toml"
    document.write_text(text.replace("\n[parameters]", f"\nadditional = {flag}\n\n[parameters]"))
    assert f"additional = {flag}" in document.read_text()
    ok(url, "policy", "set", "KOR", str(document))


def test_an_additional_korean_pledge_moves_no_money_to_lines_outside_its_classes(
    ample_demo_url: str, tmp_path: Path
) -> None:
    set_korean_policy(ample_demo_url, tmp_path, additional=True)
    changes = korean_pledge_changes(ample_demo_url)
    assert changes
    assert all(change["aid_class"] in KOREAN_CLASSES for change in changes), changes
    assert all(change["change_minor"] > 0 for change in changes), changes


@pytest.mark.parametrize("additional", [False, None], ids=["false", "unset"])
def test_without_additionality_the_korean_pledge_frees_money_for_weapons(
    ample_demo_url: str, tmp_path: Path, additional: bool | None
) -> None:
    if additional is not None:
        set_korean_policy(ample_demo_url, tmp_path, additional=additional)
    changes = {change["ref"]: change for change in korean_pledge_changes(ample_demo_url)}
    lethal_gain = sum(
        change["change_minor"] for change in changes.values() if change["aid_class"] == "lethal"
    )
    assert lethal_gain == 9_150_000_000  # USD 91.5M
    winterization = changes["UKR-2025-097"]
    assert (winterization["lots_before"], winterization["lots_after"]) == (10, 4)


def test_on_the_real_demo_the_korean_pledge_waits_for_supply_not_money(demo_url: str) -> None:
    assert korean_pledge_changes(demo_url) == []


def test_policy_show_says_whether_the_money_is_additional(demo_url: str, tmp_path: Path) -> None:
    set_korean_policy(demo_url, tmp_path, additional=False)
    assert "additional:" not in ok(demo_url, "policy", "show", "KOR")
    assert (
        json.loads(ok(demo_url, "policy", "show", "KOR", "--json"))["policy"]["additional"] is False
    )
    set_korean_policy(demo_url, tmp_path, additional=True)
    assert "additional: this money is placed after everyone else's" in ok(
        demo_url, "policy", "show", "KOR"
    )
    assert (
        json.loads(ok(demo_url, "policy", "show", "KOR", "--json"))["policy"]["additional"] is True
    )
