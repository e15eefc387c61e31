"""Loading reference rates over the in-memory unit of work: a rate dated after today, or no real
rate, refuses the whole load, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.errors import InvalidInput
from purldesk.services import rates
from purldesk.services.handle import Context, handle

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CONTEXT = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())


@pytest.fixture
def uow() -> Callable[[], FakeUnitOfWork]:
    return fake_uow_factory(FakeDatabase())


def load(uow: Callable[[], FakeUnitOfWork], *rows: rates.RateRow) -> rates.Loaded:
    command = rates.Update(rows=rows, source_name="eurofxref-hist.csv")
    return handle(uow(), command, context=CONTEXT).value


def row(day: date, per_eur: str, currency: str = "USD") -> rates.RateRow:
    return rates.RateRow(currency=currency, rate_date=day, per_eur=Decimal(per_eur))


def test_rates_up_to_today_are_loaded(uow: Callable[[], FakeUnitOfWork]) -> None:
    loaded = load(uow, row(date(2026, 11, 27), "1.0431"), row(date(2026, 11, 30), "1.0412"))
    assert (loaded.added, loaded.last_date) == (2, date(2026, 11, 30))


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (row(date(2026, 12, 1), "1.04"), "rate_date: 2026-12-01 is after today (2026-11-30)"),
        (row(date(2026, 11, 27), "1E+30", "JPY"), "rate: 1E+30 per EUR is outside"),
    ],
)
def test_a_file_with_a_bad_rate_stores_nothing(
    uow: Callable[[], FakeUnitOfWork], bad: rates.RateRow, said: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        load(uow, row(date(2026, 11, 27), "1.0431"), bad)
    assert str(refused.value).startswith(said)
    with uow() as opened:
        assert opened.fx_rates.currencies() == frozenset()
