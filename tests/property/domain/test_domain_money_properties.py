"""Properties of money: text round trips, exact splits, deterministic and monotone FX."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import EXPONENTS, MAX_AMOUNT_MINOR, Money, convert, split
from strategies import currencies, decimal_strings, minor_units, money, weights

RATES = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal("100000"), places=6, allow_nan=False
)


@pytest.mark.parametrize("code", sorted(EXPONENTS))
@settings(max_examples=40)  # per currency: 37 currencies x 40
@given(data=st.data())
def test_format_then_parse_gives_back_the_same_money(code: str, data: st.DataObject) -> None:
    amount = data.draw(money(code))
    shown_code, number = amount.format().split(" ", 1)
    assert shown_code == code
    assert Money.parse(number, code) == amount


@given(data=st.data(), code=currencies())
def test_parse_reads_every_way_of_writing_an_amount(data: st.DataObject, code: str) -> None:
    text, minor = data.draw(decimal_strings(code))
    assert Money.parse(text, code) == Money(minor, code)  # type: ignore[arg-type]


@given(code=currencies(), whole=minor_units(min_value=0), last_digit=st.integers(1, 9))
def test_one_decimal_too_many_is_always_rejected(code: str, whole: int, last_digit: int) -> None:
    text = f"{whole}.{'0' * EXPONENTS[code]}{last_digit}"
    with pytest.raises(InvalidInput):
        Money.parse(text, code)


@given(total=st.integers(min_value=0, max_value=10**15), ws=weights())
def test_split_sums_to_the_total_and_each_part_is_within_one_of_its_share(
    total: int, ws: list[int]
) -> None:
    parts = split(total, ws)
    assert len(parts) == len(ws)
    assert sum(parts) == total
    weight_sum = sum(ws)
    for part, weight in zip(parts, ws, strict=True):
        exact = Fraction(total * weight, weight_sum)
        assert abs(part - exact) < 1
        assert part >= 0


@given(total=st.integers(min_value=0, max_value=10**12), ws=weights(max_size=8))
def test_split_favours_larger_remainders_then_earlier_weights(total: int, ws: list[int]) -> None:
    parts = split(total, ws)
    weight_sum = sum(ws)
    remainders = [total * w % weight_sum for w in ws]
    rounded_up = [
        i for i, (p, w) in enumerate(zip(parts, ws, strict=True)) if p * weight_sum > total * w
    ]
    rounded_down = [i for i in range(len(ws)) if i not in rounded_up and remainders[i]]
    for up in rounded_up:
        for down in rounded_down:
            assert (remainders[up], -up) > (remainders[down], -down)


@given(amount=money(), rate=RATES, target=currencies())
def test_convert_is_deterministic(amount: Money, rate: Decimal, target: str) -> None:
    def once() -> object:
        return convert(amount, target=target, rate=rate, rate_date=date(2025, 8, 4), source="ECB")

    assert once() == once()


@given(
    code=currencies(),
    a=minor_units(),
    b=minor_units(),
    rate=RATES,
    target=currencies(),
)
def test_convert_is_monotone_in_the_amount(
    code: str, a: int, b: int, rate: Decimal, target: str
) -> None:
    low, high = sorted((a, b))
    assume(low != high)

    def converted(minor: int) -> int:
        original = Money(minor, code)  # type: ignore[arg-type]
        day = date(2025, 8, 4)
        return convert(
            original, target=target, rate=rate, rate_date=day, source="t"
        ).converted.minor

    assert converted(low) <= converted(high)


@given(amount=money(), rate=RATES, target=currencies())
def test_convert_is_within_half_a_minor_unit_of_the_exact_value(
    amount: Money, rate: Decimal, target: str
) -> None:
    result = convert(amount, target=target, rate=rate, rate_date=date(2025, 8, 4), source="t")
    exact = Fraction(amount.minor) / 10**amount.exponent * Fraction(rate) * 10 ** EXPONENTS[target]
    assert abs(result.converted.minor - exact) <= Fraction(1, 2)
    assert result.original == amount
    assert result.rate == rate


@given(code=currencies(), minor=st.integers(-MAX_AMOUNT_MINOR, MAX_AMOUNT_MINOR))
def test_every_amount_within_the_bound_round_trips_parse_and_format(code: str, minor: int) -> None:
    amount = Money(minor, code)  # type: ignore[arg-type]
    assert Money.parse(amount.format().split(" ", 1)[1], code) == amount


@given(
    code=currencies(),
    beyond=st.integers(MAX_AMOUNT_MINOR + 1, 10**40),
    negative=st.booleans(),
)
def test_every_amount_beyond_the_bound_is_refused_naming_the_field(
    code: str, beyond: int, negative: bool
) -> None:
    text = (-Money(beyond, code) if negative else Money(beyond, code)).format()  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as refused:
        Money.parse(text.split(" ", 1)[1], code, field="amount")
    assert refused.value.field == "amount"
