"""`purldesk allocate --cycle` on the demo database: propose, commit, and the ledger still holds."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo_db(demo_url: str) -> str:
    return demo_url


def propose(db: str, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(
        db, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--json", *extra
    )
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_proposal_without_commit_writes_nothing(demo_db: str) -> None:
    before = run(demo_db, "export", "--format", "json")[1]
    proposal = propose(demo_db)
    assert proposal["committed"] is False
    assert len(proposal["packages"]) >= 3  # USD 1.5B: the suppliers' capacity binds first
    assert run(demo_db, "export", "--format", "json")[1] == before


def test_packages_respect_the_target_and_are_paid_exactly(demo_db: str) -> None:
    proposal = propose(demo_db, "--target", "500000000")
    lines = {line["id"]: line for line in proposal["result"]["lines"]}
    funded_in_packages: dict[str, int] = defaultdict(int)
    for package in proposal["packages"]:
        assert 0 < package["cost_minor"] <= 50_000_000_000
        assert sum(a["amount_minor"] for a in package["attributions"]) == package["cost_minor"]
        for line in package["lines"]:
            funded_in_packages[line["line"]] += line["lots"]
    for ref, lots in funded_in_packages.items():
        assert lots == lines[ref]["funded_lots"]
    funded = [line for line in proposal["result"]["lines"] if line["funded_lots"]]
    assert funded[0]["id"] == "UKR-2025-001"  # the most urgent line is funded first
    unfunded = [line for line in proposal["result"]["lines"] if line["blocked_by"]]
    assert unfunded and all(line["blocked_by"]["message"] for line in unfunded)


def test_commit_writes_draft_packages_and_the_ledger_still_verifies(demo_db: str) -> None:
    proposal = propose(demo_db, "--commit")
    assert proposal["committed"] is True
    assert all(p["ref"].startswith("P-") for p in proposal["packages"])
    code, out, err = run(demo_db, "ledger", "verify")
    assert code == 0, out + err
    balances = json.loads(run(demo_db, "ledger", "balances", "--json")[1])
    obligated = sum(b["balance_minor"] for b in balances if b["account"].startswith("obligated:"))
    assert obligated == sum(p["cost_minor"] for p in proposal["packages"])
    lines = json.loads(run(demo_db, "requirements", "list", "--json")[1])
    assert lines[0]["status"] == "funded"
    again = propose(demo_db)
    already = {line["line"] for p in proposal["packages"] for line in p["lines"]}
    for package in again["packages"]:  # what is left can only fund what was not funded
        for line in package["lines"]:
            assert line["line"] not in already or line["lots"] > 0
    used = sum(f["used_minor"] for f in again["result"]["funds"])
    left_before = sum(f["left_minor"] for f in proposal["result"]["funds"])
    assert used <= left_before


def test_an_unendorsed_cycle_is_not_allocated(demo_db: str) -> None:
    assert run(demo_db, "cycles", "open", "2025-10", "--on", "2025-10-01")[0] == 0
    code, _, err = run(demo_db, "allocate", "--cycle", "2025-10")
    assert code == 4
    assert "endorsed" in err


def test_allocate_needs_exactly_one_source(demo_db: str) -> None:
    code, _, err = run(demo_db, "allocate")
    assert code == 2
    assert "--input" in err and "--cycle" in err


def test_a_commit_with_nothing_left_to_allocate_says_so(demo_db: str) -> None:
    propose(demo_db, "--commit")
    while propose(demo_db)["packages"]:  # spend what the first commit left
        propose(demo_db, "--commit")
    code, out, err = run(
        demo_db, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit"
    )
    assert code == 0, err
    assert "nothing to allocate" in out and "use --commit" not in out
