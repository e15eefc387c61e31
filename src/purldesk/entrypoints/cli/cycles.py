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

    with application(db) as wired:
        cycle = requirements.open_cycle(wired.uow(), name=name, opens_on=parse_date(on, "on"))
    console.print(f"opened cycle {cycle.name} (draft)")


def _move(name: str, status: str, db: str | None) -> None:
    from purldesk.domain.requirements import CycleStatus
    from purldesk.services import requirements

    with application(db) as wired:
        cycle = requirements.resolve_cycle(wired.uow(), name=name)
        moved = requirements.move_cycle(wired.uow(), cycle_id=cycle.id, status=CycleStatus(status))
    console.print(f"cycle {moved.name} is {moved.status}")


@app.command("submit")
def submit(name: str, db: DbOption = None) -> None:
    """The recipient submits its list."""
    _move(name, "submitted", db)


@app.command("endorse")
def endorse(name: str, db: DbOption = None) -> None:
    """The coordinator endorses the submitted list."""
    _move(name, "endorsed", db)


@app.command("close")
def close(name: str, db: DbOption = None) -> None:
    """Close an endorsed cycle."""
    _move(name, "closed", db)


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
