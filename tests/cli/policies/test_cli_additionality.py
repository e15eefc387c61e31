"""Additionality: a policy saying `additional = true` places its money after everyone else's,
so a restricted pledge never frees unrestricted money for lines it excludes."""

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


@pytest.fixture
def demo_url(ample_demo_url: str) -> str:
    """The demo with ample supply (`database_world.lift_capacity`): these tests are about money
    competing for lines, and with the suppliers' real capacities every line the demo's 2025-09
    leaves short waits for supply, not money."""
    return ample_demo_url


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
    demo_url: str, tmp_path: Path
) -> None:
    set_korean_policy(demo_url, tmp_path, additional=True)
    changes = korean_pledge_changes(demo_url)
    assert changes
    assert all(change["aid_class"] in KOREAN_CLASSES for change in changes), changes
    assert all(change["change_minor"] > 0 for change in changes), changes


@pytest.mark.parametrize("additional", [False, None], ids=["false", "unset"])
def test_without_additionality_the_korean_pledge_frees_money_for_weapons(
    demo_url: str, tmp_path: Path, additional: bool | None
) -> None:
    if additional is not None:
        set_korean_policy(demo_url, tmp_path, additional=additional)
    changes = {change["ref"]: change for change in korean_pledge_changes(demo_url)}
    lethal_gain = sum(
        change["change_minor"] for change in changes.values() if change["aid_class"] == "lethal"
    )
    assert lethal_gain == 9_150_000_000  # USD 91.5M
    winterization = changes["UKR-2025-097"]
    assert (winterization["lots_before"], winterization["lots_after"]) == (10, 4)


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


def korean_substitution(url: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = json.loads(ok(url, *WHATIF, "--json"))["substitutions"]
    assert [s["contributor"] for s in found] == ["KOR"]
    return found[0]


def test_what_if_shows_the_korean_pledge_taking_over_humanitarian_lines_for_weapons(
    demo_url: str,
) -> None:
    found = korean_substitution(demo_url)
    assert found["standing"] == "restricted"
    took_over = {line["line"]: line["amount_minor"] for line in found["took_over"]}
    went_to = {line["line"]: line["amount_minor"] for line in found["went_to"]}
    # Winterization line 097 keeps 4 of its 10 lots, paid by Korean money: USD 320,000 of the
    # USD 800,000 other money paid is taken over; the rest left it.
    assert took_over["UKR-2025-097"] == 32_000_000
    assert {"line": "UKR-2025-097", "amount_minor": 48_000_000} in found["left"]
    assert went_to == {"UKR-2025-094": 2_850_000_000, "UKR-2025-095": 900_000_000,
                       "UKR-2025-096": 8_400_000_000}  # fmt: skip
    moved = sum(took_over.values()) + sum(line["amount_minor"] for line in found["left"])
    assert moved == sum(went_to.values()) + found["unallocated_minor"]
    assert found["sentence"].startswith(
        "With this pledge, Republic of Korea's money took over UKR-2025-012 (USD 1,050,000.00)"
    )
    assert "the money that paid them went to UKR-2025-094 (USD 28,500,000.00)" in found["sentence"]
    text = ok(demo_url, *WHATIF)
    assert "substitution: what Republic of Korea's money took over" in text
    assert "UKR-2025-096 │ USD 84,000,000.00" in text


def test_an_additional_korean_pledge_takes_over_nothing_and_says_so(
    demo_url: str, tmp_path: Path
) -> None:
    set_korean_policy(demo_url, tmp_path, additional=True)
    found = korean_substitution(demo_url)
    assert found["standing"] == "additional"
    assert (found["took_over"], found["left"], found["went_to"]) == ([], [], [])
    assert found["unallocated_minor"] == 0
    expected = (
        "With this pledge, Republic of Korea's money is additional: placed after everyone "
        "else's, it took over no line."
    )
    assert found["sentence"] == expected
    assert expected in " ".join(ok(demo_url, *WHATIF).split())


ALLOCATE = ("allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")


def korean_statement(url: str) -> dict[str, Any]:
    ok(url, *ALLOCATE)
    found: list[dict[str, Any]] = json.loads(ok(url, "reports", "statement", "KOR"))[
        "substitutions"
    ]
    assert len(found) == 1, found  # one committed allocation
    return found[0]


def test_after_an_allocation_the_korean_statement_reports_the_substitution(
    demo_url: str,
) -> None:
    found = korean_statement(demo_url)
    assert (found["on"], found["standing"]) == ("2025-12-05", "restricted")
    took_over = {line["line"]: line["amount"]["amount_minor"] for line in found["took_over"]}
    assert took_over["UKR-2025-097"] == 80_000_000  # the winterization line, whole
    # The money it freed went to an artillery line, which Korean money may not pay.
    assert [(line["line"], line["amount"]["amount"]) for line in found["went_to"]] == [
        ("UKR-2025-094", "21000000.00")
    ]
    moved = sum(took_over.values()) + sum(line["amount"]["amount_minor"] for line in found["left"])
    assert moved == 2_100_000_000 + found["unallocated"]["amount_minor"]
    assert found["sentence"].startswith(
        "Republic of Korea's money took over UKR-2025-012 (USD 1,050,000.00), "
    )
    assert "the money that paid them went to UKR-2025-094 (USD 21,000,000.00)" in found["sentence"]
    csv = ok(demo_url, "reports", "statement", "KOR", "--format", "csv")
    assert "substitution: went to,UKR-2025-094,,,,,21000000.00" in csv


def test_after_an_additional_allocation_the_statement_says_nothing_was_taken_over(
    demo_url: str, tmp_path: Path
) -> None:
    set_korean_policy(demo_url, tmp_path, additional=True)
    found = korean_statement(demo_url)
    assert found["standing"] == "additional"
    assert (found["took_over"], found["left"], found["went_to"]) == ([], [], [])
    assert found["sentence"] == (
        "Republic of Korea's money is additional: placed after everyone else's, it took over "
        "no line."
    )
