"""`purldesk cycles open --from` on the demo with an allocation committed: the new cycle asks
for exactly what 2025-09 left unfunded, and a carried line's history spans both cycles."""

from __future__ import annotations

import json
from collections import defaultdict

from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def listed(db: str, cycle: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = run(db, "requirements", "list", "--cycle", cycle, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_new_cycle_carries_exactly_the_unfunded_active_lines(demo_url: str) -> None:
    code, out, err = run(demo_url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05",
                         "--target", "500000000", "--commit", "--json")  # fmt: skip
    assert code == 0, err
    funded_lots: dict[str, int] = defaultdict(int)
    for package in json.loads(out)["packages"]:
        for held in package["lines"]:
            funded_lots[held["line"]] += held["lots"]
    before = listed(demo_url, "2025-09")
    unfunded = [ln for ln in before if ln["status"] in ("open", "partly_funded")]
    assert any(ln["status"] == "funded" for ln in before)
    assert any(ln["status"] == "partly_funded" for ln in before)

    code, out, err = run(demo_url, "cycles", "open", "2026-01", "--on", "2026-01-01",
                         "--from", "2025-09")  # fmt: skip
    assert code == 0, err
    assert out.strip() == (
        f"opened cycle 2026-01 (draft); {len(unfunded)} line(s) carried from 2025-09"
    )
    carried = listed(demo_url, "2026-01")
    assert [ln["ref"] for ln in carried] == [ln["ref"] for ln in unfunded]
    assert [ln["rank"] for ln in carried] == list(range(1, len(unfunded) + 1))
    for old, new in zip(unfunded, carried, strict=True):
        assert new["status"] == "open"
        if funded_lots[old["ref"]]:  # only the lots still unfunded are asked for
            assert new["quantity"] < old["quantity"]
        else:
            assert new["quantity"] == old["quantity"]

    ref = next(ln["ref"] for ln in unfunded if ln["status"] == "partly_funded")
    code, out, err = run(demo_url, "requirements", "history", ref, "--cycle", "2026-01",
                         "--json")  # fmt: skip
    assert code == 0, err
    periods = json.loads(out)
    assert len(periods) == 2
    (record,) = periods[1]["changes"]
    assert record["field"] == "carried"
    assert record["before"].startswith("2025-09: quantity ")
    assert record["after"].startswith("2026-01: quantity ")


def test_a_draft_cycle_is_not_carried(demo_url: str) -> None:
    assert run(demo_url, "cycles", "open", "2025-10", "--on", "2025-10-01")[0] == 0
    code, _, err = run(demo_url, "cycles", "open", "2025-11", "--on", "2025-11-01",
                       "--from", "2025-10")  # fmt: skip
    assert code != 0
    assert "only an endorsed or closed" in err
    assert "2025-11" not in run(demo_url, "cycles", "list")[1]
