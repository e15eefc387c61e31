"""`purldesk cycles`: rounds of the requirements list and their lifecycle."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import (
    DbOption,
    JsonOption,
    application,
    console,
    parse_date,
    print_json,
    run,
)

app = typer.Typer(
    help="Open cycles and move them along: submit, endorse, close.", no_args_is_help=True
)


@app.command("open")
def open_(
    name: Annotated[str, typer.Argument(help="A name such as 2025-09.")],
    on: Annotated[str, typer.Option("--on", help="Date the cycle opens (YYYY-MM-DD).")],
    db: DbOption = None,
) -> None:
    """Open a new cycle, in draft."""
    from purldesk.services import requirements

    command = requirements.OpenCycle(name=name, opens_on=parse_date(on, "on"))
    with application(db) as wired:
        cycle = run(wired, command)
    console.print(f"opened cycle {cycle.name} (draft)")


def _move(name: str, step: str, db: str | None) -> None:
    from purldesk.services import requirements

    move = {
        "submit": requirements.SubmitCycle, "endorse": requirements.EndorseCycle,
        "close": requirements.CloseCycle,
    }[step]  # fmt: skip
    with application(db) as wired:
        moved = run(wired, move(cycle=name))
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

    with application(db) as wired:
        cycles = requirements.list_cycles(wired.uow())
    if json_output:
        print_json([views.cycle(c) for c in cycles])
        return
    table = Table("name", "opens on", "status")
    for c in cycles:
        table.add_row(c.name, c.opens_on.isoformat(), c.status)
    console.print(table)
