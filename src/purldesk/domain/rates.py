"""Reference rates per euro, as their official source published them, and their checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.money import Currency, currency

EURO = Currency("EUR")
# Far beyond any reference rate published (the ECB's widest is some 17,000 rupiah per euro), and
# so a rate typed or loaded wrongly cannot turn a bounded pledge into an unbounded USD amount.
MIN_PER_EUR = Decimal("0.000001")
MAX_PER_EUR = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class FxRate:
    """Units of `currency` per euro on `rate_date`, from `source`, loaded at `loaded_at`."""

    currency: Currency
    rate_date: date
    per_eur: Decimal
    source: str
    loaded_at: datetime

    def describe(self) -> str:
        return f"{self.currency} {self.per_eur} per EUR on {self.rate_date} ({self.source})"


def per_eur(code: str, rate_date: date, value: Decimal, *, source: str, at: datetime) -> FxRate:
    """A checked rate: a known currency other than the euro, a positive finite rate."""
    if currency(code) == EURO:
        raise InvalidInput("currency", "EUR is the base of every rate; it has none of its own")
    if not value.is_finite() or value <= 0:
        raise InvalidInput("rate", f"{value} is not a positive rate")
    if not MIN_PER_EUR <= value <= MAX_PER_EUR:
        raise InvalidInput(
            "rate", f"{value} per EUR is outside {MIN_PER_EUR} to {MAX_PER_EUR:,}: not a real rate"
        )
    return FxRate(Currency(code), rate_date, value, source, at)


class RateRevised(Conflict):
    """A stored reference rate came again with another value; published rates are never revised."""

    def __init__(self, stored: FxRate, given: Decimal) -> None:
        self.stored, self.given = stored, given
        super().__init__(
            f"{stored.currency} on {stored.rate_date} is already {stored.per_eur} per EUR "
            f"({stored.source}); {given} differs, and reference rates are never revised"
        )
