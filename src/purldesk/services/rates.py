"""Use cases for reference rates: load the ECB's, record one from another official source, list."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from purldesk.domain.access import Permission
from purldesk.domain.dates import not_after
from purldesk.domain.errors import InvalidInput
from purldesk.domain.rates import FxRate, per_eur
from purldesk.services.handle import Command, Context, check_lengths, command
from purldesk.services.ports import UnitOfWork

ECB_SOURCE = "ECB eurofxref-hist"
NAME_MAX = 200  # a source's name, as stored
# ECB rates are published on working days: a gap longer than a long weekend means no update.
STALE_AFTER_DAYS = 4


@dataclass(frozen=True, slots=True)
class RateRow:
    """One rate of a file: units of `currency` per euro on `rate_date`."""

    currency: str
    rate_date: date
    per_eur: Decimal


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a load stored: how many rates were new of how many given, up to which day."""

    added: int
    given: int
    last_date: date | None


def store(uow: UnitOfWork, rates: Sequence[FxRate]) -> int:
    """Store the rates not stored yet, refusing any that differs from a stored one (or from
    another of the same currency and day given with it); rates are never revised."""
    unique: dict[tuple[str, date], FxRate] = {}
    for rate in rates:
        twin = unique.setdefault((rate.currency, rate.rate_date), rate)
        if twin.per_eur != rate.per_eur:
            raise InvalidInput(
                "rate",
                f"{rate.currency} on {rate.rate_date} is given twice: "
                f"{twin.per_eur} and {rate.per_eur}",
            )
    return uow.fx_rates.add(list(unique.values()))


def is_current(latest: date | None, today: date) -> bool:
    """Whether a rate of `latest` is as current as the ECB's publication on working days
    allows on `today`; None (no rate at all) never is."""
    return latest is not None and (today - latest).days <= STALE_AFTER_DAYS


def latest_rates(uow: UnitOfWork, *, currency: str | None = None) -> list[FxRate]:
    """The last stored rate of each currency (or of `currency`), by currency."""
    with uow:
        return [r for r in uow.fx_rates.latest() if currency is None or r.currency == currency]


# -- commands ----------------------------------------------------------------------------------


@command("fx.update", Permission.SET_FX_RATES)
class Update(Command[Loaded]):
    """Load reference rates per euro in the ECB's eurofxref-hist form; loading the same twice
    changes nothing."""

    rows: tuple[RateRow, ...]
    source_name: str  # the file or address read
    source: str = ECB_SOURCE

    def __post_init__(self) -> None:
        check_lengths(source_name=self.source_name)
        check_lengths(at_most=NAME_MAX, source=self.source)

    def execute(self, uow: UnitOfWork, context: Context) -> Loaded:
        rates = [
            per_eur(
                row.currency,
                not_after(row.rate_date, context.today, field="rate_date"),
                row.per_eur,
                source=self.source,
                at=context.at,
            )
            for row in self.rows
        ]
        added = store(uow, rates)
        last = max((row.rate_date for row in self.rows), default=None)
        return Loaded(added=added, given=len(rates), last_date=last)

    def target(self, result: Loaded) -> str:
        return self.source_name

    def document(self) -> dict[str, Any]:
        """The file's name, size and digest: the audit log does not copy every rate."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update(f"{row.currency},{row.rate_date},{row.per_eur}\n".encode())
        return {
            "source_name": self.source_name, "source": self.source,
            "rates": len(self.rows), "sha256": digest.hexdigest(),
        }  # fmt: skip


@command("fx.set", Permission.SET_FX_RATES)
class SetRate(Command[FxRate]):
    """Record one rate per euro from another official source, for a currency the ECB does not
    publish (such as UAH from the National Bank of Ukraine)."""

    currency: str
    rate_date: date
    per_eur: Decimal
    source: str

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InvalidInput("source", "name the official source of the rate")
        check_lengths(at_most=NAME_MAX, source=self.source)

    def execute(self, uow: UnitOfWork, context: Context) -> FxRate:
        day = not_after(self.rate_date, context.today, field="rate_date")
        rate = per_eur(self.currency, day, self.per_eur, source=self.source.strip(), at=context.at)
        store(uow, [rate])
        return rate

    def target(self, result: FxRate) -> str:
        return f"{result.currency}:{result.rate_date}"
