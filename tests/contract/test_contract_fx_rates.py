"""Stored reference rates read back exactly, by currency and the last day on or before a date
within a window; a rate stored once is never revised, and loading it again stores nothing — on
the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from purldesk.domain.money import Currency
from purldesk.domain.rates import FxRate, RateRevised
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
LOADED = datetime(2026, 11, 30, 9, 0, 0, 125000, tzinfo=UTC)


def rate(currency: str, day: int, per_eur: str, source: str = "ECB eurofxref-hist") -> FxRate:
    return FxRate(Currency(currency), date(2026, 11, day), Decimal(per_eur), source, LOADED)


RATES = [rate("USD", 26, "1.0412"), rate("USD", 27, "1.0431"), rate("JPY", 27, "158.92")]


def stored(uow_factory: UowFactory, rates: list[FxRate]) -> int:
    with uow_factory() as uow:
        count = uow.fx_rates.add(rates)
        uow.commit()
        return count


def test_rates_read_back_exactly_by_the_last_day_within_the_window(
    uow_factory: UowFactory,
) -> None:
    assert stored(uow_factory, RATES) == 3
    with uow_factory() as uow:
        found = uow.fx_rates.find("USD", date(2026, 11, 30), since=date(2026, 11, 23))
        assert found == RATES[1]  # the last day on or before, to the digit and the microsecond
        assert uow.fx_rates.find("USD", date(2026, 11, 26), since=date(2026, 11, 19)) == RATES[0]
        assert uow.fx_rates.find("USD", date(2026, 11, 25), since=date(2026, 11, 18)) is None
        assert uow.fx_rates.find("USD", date(2026, 12, 9), since=date(2026, 12, 2)) is None
        assert uow.fx_rates.find("GBP", date(2026, 11, 30), since=date(2026, 11, 1)) is None
        assert uow.fx_rates.currencies() == frozenset({"USD", "JPY"})
        assert uow.fx_rates.latest() == [RATES[2], RATES[1]]


def test_loading_the_same_rates_again_stores_nothing(uow_factory: UowFactory) -> None:
    assert stored(uow_factory, RATES) == 3
    assert stored(uow_factory, [*RATES, rate("USD", 28, "1.0399")]) == 1
    with uow_factory() as uow:
        assert [r.rate_date.day for r in uow.fx_rates.latest()] == [27, 28]


def test_a_revised_rate_is_refused_and_nothing_of_its_load_is_stored(
    uow_factory: UowFactory,
) -> None:
    stored(uow_factory, RATES)
    with uow_factory() as uow, pytest.raises(RateRevised):
        uow.fx_rates.add([rate("GBP", 27, "0.8321"), rate("USD", 27, "1.0500")])
    with uow_factory() as uow:
        assert uow.fx_rates.currencies() == frozenset({"USD", "JPY"})
        assert uow.fx_rates.find("USD", date(2026, 11, 27), since=date(2026, 11, 27)) == RATES[1]
