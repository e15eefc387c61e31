"""The reference rates conversions use: the latest of each currency, whether it is current,
and the rate a conversion into the pool's currency would take on a given day."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from purldesk.domain.access import Permission, Viewer
from purldesk.domain.money import USD, currency
from purldesk.domain.rates import EURO
from purldesk.services.ports import FxRates, LatestRate
from purldesk.services.rates import is_current


@dataclass(frozen=True, slots=True)
class RateRow:
    """The latest rate of one currency per euro; no rate at all leaves its fields None."""

    currency: str
    per_eur: Decimal | None
    rate_date: date | None
    source: str | None
    loaded_at: datetime | None  # None: bundled with the software, or no rate
    is_current: bool


@dataclass(frozen=True, slots=True)
class ConversionRow:
    """What converting `currency` into `into` on `on` would take: the rate and its day."""

    currency: str
    into: str
    on: date
    rate: Decimal  # units of `into` per unit of `currency`
    rate_date: date
    source: str


def shows_reference_rates(viewer: Viewer) -> bool:
    """Whoever keeps the rates, and whoever checks the conversions made with them."""
    return viewer.can(Permission.SET_FX_RATES) or viewer.can(Permission.VERIFY_LEDGER)


def reference_rates(
    fx: FxRates, *, today: date, currencies: Collection[str] | None = None
) -> list[RateRow]:
    """The latest rate on or before `today` of each of `currencies` (every currency with a
    rate if None) but the euro, the base of every rate, by currency; a currency asked for
    without any rate has a row saying so."""
    latest = fx.latest_rates(today, currencies=currencies)
    found: dict[str, LatestRate] = {each.rate.currency: each for each in latest}
    asked = sorted(set(found) if currencies is None else set(currencies) - {EURO})
    return [_row(code, found.get(code), today) for code in asked]


def _row(code: str, latest: LatestRate | None, today: date) -> RateRow:
    if latest is None:
        return RateRow(code, None, None, None, None, is_current=False)
    rate = latest.rate
    return RateRow(
        code, rate.per_eur, rate.rate_date, rate.source,
        rate.loaded_at if latest.stored else None, is_current=is_current(rate.rate_date, today),
    )  # fmt: skip


def conversion(fx: FxRates, *, code: str, on: date) -> ConversionRow:
    """The rate a conversion of `code` into the pool's currency on `on` would record, as a
    receipt takes it; FxRateUnavailable, naming the latest day known, if there is none."""
    known = currency(code)
    rate, rate_date, source = fx.rate(known, USD, on)
    return ConversionRow(known, USD, on, rate, rate_date, source)
