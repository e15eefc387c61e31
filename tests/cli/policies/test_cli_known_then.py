"""No date escapes a policy, and "as known then", on the demo and on both databases: an
allocation dated before the policy (and the money) spends no Korean money, and a back-dated
observation changes neither a committed package's explanation nor the answer as known then."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, delete, update
from typer.testing import CliRunner

from database_world import Seeded, build_demo
from purldesk.adapters.storage.substitution_tables import AllocationSubstitutionRow
from purldesk.adapters.storage.tables import AllocationBasisRow, IndicatorObservationRow
from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases

KOREA_FUND = "C-00014"
TROOPS = "dprk_troops_in_theatre"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, f"{args}: {out}{err}"
    return out


def as_json(db: str, *args: str) -> Any:
    return json.loads(ok(db, *args, "--json"))


def demo_allocated(url: str) -> None:
    build_demo(url)
    ok(url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")


@pytest.fixture
def allocated(seeded: Seeded) -> str:
    """The demo with the allocation of 2025-12-05 committed (built once, then copied)."""
    return seeded("demo allocated on 2025-12-05", demo_allocated)


def korean_paid(document: dict[str, Any]) -> int:
    return sum(
        part["amount_minor"]
        for package in document["packages"]
        for part in package["attributions"]
        if part["contribution"] == KOREA_FUND
    )


def test_an_allocation_dated_1999_spends_no_korean_money(demo_url: str) -> None:
    proposed = as_json(demo_url, "allocate", "--cycle", "2025-09", "--on", "1999-01-04")
    assert proposed["packages"] == []
    committed = as_json(
        demo_url, "allocate", "--cycle", "2025-09", "--on", "1999-01-04", "--commit"
    )
    assert korean_paid(committed) == 0 and committed["packages"] == []
    assert as_json(demo_url, "packages", "list") == []


def test_a_date_no_version_of_the_policy_covers_allows_nothing_and_says_why(
    demo_url: str,
) -> None:
    shown = as_json(demo_url, "policy", "show", "KOR", "--on", "1999-01-04")
    assert shown["not_covered"] == "no version of KOR's policy covers 1999-01-04"
    lines = as_json(demo_url, "policy", "explain", "KOR", "--on", "1999-01-04")["lines"]
    lethal = [line for line in lines if line["aid_class"] == "lethal"]
    assert lethal and all(not line["allowed"] for line in lines)
    assert lethal[0]["reasons"][0]["rule"] == "policy.not_covered"
    assert "covers 1999-01-04" in ok(demo_url, "policy", "show", "KOR", "--on", "1999-01-04")


def test_a_back_dated_observation_changes_no_committed_explanation(allocated: str) -> None:
    db = allocated
    package = ["policy", "explain", "KOR", "--package", "P-0001"]
    then = ["policy", "explain", "KOR", "--on", "2025-12-05"]
    before_package = as_json(db, *package)
    before = as_json(db, *then)
    assert before["in_force"]["phase"] == "baseline"
    ok(db, "indicators", "record", TROOPS, "25000", "--on", "2025-06-01", "--source", "x.org")

    assert as_json(db, *package) == before_package
    now = as_json(db, *then)
    assert now["in_force"]["phase"] == "defensive"  # what is known today
    late = now["in_force"]["evidence"][0]
    assert late["late"] is True and "[late: recorded" in now["in_force"]["explanation"]
    as_known = as_json(db, *then, "--as-known-on", "2025-12-05")
    assert {**as_known, "known_on": None} == before
    listed = as_json(db, "indicators", "list")
    assert listed[-1]["late"] is True


def test_a_clock_set_backwards_changes_no_committed_explanation(
    allocated: str, engines: Callable[[str], Engine]
) -> None:
    """The back-dated observation's recording moved before the commit, as a server clock set
    backwards would have stamped it: the package's explanation is read from its recorded
    basis, so it stays as it was; without that basis it would now be derived differently."""
    db = allocated
    package = ["policy", "explain", "KOR", "--package", "P-0001"]
    before = as_json(db, *package)
    assert before["basis"]["recorded"] is True
    assert before["in_force"]["phase"] == "baseline"
    ok(db, "indicators", "record", TROOPS, "25000", "--on", "2025-06-01", "--source", "x.org")
    backwards = datetime(2025, 12, 5, tzinfo=UTC)
    with engines(db).begin() as connection:
        connection.execute(
            update(IndicatorObservationRow)
            .where(IndicatorObservationRow.value == "25000")
            .values(recorded_at=backwards)
        )

    assert as_json(db, *package) == before
    with engines(db).begin() as connection:
        # A database from before bases were recorded holds neither them nor the effects kept
        # apart from them.
        connection.execute(delete(AllocationSubstitutionRow))
        connection.execute(delete(AllocationBasisRow))
    derived = as_json(db, *package)
    assert derived["basis"]["recorded"] is False
    assert "committed before allocation bases were recorded" in derived["basis"]["note"]
    assert derived["in_force"]["phase"] == "defensive"
    assert "derived (" in ok(db, *package)


def test_allocate_and_whatif_as_known_on_ignore_a_later_observation(allocated: str) -> None:
    db = allocated
    args = ["allocate", "--cycle", "2025-09", "--on", "2025-12-05"]
    before = as_json(db, *args)
    ok(db, "indicators", "record", TROOPS, "25000", "--on", "2025-06-01", "--source", "x.org")
    assert as_json(db, *args, "--as-known-on", "2025-12-05") == before
    code, _out, err = run(db, *args, "--as-known-on", "2025-12-05", "--commit")
    assert code == 2 and "--as-known-on" in err
    whatif = ["whatif", "--cycle", "2025-09", "--on", "2025-12-05", "--as-known-on", "2025-12-05"]
    assert as_json(db, *whatif)["phases"] == [
        {"contributor": "KOR", "before": "baseline", "after": "baseline"}
    ]
