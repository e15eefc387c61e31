"""What-if hypotheses as the command line and the API write them."""

from __future__ import annotations

from collections.abc import Sequence

from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import parse_value
from purldesk.domain.money import Money
from purldesk.services.whatif import Pledge, Scenario


def parse_scenario(
    *,
    indicators: Sequence[str],
    pledges: Sequence[str],
    phases: Sequence[str],
    prices: Sequence[str],
    prefix: str = "",
) -> Scenario:
    """Hypotheses written as text (NAME=VALUE, ORG:AMOUNT:CURRENCY, ORG:PHASE, ITEM:+N%) as a
    Scenario; a malformed one is InvalidInput naming its option, `prefix` first ("--" for
    the command line)."""
    parsed_indicators = []
    for text in indicators:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{prefix}indicator", f"{text!r} is not NAME=VALUE")
        parsed_indicators.append((name.strip(), parse_value(value, field=f"{prefix}indicator")))
    parsed_pledges: list[Pledge] = []
    for text in pledges:
        parts = text.split(":")
        if len(parts) != 3:
            raise InvalidInput(f"{prefix}pledge", f"{text!r} is not ORG:AMOUNT:CURRENCY")
        org, amount, currency = parts
        money = Money.parse(amount, currency.strip().upper(), field=f"{prefix}pledge")
        if not money.is_positive:
            raise InvalidInput(f"{prefix}pledge", f"{text!r}: the amount must be positive")
        parsed_pledges.append(Pledge(org.strip().upper(), money))
    parsed_phases = []
    for text in phases:
        org, sep, name = text.partition(":")
        if not sep or not org.strip() or not name.strip():
            raise InvalidInput(f"{prefix}phase", f"{text!r} is not ORG:PHASE")
        parsed_phases.append((org.strip().upper(), name.strip()))
    parsed_prices = []
    for text in prices:
        item, sep, change = text.partition(":")
        change = change.strip()
        if not sep or not item.strip() or not change.endswith("%") or change[0] not in "+-":
            raise InvalidInput(f"{prefix}price", f"{text!r} is not ITEM:+N% or ITEM:-N%")
        parsed_prices.append(
            (item.strip().upper(), parse_value(change[:-1], field=f"{prefix}price"))
        )
    return Scenario(
        indicators=tuple(parsed_indicators), pledges=tuple(parsed_pledges),
        phases=tuple(parsed_phases), prices=tuple(parsed_prices),
    )  # fmt: skip
