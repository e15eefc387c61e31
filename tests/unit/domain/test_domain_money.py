"""Money: one parser, exponents from one table, arithmetic within a currency, FX, splits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from builders import money, usd
from purldesk.domain.errors import CurrencyMismatch, InvalidInput
from purldesk.domain.money import (
    EXPONENTS,
    ROUNDING,
    USD,
    Conversion,
    Money,
    convert,
    currency,
    exponent,
    split,
    total,
)

# --- construction and parsing -------------------------------------------------------------


def test_parse_reads_thousands_separators_and_decimals() -> None:
    assert Money.parse("1,234.56", "USD") == usd(123_456)


@pytest.mark.parametrize(
    ("text", "expected_minor"),
    [("0", 0), ("0.01", 1), ("-12.5", -1_250), (" 7 ", 700), ("1_000", 100_000), ("3.10", 310)],
)
def test_parse_accepts_what_people_type(text: str, expected_minor: int) -> None:
    assert Money.parse(text, "USD").minor == expected_minor


@pytest.mark.parametrize("code", ["KRW", "JPY"])
def test_zero_decimal_currencies_take_whole_units(code: str) -> None:
    assert Money.parse("1,500", code) == money(1_500, code)
    assert EXPONENTS[code] == 0


def test_half_a_won_is_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.parse("1.5", "KRW", field="pledge_amount")
    assert caught.value.field == "pledge_amount"
    assert "KRW" in caught.value.message


def test_parse_rejects_with_the_default_field_name() -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.parse("1.005", "USD")
    assert caught.value.field == "amount"


def test_kuwaiti_dinar_has_three_decimals() -> None:
    assert Money.parse("1.234", "KWD") == money(1_234, "KWD")
    assert Money.parse("1.234", "KWD").format() == "KWD 1.234"
    with pytest.raises(InvalidInput):
        Money.parse("1.2345", "KWD")


@pytest.mark.parametrize("text", ["", "   ", "abc", "1.2.3", "NaN", "Infinity", "-inf", "$5"])
def test_parse_rejects_text_that_is_not_a_finite_number(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.parse(text, "USD", field="amount_usd")
    assert caught.value.field == "amount_usd"


@pytest.mark.parametrize("code", ["XXX", "usd", "", "DOLLARS"])
def test_unknown_currency_is_rejected_not_defaulted(code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.parse("1", code)
    assert caught.value.field == "currency"
    with pytest.raises(InvalidInput):
        Money(100, code)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        currency(code)
    with pytest.raises(InvalidInput):
        exponent(code)


@pytest.mark.parametrize("minor", [1.5, 1.0, Decimal("1"), True, "100"])
def test_money_takes_int_minor_units_only(minor: object) -> None:
    with pytest.raises(TypeError):
        Money(minor, USD)  # type: ignore[arg-type]


def test_float_never_becomes_money_through_of() -> None:
    with pytest.raises(TypeError):
        Money.of(0.1, "USD")  # type: ignore[arg-type]


def test_of_takes_major_units_as_decimal_int_or_text() -> None:
    assert Money.of(Decimal("12.34"), "EUR") == money(1_234, "EUR")
    assert Money.of(5, "JPY") == money(5, "JPY")
    assert Money.of("0.5", "USD") == usd(50)
    with pytest.raises(InvalidInput):
        Money.of(Decimal("0.001"), "USD")


def test_zero_is_zero_minor_units_of_the_currency() -> None:
    assert Money.zero("KWD") == money(0, "KWD")


def test_parse_never_rounds_an_amount_with_many_digits() -> None:
    text = "1234567890123456789012345678.91"
    try:
        parsed = Money.parse(text, "USD")
    except InvalidInput:
        return  # refusing is fine; rounding silently is not
    assert parsed.minor == 123456789012345678901234567891


# --- arithmetic ---------------------------------------------------------------------------


def test_arithmetic_within_one_currency() -> None:
    assert usd(150) + usd(50) == usd(200)
    assert usd(150) - usd(200) == usd(-50)
    assert -usd(150) == usd(-150)
    assert usd(150).times(3) == usd(450)
    assert usd(1).is_positive
    assert not usd(0).is_positive
    assert not usd(-1).is_positive


@pytest.mark.parametrize(
    "operation",
    [lambda a, b: a + b, lambda a, b: a - b],
    ids=["add", "subtract"],
)
def test_arithmetic_across_currencies_raises_currency_mismatch(operation: object) -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        operation(usd(100), money(100, "EUR"))  # type: ignore[operator]
    assert (caught.value.left, caught.value.right) == ("USD", "EUR")


def test_comparing_amounts_of_two_currencies_raises_currency_mismatch() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = usd(100) < money(200, "EUR")


def test_amounts_of_one_currency_compare_by_value() -> None:
    assert usd(100) < usd(200)
    assert sorted([usd(3), usd(-1), usd(2)]) == [usd(-1), usd(2), usd(3)]


@pytest.mark.parametrize("factor", [1.5, Decimal(2), True])
def test_times_takes_an_int_factor_only(factor: object) -> None:
    with pytest.raises(TypeError):
        usd(100).times(factor)  # type: ignore[arg-type]


def test_money_is_immutable() -> None:
    amount = usd(100)
    with pytest.raises(AttributeError):
        amount.minor = 5  # type: ignore[misc]


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (usd(57_825_000_000), "USD 578,250,000.00"),
        (usd(5), "USD 0.05"),
        (usd(-123_456), "USD -1,234.56"),
        (money(1_500_000, "KRW"), "KRW 1,500,000"),
        (money(7, "JPY"), "JPY 7"),
        (money(1_234_567, "KWD"), "KWD 1,234.567"),
    ],
)
def test_format_for_people(amount: Money, text: str) -> None:
    assert amount.format() == text
    assert str(amount) == text


def test_to_decimal_is_exact() -> None:
    assert usd(123_456).to_decimal() == Decimal("1234.56")
    assert money(5, "KWD").to_decimal() == Decimal("0.005")


# --- conversion ---------------------------------------------------------------------------


def test_acceptance_example_eur_500m_at_ecb_rate_of_4_august_2025() -> None:
    conversion = convert(
        Money.parse("500,000,000", "EUR"),
        target="USD",
        rate=Decimal("1.1565"),
        rate_date=date(2025, 8, 4),
        source="ECB",
    )
    assert conversion == Conversion(
        original=money(50_000_000_000, "EUR"),
        converted=usd(57_825_000_000),
        rate=Decimal("1.1565"),
        rate_date=date(2025, 8, 4),
        source="ECB",
    )
    assert conversion.converted.format() == "USD 578,250,000.00"


@pytest.mark.parametrize(
    ("original_minor", "expected_minor"),
    [(1, 0), (3, 2), (5, 2), (7, 4), (-3, -2), (-5, -2)],
    ids=["0.5->0", "1.5->2", "2.5->2", "3.5->4", "-1.5->-2", "-2.5->-2"],
)
def test_convert_rounds_half_to_even(original_minor: int, expected_minor: int) -> None:
    # EUR 0.01 at 0.5 is USD 0.005: exactly half a cent, so the even neighbour wins.
    result = convert(
        money(original_minor, "EUR"),
        target="USD",
        rate=Decimal("0.5"),
        rate_date=date(2025, 8, 4),
        source="test",
    )
    assert result.converted == usd(expected_minor)
    assert str(ROUNDING) == "ROUND_HALF_EVEN"


def test_convert_to_a_zero_decimal_currency() -> None:
    result = convert(
        usd(100), target="KRW", rate=Decimal("1380.555"), rate_date=date(2025, 8, 4), source="x"
    )
    assert result.converted == money(1_381, "KRW")


def test_convert_from_a_zero_decimal_currency() -> None:
    result = convert(
        money(1_000_000, "KRW"),
        target="USD",
        rate=Decimal("0.000721"),
        rate_date=date(2025, 8, 4),
        source="ECB",
    )
    assert result.converted == usd(72_100)


def test_convert_to_an_unknown_currency_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        convert(usd(100), target="XYZ", rate=Decimal(1), rate_date=date(2025, 8, 4), source="x")


def test_convert_refuses_a_float_rate() -> None:
    with pytest.raises(TypeError):
        convert(usd(100), target="EUR", rate=0.9, rate_date=date(2025, 8, 4), source="x")  # type: ignore[arg-type]


def test_conversion_records_its_source_default_ecb() -> None:
    assert Conversion(usd(1), usd(1), Decimal(1), date(2025, 8, 4)).source == "ECB"


# --- total --------------------------------------------------------------------------------


def test_total_adds_amounts_of_one_currency() -> None:
    assert total([usd(150), usd(250)], "USD") == usd(400)
    assert total([], "KRW") == Money.zero("KRW")


def test_total_refuses_an_amount_in_another_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        total([usd(150), money(250, "EUR")], "USD")


# --- split --------------------------------------------------------------------------------


def test_split_gives_largest_remainders_the_leftover_units() -> None:
    # exact shares 33.33.., 33.33.., 33.33..: one unit left, the earliest weight gets it
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    # exact shares 1.5, 3.5, 5 -> the two halves tie; leftover goes to the earlier weight
    assert split(10, [3, 7, 10]) == [2, 3, 5]
    # exact shares 0.7, 1.4, 2.1, 2.8 -> floors 0,1,2,2 (5), remainders .7,.4,.1,.8 -> 4th, 1st
    assert split(7, [1, 2, 3, 4]) == [1, 1, 2, 3]


def test_split_tie_break_goes_to_the_earlier_weight() -> None:
    assert split(1, [1, 1]) == [1, 0]
    assert split(2, [1, 1, 1]) == [1, 1, 0]
    assert split(1, [0, 2, 2]) == [0, 1, 0]


def test_split_sums_to_the_whole() -> None:
    parts = split(57_825_000_001, [3, 5, 7, 11])
    assert sum(parts) == 57_825_000_001


def test_split_gives_nothing_to_a_zero_weight() -> None:
    assert split(10, [0, 1, 0]) == [0, 10, 0]


def test_split_of_zero_is_all_zeros() -> None:
    assert split(0, [1, 2]) == [0, 0]


@pytest.mark.parametrize(("total", "weights"), [(-1, [1]), (1, []), (1, [0, 0]), (1, [2, -1])])
def test_split_rejects_negative_totals_and_bad_weights(total: int, weights: list[int]) -> None:
    with pytest.raises(ValueError):
        split(total, weights)


def test_usd_is_a_known_currency() -> None:
    assert currency("USD") == USD
    assert exponent("USD") == 2
