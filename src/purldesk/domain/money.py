"""Money in integer minor units of an ISO 4217 currency; one parser, exact splits, FX values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact, InvalidOperation
from typing import NewType

from purldesk.domain.errors import CurrencyMismatch, InvalidInput

Currency = NewType("Currency", str)

ROUNDING = ROUND_HALF_EVEN

# ISO 4217 minor-unit exponents. Deliberately explicit: an unknown currency is an error,
# never a default of 2 decimals. Covers the ECB reference-rate currencies and a few more.
EXPONENTS: Mapping[str, int] = {
    "AUD": 2, "BGN": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2,
    "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0,
    "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "MYR": 2, "NOK": 2, "NZD": 2, "PHP": 2,
    "PLN": 2, "RON": 2, "SEK": 2, "SGD": 2, "THB": 2, "TRY": 2, "UAH": 2, "USD": 2,
    "ZAR": 2, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

USD = Currency("USD")

# The bound on every amount that comes in (a pledge, a price, a cap, a package target), in
# minor units: USD 10 trillion, KRW 1 quadrillion, far above any real pledge or price. Totals
# over many inputs may exceed it, so Money itself is unbounded; what bounds the inputs keeps
# each stored value and each product of a bounded price and a bounded quantity far inside the
# 64-bit integers (2**63 - 1 is about 9.2 * 10**18) of both databases.
MAX_AMOUNT_MINOR = 10**15
# The bound on every count of units or lots that comes in; a line's cost (lots times the lot
# price) must still be within MAX_AMOUNT_MINOR.
MAX_QUANTITY = 10**9

# Arithmetic on amounts is exact: a result that would need rounding raises Inexact.
EXACT = Context(prec=80, traps=[Inexact, InvalidOperation])


def currency(code: str) -> Currency:
    """Return `code` as a known ISO 4217 currency, or raise InvalidInput."""
    if code not in EXPONENTS:
        raise InvalidInput("currency", f"unknown ISO 4217 currency {code!r}")
    return Currency(code)


def convertible(code: str, rated: Iterable[str], *, field: str = "currency") -> Currency:
    """`code`, if it is a known currency among those a rate source can convert to USD; money
    that could never be received is refused when pledged, naming the currencies accepted."""
    accepted = sorted(set(EXPONENTS).intersection(rated))
    if code not in accepted:
        raise InvalidInput(
            field,
            f"{code} has no reference rate; the accepted currencies are {', '.join(accepted)}",
        )
    return Currency(code)


def exponent(code: str) -> int:
    """Number of decimal places of the currency's minor unit."""
    return EXPONENTS[currency(code)]


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency in integer minor units (12_345 is USD 123.45; KRW has none)."""

    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        if type(self.minor) is not int:
            raise TypeError(f"Money takes int minor units, not {type(self.minor).__name__}")
        if self.currency not in EXPONENTS:
            raise InvalidInput("currency", f"unknown ISO 4217 currency {self.currency!r}")

    @classmethod
    def zero(cls, code: str) -> Money:
        return cls(0, currency(code))

    @classmethod
    def of(cls, amount: Decimal | int | str, code: str) -> Money:
        """Money from an amount in major units; more decimals than the currency has is an error."""
        if isinstance(amount, bool | float):
            raise TypeError(f"Money is never made from {type(amount).__name__}")
        return cls.parse(str(amount), code)

    @classmethod
    def parse(cls, text: str, code: str, *, field: str = "amount") -> Money:
        """Parse '1,234.56' in major units of `code`; never rounds silently."""
        cur = currency(code)
        cleaned = text.strip().replace(",", "").replace("_", "")
        if not cleaned:
            raise InvalidInput(field, "is empty")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise InvalidInput(field, f"{text!r} is not a decimal number") from None
        if not value.is_finite():
            raise InvalidInput(field, f"{text!r} is not a finite number")
        try:
            scaled = value.scaleb(EXPONENTS[cur], context=EXACT)
        except Inexact:
            raise InvalidInput(field, f"{text!r} has too many digits") from None
        if abs(scaled) > MAX_AMOUNT_MINOR:
            raise _beyond_bound(field, repr(text), cur)
        if scaled != scaled.to_integral_value():
            raise InvalidInput(
                field, f"{text!r} has more than {EXPONENTS[cur]} decimal place(s) for {cur}"
            )
        return cls(int(scaled), cur)

    @property
    def exponent(self) -> int:
        return EXPONENTS[self.currency]

    def to_decimal(self) -> Decimal:
        """The amount in major units, exactly."""
        return Decimal(self.minor).scaleb(-self.exponent, context=EXACT)

    def format(self) -> str:
        """'USD 578,250,000.00', for people."""
        return f"{self.currency} {self.to_decimal():,.{self.exponent}f}"

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def times(self, factor: int) -> Money:
        if type(factor) is not int:
            raise TypeError("Money multiplies by int only")
        return Money(self.minor * factor, self.currency)

    @property
    def is_positive(self) -> bool:
        return self.minor > 0

    def __str__(self) -> str:
        return self.format()


def _beyond_bound(field: str, what: str, code: Currency) -> InvalidInput:
    bound = Money(MAX_AMOUNT_MINOR, code)
    return InvalidInput(field, f"{what} is more than the bound on one amount, {bound}")


def bounded(money: Money, field: str, *, what: str = "") -> Money:
    """`money`, if it is within the bound on one input amount; InvalidInput naming `field`
    (and saying `what` the amount is, where the field alone does not) otherwise."""
    if abs(money.minor) > MAX_AMOUNT_MINOR:
        raise _beyond_bound(field, what or str(money), money.currency)
    return money


def bounded_quantity(count: int, field: str) -> int:
    """`count`, if it is within the bound on one input count of units or lots."""
    if count > MAX_QUANTITY:
        raise InvalidInput(field, f"must be at most {MAX_QUANTITY:,}")
    return count


def total(amounts: Iterable[Money], code: str) -> Money:
    """The sum of `amounts`, each in currency `code` (CurrencyMismatch otherwise); zero if none."""
    result = Money.zero(code)
    for amount in amounts:
        result += amount
    return result


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder; parts always sum to total.

    Ties in remainder go to the earlier weight, so callers order weights by a stable key.
    """
    if total < 0:
        raise ValueError("split takes a non-negative total")
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("split needs non-negative weights with a positive sum")
    weight_sum = sum(weights)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


@dataclass(frozen=True, slots=True)
class Conversion:
    """A recorded FX conversion: what was converted, at which rate of which day, from where."""

    original: Money
    converted: Money
    rate: Decimal
    rate_date: date
    source: str = "ECB"


def convert(
    original: Money, *, target: str, rate: Decimal, rate_date: date, source: str
) -> Conversion:
    """Convert at `rate` (target per source unit), rounding half-even to the minor unit."""
    tgt = currency(target)
    if rate <= 0:
        raise InvalidInput("rate", f"{rate} is not a positive rate")
    exact = EXACT.multiply(original.to_decimal(), rate).scaleb(EXPONENTS[tgt], context=EXACT)
    minor = exact.quantize(Decimal(1), rounding=ROUNDING, context=Context(prec=80))
    return Conversion(original, Money(int(minor), tgt), rate, rate_date, source)
