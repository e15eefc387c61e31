"""`purldesk cycles`: rounds of the requirements list and their lifecycle."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import (
    command_group,
    console,
    execute,
    parse_date,
    print_listing,
    read,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption

app = command_group("Open cycles and move them along: submit, endorse, close.")


@app.command("open")
def open_(
    name: Annotated[str, typer.Argument(help="A name such as 2025-09.")],
    on: Annotated[str, typer.Option("--on", help="Date the cycle opens (YYYY-MM-DD).")],
    carry_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="An endorsed or closed cycle whose active lines not fully funded are carried.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Open a new cycle, in draft; with --from, it starts with the previous cycle's unfunded
    lines, in their order, each asking for what is still needed."""
    from purldesk.services import requirements

    opening = requirements.OpenCycle(
        name=name, opens_on=parse_date(on, "on"), carry_from=carry_from
    )
    cycle = execute(db, opening)
    if carry_from is None:
        console.print(f"opened cycle {cycle.name} (draft)")
        return
    carried = read(db, partial(requirements.list_lines, cycle_id=cycle.id))
    console.print(
        f"opened cycle {cycle.name} (draft); {len(carried)} line(s) carried from {carry_from}"
    )


def _move(name: str, step: str, db: str | None) -> None:
    from purldesk.services import requirements

    move = {
        "submit": requirements.SubmitCycle, "endorse": requirements.EndorseCycle,
        "close": requirements.CloseCycle,
    }[step]  # fmt: skip
    moved = execute(db, move(cycle=name))
    console.print(f"cycle {moved.name} is {moved.status}")


@app.command("submit")
def submit(name: str, db: DbOption = None) -> None:
    """The recipient submits its list."""
    _move(name, "submit", db)


@app.command("endorse")
def endorse(name: str, db: DbOption = None) -> None:
    """The coordinator endorses the submitted list."""
    _move(name, "endorse", db)


@app.command("close")
def close(name: str, db: DbOption = None) -> None:
    """Close an endorsed cycle."""
    _move(name, "close", db)


@app.command("list")
def list_(json_output: JsonOption = False, db: DbOption = None) -> None:
    """List cycles, oldest first."""
    from purldesk.adapters.exports import json as views
    from purldesk.services import requirements

    cycles = read(db, requirements.list_cycles)
    print_listing(
        cycles, json_output=json_output, document=views.cycle,
        columns=("name", "opens on", "status"),
        row=lambda c: (c.name, c.opens_on.isoformat(), c.status),
    )  # fmt: skip
