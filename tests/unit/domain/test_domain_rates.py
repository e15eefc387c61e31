"""A reference rate per euro is a real one: positive, and within what any currency is worth."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from purldesk.domain.errors import InvalidInput
from purldesk.domain.rates import MAX_PER_EUR, MIN_PER_EUR, per_eur

AT = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", [MIN_PER_EUR, Decimal("1.0412"), Decimal(17_000), MAX_PER_EUR])
def test_rates_within_the_bounds_are_kept(value: Decimal) -> None:
    assert per_eur("USD", date(2026, 11, 30), value, source="s", at=AT).per_eur == value


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (Decimal(0), "not a positive rate"),
        (Decimal(-1), "not a positive rate"),
        (Decimal("1E+30"), "not a real rate"),
        (MAX_PER_EUR + 1, "not a real rate"),
        (MIN_PER_EUR / 10, "not a real rate"),
    ],
)
def test_a_rate_no_currency_has_is_refused_naming_the_field(value: Decimal, said: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        per_eur("USD", date(2026, 11, 30), value, source="s", at=AT)
    assert refused.value.field == "rate" and said in refused.value.message
