"""How every report shows a value: money, a figure that may be withheld, a day and missing
text in its JSON, and money in a sheet's cell."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from purldesk.domain.money import Money


def amount(money: Money) -> dict[str, Any]:
    """Money as every report shows it: minor units, the exact decimal, the currency."""
    return {
        "amount_minor": money.minor,
        "amount": f"{money.to_decimal():.{money.exponent}f}",
        "currency": money.currency,
    }


def figure(money: Money | None) -> dict[str, Any] | None:
    """A figure that may be withheld from the reader: null, the document saying why."""
    return None if money is None else amount(money)


def money_cell(money: Money | None) -> Decimal | str:
    """A sheet's cell for money; a withheld figure is an empty cell."""
    if money is None:
        return ""
    return money.to_decimal()  # scaleb keeps the currency's decimals: USD 1 is 1.00


def day(on: date | None) -> str | None:
    return None if on is None else on.isoformat()


def or_none(text: str) -> str | None:
    return text or None
