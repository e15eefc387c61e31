"""`purldesk cycles`: rounds of the requirements list and their lifecycle."""

from __future__ import annotations

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
    db: DbOption = None,
) -> None:
    """Open a new cycle, in draft."""
    from purldesk.services import requirements

    cycle = execute(db, requirements.OpenCycle(name=name, opens_on=parse_date(on, "on")))
    console.print(f"opened cycle {cycle.name} (draft)")


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
