"""Policy documents: the demo's Korean policy reads back; every bad one names line and field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from purldesk.demo.scenario import data_text
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import ImportRejected
from purldesk.domain.policy_documents import parse_policy

INDICATORS = {"dprk_troops_in_theatre", "casualties"}
AREAS = {"air_defence", "medical", "winterization"}

GOOD = """\
contributor = "KOR"
valid_from = 2024-11-07

[parameters]
limit = 20_000

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= limit"
aid_classes = ["humanitarian", "nonlethal", "defensive"]
areas = ["air_defence", "medical"]
cap_per_package = "USD 25,000,000"

[default]
name = "baseline"
aid_classes = [
  "humanitarian",
  "nonlethal",
]
"""


def findings(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        parse_policy(
            text, filename="p.toml", contributor="KOR", known_indicators=INDICATORS,
            known_areas=AREAS, **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip
    assert caught.value.source == "p.toml"
    return [str(error) for error in caught.value.errors]


def test_the_demo_korean_policy_is_a_baseline_and_a_defensive_phase() -> None:
    policy = parse_policy(
        data_text("policies/KOR.toml"), filename="KOR.toml", contributor="KOR",
        known_indicators={"dprk_troops_in_theatre"},
    )  # fmt: skip
    assert policy.default.name == "baseline"
    assert policy.default.aid_classes == {AidClass.HUMANITARIAN, AidClass.NONLETHAL}
    (defensive,) = policy.phases
    assert defensive.aid_classes == {AidClass.HUMANITARIAN, AidClass.NONLETHAL, AidClass.DEFENSIVE}
    assert AidClass.LETHAL not in defensive.aid_classes
    assert dict(policy.parameters) == {"dprk_troops_threshold": Decimal(20000)}


def test_a_good_document_reads_completely() -> None:
    policy = parse_policy(GOOD, filename="p.toml", known_indicators=INDICATORS, known_areas=AREAS)
    assert policy.valid_from == date(2024, 11, 7) and policy.valid_until is None
    assert policy.contributor == "KOR"
    phase = policy.phases[0]
    assert phase.areas == {"air_defence", "medical"}
    assert phase.cap_per_package is not None and phase.cap_per_package.minor == 2_500_000_000
    assert policy.default.areas is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"dprk_troops_in_theatre >= limit"', '"dprk_troop >= limit"',
         "line 9, phases[1].when: unknown indicator 'dprk_troop'"),
        ('"nonlethal", "defensive"]', '"nonlethal", "defensiv"]',
         "line 10, phases[1].aid_classes: unknown aid class"),
        ('"dprk_troops_in_theatre >= limit"', '"dprk_troops_in_theatre >= "',
         "line 9, phases[1].when: column 26"),
        ('"dprk_troops_in_theatre >= limit"', '"dprk_troops_in_theatre >= limt"',
         "line 9, phases[1].when: column 27: compare an indicator with a number or a parameter"),
        ('valid_from = 2024-11-07', 'valid_from = "07/11/2024"', "line 2, valid_from: "),
        ('valid_from = 2024-11-07', 'valid_from = 2024-11-07\nvalid_until = 2024-01-01',
         "line 3, valid_until: 2024-01-01 is before valid_from"),
        ('contributor = "KOR"', 'contributor = "JPN"', "line 1, contributor: the document is JPN's"),
        ('"air_defence", "medical"]', '"air_defence", "armor"]',
         "line 11, phases[1].areas: unknown capability area 'armor'"),
        ('"USD 25,000,000"', '"EUR 25,000,000"', "line 12, phases[1].cap_per_package:"),
        ("limit = 20_000", "limit = 20_000\ncasualties = 3",
         "line 6, parameters.casualties: 'casualties' is an indicator"),
        ("limit = 20_000", 'limit = "many"', "line 5, parameters.limit: 'many' is not a number"),
        ('name = "baseline"', 'name = "baseline"\nwhen = "casualties > 1"',
         "line 16, default.when: the default phase has no condition"),
        ('name = "baseline"', 'name = "defensive"', "line 15, default.name: phase name 'defensive' is used twice"),
        ('cap_per_package', 'cap_per_packages', "line 12, phases[1].cap_per_packages: unknown key"),
        ('limit = 20_000', 'limit = ', "line 5, toml: Invalid value"),
    ],
)  # fmt: skip
def test_a_bad_document_names_line_and_field(old: str, new: str, expected: str) -> None:
    assert GOOD.count(old) == 1
    found = findings(GOOD.replace(old, new))
    assert any(f.startswith(expected) for f in found), found


def test_every_finding_is_reported_at_once_in_line_order() -> None:
    text = (
        GOOD.replace('"dprk_troops_in_theatre >= limit"', '"dprk_troop >= limit"')
        .replace('"nonlethal", "defensive"]', '"nonlethal", "defensiv"]')
        .replace("valid_from = 2024-11-07", 'valid_from = "soon"')
    )
    found = findings(text)
    assert [f.split(",")[0] for f in found] == ["line 2", "line 9", "line 10"]


def test_a_phase_shadowed_by_an_earlier_one_is_unreachable() -> None:
    text = GOOD.replace(
        "[[phases]]\n",
        '[[phases]]\nname = "wide"\nwhen = "dprk_troops_in_theatre > 100"\naid_classes = []\n\n'
        "[[phases]]\n",
        1,
    )
    found = findings(text)
    assert any(
        f.startswith("line 12, phases[2]: phase 'defensive' can never be in force") for f in found
    ), found


def test_a_contradiction_is_unreachable_but_an_unknown_value_keeps_the_default_reachable() -> None:
    never = GOOD.replace(
        '"dprk_troops_in_theatre >= limit"',
        '"dprk_troops_in_theatre > 5 and dprk_troops_in_theatre < 3"',
    )
    assert any("phases[1]: phase 'defensive' can never be in force" in f for f in findings(never))
    # `x or not x` is not a tautology: before the first observation it is unknown.
    parse_policy(
        GOOD.replace(
            '"dprk_troops_in_theatre >= limit"',
            '"dprk_troops_in_theatre > 5 or not dprk_troops_in_theatre > 5"',
        ),
        filename="p.toml", known_indicators=INDICATORS, known_areas=AREAS,
    )  # fmt: skip


def test_a_phase_that_always_holds_makes_the_default_unreachable() -> None:
    found = findings(GOOD.replace('"dprk_troops_in_theatre >= limit"', '"true"'))
    assert any(
        f.startswith("line 14, default: the default phase can never be in force") for f in found
    )


def test_a_missing_default_is_refused() -> None:
    text = GOOD[: GOOD.index("[default]")]
    assert any(f.startswith("line 1, default: missing") for f in findings(text))


def test_each_bad_aid_class_and_area_is_noted_in_the_order_written() -> None:
    text = GOOD.replace('"air_defence", "medical"]', '"armor", "Air Defence", "medical", "x"]')
    text = text.replace('"nonlethal", "defensive"]', '"nonlethal", "arms", "defensiv"]')
    choices = "humanitarian, nonlethal, defensive, lethal"
    assert findings(text) == [
        f"line 10, phases[1].aid_classes: unknown aid class: 'arms' is not one of {choices}",
        f"line 10, phases[1].aid_classes: unknown aid class: 'defensiv' is not one of {choices}",
        "line 11, phases[1].areas: unknown capability area 'armor'"
        " (known: air_defence, medical, winterization)",
        "line 11, phases[1].areas: 'Air Defence' is not a capability area (a-z, 0-9, '_')",
        "line 11, phases[1].areas: 'x' is not a capability area (a-z, 0-9, '_')",
    ]


def test_additional_is_false_unless_the_document_says_true() -> None:
    assert not parse_policy(GOOD, filename="p.toml").additional
    text = GOOD.replace("valid_from = 2024-11-07", "valid_from = 2024-11-07\nadditional = true")
    assert parse_policy(text, filename="p.toml").additional


def test_additional_that_is_not_a_boolean_is_refused() -> None:
    text = GOOD.replace("valid_from = 2024-11-07", 'valid_from = 2024-11-07\nadditional = "yes"')
    assert findings(text) == ["line 3, additional: 'yes' is not true or false"]
