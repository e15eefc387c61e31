"""Loading reference rates over the in-memory unit of work: a rate dated after today, or no real
rate, refuses the whole load, and nothing is stored. The latest rates shown (over the stored
rates of the fake and the bundled ones): the later of the two, and whether it is current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.adapters.fx import EcbRates
from purldesk.domain.access import operator
from purldesk.domain.errors import InvalidInput
from purldesk.services import rates
from purldesk.services.handle import Context, handle
from purldesk.services.views import rates as rate_views

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


# -- the latest rates, as the dashboard's panel and the API show them ----------------------------

DAY = date(2025, 12, 8)  # a Monday: the bundled ECB rates have one of that day


def reference_rows(
    uow: Callable[[], FakeUnitOfWork], *codes: str, on: date = DAY
) -> dict[str, rate_views.RateRow]:
    """The panel's rows over the stored rates of `uow` and the bundled ones."""
    with uow() as opened:
        fx = EcbRates(opened.fx_rates)
        return {r.currency: r for r in rate_views.reference_rates(fx, today=on, currencies=codes)}


def test_the_bundled_rate_is_shown_as_bundled_and_a_currency_without_one_says_so(
    uow: Callable[[], FakeUnitOfWork],
) -> None:
    rows = reference_rows(uow, "USD", "UAH", "EUR")
    assert set(rows) == {"USD", "UAH"}  # the euro is the base of every rate
    usd = rows["USD"]
    assert (usd.rate_date, usd.source, usd.loaded_at, usd.is_current) == (DAY, "ECB", None, True)
    assert rows["UAH"] == rate_views.RateRow("UAH", None, None, None, None, is_current=False)


@pytest.mark.parametrize(
    ("stored_on", "shown"), [(DAY, "stored"), (DAY - timedelta(days=3), "bundled")]
)
def test_the_later_of_the_stored_and_the_bundled_rate_is_shown_the_stored_on_a_tie(
    uow: Callable[[], FakeUnitOfWork], stored_on: date, shown: str
) -> None:
    command = rates.SetRate(currency="USD", rate_date=stored_on, per_eur=Decimal("1.5"), source="T")
    handle(uow(), command, context=CONTEXT)
    usd = reference_rows(uow, "USD")["USD"]
    assert usd.rate_date == DAY
    assert (usd.source, usd.loaded_at is not None) == (
        ("T", True) if shown == "stored" else ("ECB", False)
    )


@pytest.mark.parametrize(("age_days", "current"), [(0, True), (4, True), (5, False)])
def test_a_rate_is_current_up_to_a_long_weekend_old(age_days: int, current: bool) -> None:
    assert rates.is_current(DAY - timedelta(days=age_days), DAY) is current
    assert rates.is_current(None, DAY) is False
