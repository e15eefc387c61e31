"""`purldesk whatif`: which lines gain or lose funding under hypotheses; nothing is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import (
    application,
    console,
    day_or_today,
    optional_date,
    print_json,
    print_table,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption, KnownOnOption

if TYPE_CHECKING:
    from purldesk.services.whatif import WhatIf


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
    as_known_on: KnownOnOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Compare the cycle's allocation as is with the allocation under the hypotheses given.

    Nothing is written: the database is read in one transaction that is rolled back.
    """
    from purldesk.adapters.exports.whatif import whatif_document
    from purldesk.adapters.imports.scenarios import parse_scenario
    from purldesk.services import requirements
    from purldesk.services import whatif as service

    known_on = optional_date(as_known_on, "as_known_on")
    with application(db) as wired:
        day = day_or_today(on, wired.clock.now())
        scenario = parse_scenario(
            indicators=indicator or [], pledges=pledge or [], phases=phase or [],
            prices=price or [], prefix="--",
        )  # fmt: skip
        cycle_id = requirements.cycle_by_name_or_id(wired.uow(), text=cycle).id
        result = service.whatif(
            wired.uow(), wired.fx, cycle_id=cycle_id, on=day, scenario=scenario,
            at=wired.clock.now(), known_on=known_on,
        )  # fmt: skip
    if json_output:
        print_json(whatif_document(result))
        return
    _print(result)


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
        print_table(table)
    _print_reasons(result)
    before = sum(line.funded_minor for line in result.baseline.lines)
    after = sum(line.funded_minor for line in result.modified.lines)
    _print_substitutions(result)
    console.print(f"total funded: {_usd(before)} -> {_usd(after)}; nothing was stored")


def _print_reasons(result: WhatIf) -> None:
    """Why each line that changes is still short under the hypotheses; how many others are."""
    changed = {c.ref for c in result.lines}
    shown = [r for r in result.reasons if r.line in changed]
    for reason in shown:
        console.print(f"{reason.line} [{reason.cause}]: {reason.message}", markup=False)
    others = len(result.reasons) - len(shown)
    if others:
        console.print(f"{others} other short line(s), funded as before (see --json)")


def _print_substitutions(result: WhatIf) -> None:
    """Per pledging contributor, the lines its money took over and where the other money went."""
    for found in result.substitutions:
        effect = found.effect
        if effect.is_empty:
            console.print(found.sentence)
            continue
        table = Table(
            "other money", "line", "amount",
            title=f"substitution: what {found.name}'s money took over, where other money went",
        )  # fmt: skip
        for label, lines in (
            ("taken over", effect.took_over),
            ("also left", effect.left),
            ("went to", effect.went_to),
        ):
            for line in lines:
                table.add_row(label, line.ref, line.amount.format() if line.amount else "")
        if effect.unallocated is not None and effect.unallocated.minor:
            table.add_row("stayed unallocated", "", effect.unallocated.format())
        print_table(table)
