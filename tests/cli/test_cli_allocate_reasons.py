"""`purldesk allocate --cycle` and `purldesk whatif` name each short line's binding cause, with
amounts as money: whose money is left that may not pay it, and which rule (the policy phase and
its observation, an expired earmark); a commit given the dry run's digest writes that or nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from test_cli_allocate_cycle import propose, run

SHORT_IN_MONEY = re.compile(r"USD \d{1,3}(,\d{3})*\.\d{2} short")
KOREAN = "C-00015"  # the demo holds 14 contributions
EXPIRED = "C-00016"


@pytest.fixture
def demo_url(ample_demo_url: str) -> str:
    """The demo with ample supply (`database_world.lift_capacity`): these tests are about money
    competing for lines, and with the suppliers' real capacities every line the demo's 2025-09
    leaves short waits for supply, not money."""
    return ample_demo_url


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, out + err
    return out


def money_that_may_not_pay_weapons(db: str) -> None:
    """USD 1B from Korea (non-lethal only: more than its lines need), and USD 30M from the
    Netherlands whose earmark expired before the allocation date."""
    ok(db, "contributions", "pledge", "KOR", "1000000000", "USD", "--on", "2025-12-01")
    ok(db, "contributions", "receive", KOREAN, "--on", "2025-12-01")
    ok(db, "contributions", "pledge", "NLD", "30000000", "USD", "--on", "2025-10-01",
       "--earmark-expires-on", "2025-11-30")  # fmt: skip
    ok(db, "contributions", "receive", EXPIRED, "--on", "2025-10-02")


def held_back(reason: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {held["contributor"]: held for held in reason["held_back"]}


def test_the_json_reasons_name_the_shortfall_in_money(demo_url: str) -> None:
    proposal = propose(demo_url)
    blocked = [line for line in proposal["result"]["lines"] if line["blocked_by"]]
    assert blocked
    for line in blocked:
        assert SHORT_IN_MONEY.search(line["blocked_by"]["message"]), line["blocked_by"]
        assert "minor units" not in line["blocked_by"]["message"]
    assert [r["line"] for r in proposal["reasons"]] == [line["id"] for line in blocked]
    for reason, line in zip(proposal["reasons"], blocked, strict=True):
        assert reason["short"] == {
            "amount_minor": line["blocked_by"]["short_minor"],
            "amount": f"{line['blocked_by']['short_minor'] / 100:.2f}",
            "currency": "USD",
        }
        assert reason["cause"] == "money_exhausted" and reason["held_back"] == []
        assert "minor units" not in reason["message"]


def test_money_that_may_not_pay_a_line_is_named_with_its_rule(demo_url: str) -> None:
    money_that_may_not_pay_weapons(demo_url)
    reasons = propose(demo_url)["reasons"]
    weapons = next(r for r in reasons if r["cause"] == "money_not_allowed")
    korea, netherlands = held_back(weapons)["KOR"], held_back(weapons)["NLD"]
    assert (korea["name"], korea["rule"], korea["phase"], korea["policy_version"]) == (
        "Republic of Korea", "policy.aid_classes", "baseline", 1,
    )  # fmt: skip
    assert KOREAN in korea["contributions"] and korea["left"]["currency"] == "USD"
    assert {(o["value"], o["observed_on"]) for o in korea["observations"]} >= {
        ("14000", "2025-04-15")
    }
    assert (netherlands["rule"], netherlands["contributions"], netherlands["left"]) == (
        "earmark.expired", [EXPIRED],
        {"amount_minor": 3_000_000_000, "amount": "30000000.00", "currency": "USD"},
    )  # fmt: skip
    assert netherlands["message"] == "its earmark expired on 2025-11-30"

    code, out, err = run(demo_url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05")
    assert code == 0, err
    text = " ".join(out.split())
    assert f"{weapons['line']} [money_not_allowed]: USD " in text
    assert "Republic of Korea (KOR), USD " in text and "phase 'baseline'" in text
    assert f"Netherlands (NLD), USD 30,000,000.00 left in {EXPIRED}: its earmark" in text
    assert "minor units" not in text


def test_whatif_names_the_cause_under_its_hypotheses(demo_url: str) -> None:
    scenario = ("whatif", "--cycle", "2025-09", "--on", "2025-12-05",
                "--pledge", "KOR:1000000000:USD")  # fmt: skip
    document = json.loads(ok(demo_url, *scenario, "--json"))
    weapons = next(r for r in document["reasons"] if r["cause"] == "money_not_allowed")
    assert held_back(weapons)["KOR"]["contributions"] == ["C-00014", KOREAN]  # with the pledge
    assert held_back(weapons)["KOR"]["rule"] == "policy.aid_classes"
    text = " ".join(ok(demo_url, *scenario).split())
    assert "[money_not_allowed]: USD " in text and "Republic of Korea (KOR), USD " in text
    assert "other short line(s), funded as before (see --json)" in text


def test_a_commit_with_a_stale_digest_writes_nothing(demo_url: str) -> None:
    shown = propose(demo_url)["digest"]
    code, out, _ = run(demo_url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05")
    assert code == 0 and f"--expected-digest {shown}" in " ".join(out.split())
    money_that_may_not_pay_weapons(demo_url)
    commit = ("allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")
    code, _, err = run(demo_url, *commit, "--expected-digest", shown)
    assert code == 4
    assert "the allocation changed since the preview; preview again" in err
    assert json.loads(ok(demo_url, "packages", "list", "--json")) == []
    again = propose(demo_url)
    committed = json.loads(ok(demo_url, *commit, "--expected-digest", again["digest"], "--json"))
    assert committed["committed"] is True and committed["digest"] == again["digest"]
    assert len(json.loads(ok(demo_url, "packages", "list", "--json"))) == len(again["packages"])
