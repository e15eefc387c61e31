"""The `when` language: parsing, precedence, errors with their column, three-valued truth."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from purldesk.domain.conditions import (
    AllOf,
    AnyOf,
    Compare,
    ConditionSyntaxError,
    Constant,
    Not,
    Observed,
    Op,
    evaluate,
    indicators_in,
    parse_condition,
    truth,
)
from purldesk.domain.indicators import Observation, ObservationId


def obs(name: str, value: int, *, id: int = 1, on: date = date(2025, 1, 1)) -> Observation:
    return Observation(
        ObservationId(id),
        name,
        Decimal(value),
        on,
        "https://example.org",
        datetime(2025, 1, 1, tzinfo=UTC),
    )


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    parsed = parse_condition("a > 1 or not b < 2 and c == 3")
    assert parsed == AnyOf(
        (
            Compare("a", Op.GT, Decimal(1)),
            AllOf((Not(Compare("b", Op.LT, Decimal(2))), Compare("c", Op.EQ, Decimal(3)))),
        )
    )


def test_a_number_on_the_left_is_turned_around() -> None:
    assert parse_condition("20_000 <= troops") == Compare("troops", Op.GE, Decimal(20000))


def test_parameters_are_constants_and_keep_their_name() -> None:
    parsed = parse_condition("troops >= limit", parameters={"limit": Decimal(20000)})
    assert parsed == Compare("troops", Op.GE, Decimal(20000), parameter="limit")
    assert str(parsed) == "troops >= limit (20000)"


def test_parentheses_observed_and_literals() -> None:
    parsed = parse_condition("(observed(x) and true) or false")
    assert parsed == AnyOf((AllOf((Observed("x"), Constant(True))), Constant(False)))
    assert indicators_in(parse_condition("x > 1 and not (y < 3 or observed(z))")) == {"x", "y", "z"}


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("", 1, "empty"),
        ("x >", 4, "expected an indicator"),
        ("x 5", 3, "expected a comparison"),
        ("x >= 5 and", 11, "expected an indicator"),
        ("(x >= 5", 8, "expected ')'"),
        ("x >= 5 y", 8, "after a complete condition"),
        ("x >= y", 6, "not a parameter"),
        ("1 < 2", 1, "needs an indicator"),
        ("x >= 5 $", 8, "unexpected '$'"),
        ("observed(and)", 10, "indicator name"),
    ],
)
def test_a_syntax_error_names_its_column(text: str, column: int, words: str) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)
    assert caught.value.column == column
    assert words in caught.value.message
    assert caught.value.field == "when"


def test_truth_is_three_valued_when_an_indicator_was_never_observed() -> None:
    condition = parse_condition("x > 1 or y > 1")
    assert truth(condition, {"x": Decimal(2)}) is True
    assert truth(condition, {"x": Decimal(0)}) is None
    assert truth(condition, {"x": Decimal(0), "y": Decimal(0)}) is False
    assert truth(parse_condition("not x > 1"), {}) is None
    assert truth(parse_condition("x > 1 and y > 1"), {"x": Decimal(0)}) is False
    assert truth(parse_condition("observed(x)"), {}) is False


def test_evidence_is_the_observation_that_decided() -> None:
    x, y = obs("x", 5, id=1), obs("y", 0, id=2)
    holds = evaluate(parse_condition("x > 1 or y > 1"), {"x": x, "y": y})
    assert holds.value is True and holds.evidence == (x,)
    fails = evaluate(parse_condition("y > 1 and x > 1"), {"x": x, "y": y})
    assert fails.value is False and fails.evidence == (y,)
    both = evaluate(parse_condition("x > 9 or y > 1"), {"x": x, "y": y})
    assert both.value is False and both.evidence == (x, y)
    unknown = evaluate(parse_condition("z > 1"), {"x": x})
    assert unknown.value is None and unknown.missing == ("z",)
