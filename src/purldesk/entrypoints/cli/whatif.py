"""`purldesk whatif`: which lines gain or lose funding under hypotheses; nothing is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from purldesk.domain.errors import InvalidInput, NotFound
from purldesk.entrypoints.cli.common import (
    DbOption,
    JsonOption,
    application,
    console,
    parse_date,
    print_json,
)

if TYPE_CHECKING:
    from purldesk.services.ports import UnitOfWork
    from purldesk.services.whatif import Pledge, Scenario, WhatIf


def whatif(
    cycle: Annotated[str, typer.Option("--cycle", help="Cycle name (or id).")],
    on: Annotated[
        str | None, typer.Option("--on", help="Allocation date (YYYY-MM-DD); default today.")
    ] = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", help="NAME=VALUE observed on the allocation date."),
    ] = None,
    pledge: Annotated[
        list[str] | None,
        typer.Option("--pledge", help="ORG:AMOUNT:CURRENCY pledged and received that day."),
    ] = None,
    phase: Annotated[
        list[str] | None, typer.Option("--phase", help="ORG:PHASE put in force by hand.")
    ] = None,
    price: Annotated[
        list[str] | None, typer.Option("--price", help="ITEM:+20% (or -5%) change of a price.")
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Compare the cycle's allocation as is with the allocation under the hypotheses given.

    Nothing is written: the database is read in one transaction that is rolled back.
    """
    from purldesk.services import whatif as service

    with application(db) as wired:
        day = parse_date(on, "on") if on else wired.clock.now().date()
        scenario = parse_scenario(
            indicators=indicator or [], pledges=pledge or [], phases=phase or [],
            prices=price or [],
        )  # fmt: skip
        cycle_id = _cycle_id(wired.uow(), cycle)
        result = service.whatif(
            wired.uow(), wired.fx, cycle_id=cycle_id, on=day, scenario=scenario,
            at=wired.clock.now(),
        )  # fmt: skip
    if json_output:
        print_json(to_json(result))
        return
    _print(result)


def parse_scenario(
    *, indicators: list[str], pledges: list[str], phases: list[str], prices: list[str]
) -> Scenario:
    """The command's options as a Scenario; a malformed one is InvalidInput naming the option."""
    from purldesk.domain.indicators import parse_value
    from purldesk.domain.money import Money
    from purldesk.services.whatif import Pledge, Scenario

    parsed_indicators = []
    for text in indicators:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise InvalidInput("--indicator", f"{text!r} is not NAME=VALUE")
        parsed_indicators.append((name.strip(), parse_value(value, field="--indicator")))
    parsed_pledges: list[Pledge] = []
    for text in pledges:
        parts = text.split(":")
        if len(parts) != 3:
            raise InvalidInput("--pledge", f"{text!r} is not ORG:AMOUNT:CURRENCY")
        org, amount, currency = parts
        money = Money.parse(amount, currency.strip().upper(), field="--pledge")
        if not money.is_positive:
            raise InvalidInput("--pledge", f"{text!r}: the amount must be positive")
        parsed_pledges.append(Pledge(org.strip().upper(), money))
    parsed_phases = []
    for text in phases:
        org, sep, name = text.partition(":")
        if not sep or not org.strip() or not name.strip():
            raise InvalidInput("--phase", f"{text!r} is not ORG:PHASE")
        parsed_phases.append((org.strip().upper(), name.strip()))
    parsed_prices = []
    for text in prices:
        item, sep, change = text.partition(":")
        change = change.strip()
        if not sep or not item.strip() or not change.endswith("%") or change[0] not in "+-":
            raise InvalidInput("--price", f"{text!r} is not ITEM:+N% or ITEM:-N%")
        parsed_prices.append((item.strip().upper(), parse_value(change[:-1], field="--price")))
    return Scenario(
        indicators=tuple(parsed_indicators), pledges=tuple(parsed_pledges),
        phases=tuple(parsed_phases), prices=tuple(parsed_prices),
    )  # fmt: skip


def _cycle_id(uow: UnitOfWork, name: str) -> Any:
    from purldesk.services import requirements

    try:
        return requirements.resolve_cycle(uow, name=name).id
    except NotFound:
        if not name.isdigit():
            raise
        for found in requirements.list_cycles(uow):
            if found.id == int(name):
                return found.id
        raise


def to_json(result: WhatIf) -> dict[str, Any]:
    from purldesk.adapters.exports.json import amount

    scenario = result.scenario
    before = sum(line.funded_minor for line in result.baseline.lines)
    after = sum(line.funded_minor for line in result.modified.lines)
    return {
        "cycle": result.cycle, "on": result.on.isoformat(), "currency": "USD",
        "scenario": {
            "indicators": [{"name": n, "value": str(v)} for n, v in scenario.indicators],
            "pledges": [
                {"contributor": p.contributor, "amount": amount(p.amount),
                 "amount_minor": p.amount.minor, "currency": p.amount.currency}
                for p in scenario.pledges
            ],
            "phases": [{"contributor": c, "phase": p} for c, p in scenario.phases],
            "prices": [{"item": i, "percent": str(p)} for i, p in scenario.prices],
        },
        "phases": [
            {"contributor": p.contributor, "before": p.before, "after": p.after}
            for p in result.phases
        ],
        "lines": [
            {"ref": c.ref, "rank": c.rank, "aid_class": c.aid_class, "area": c.area,
             "lots_before": c.lots_before, "lots_after": c.lots_after,
             "funded_before_minor": c.funded_before_minor,
             "funded_after_minor": c.funded_after_minor, "change_minor": c.change_minor}
            for c in result.lines
        ],
        "funds": [
            {"id": f.id, "contributor": f.contributor, "used_before_minor": f.used_before_minor,
             "used_after_minor": f.used_after_minor,
             "change_minor": f.used_after_minor - f.used_before_minor}
            for f in result.funds
        ],
        "totals": {
            "funded_before_minor": before, "funded_after_minor": after,
            "change_minor": after - before,
        },
    }  # fmt: skip


def _usd(minor: int) -> str:
    from purldesk.domain.money import USD, Money

    return Money(minor, USD).format()


def _print(result: WhatIf) -> None:
    for change in result.phases:
        if change.before != change.after:
            console.print(
                f"{change.contributor}: phase {change.before} -> {change.after} on {result.on}"
            )
    if not result.lines:
        console.print(f"cycle {result.cycle} on {result.on}: no line gains or loses funding")
    else:
        table = Table(
            "rank", "ref", "aid class", "area", "lots", "funded before", "funded after", "change",
            title=f"cycle {result.cycle} on {result.on}: lines that gain or lose funding",
        )  # fmt: skip
        for c in result.lines:
            sign = "+" if c.change_minor > 0 else ""
            table.add_row(
                str(c.rank), c.ref, c.aid_class, c.area, f"{c.lots_before} -> {c.lots_after}",
                _usd(c.funded_before_minor), _usd(c.funded_after_minor),
                sign + _usd(c.change_minor),
            )  # fmt: skip
        console.print(table)
    before = sum(line.funded_minor for line in result.baseline.lines)
    after = sum(line.funded_minor for line in result.modified.lines)
    console.print(f"total funded: {_usd(before)} -> {_usd(after)}; nothing was stored")
