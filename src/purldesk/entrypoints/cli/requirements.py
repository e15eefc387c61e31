"""`purldesk requirements`: the prioritized list of a cycle."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    parse_date,
    print_json,
    print_listing,
    print_table,
    run,
)
from purldesk.entrypoints.cli.files import read_rows
from purldesk.entrypoints.cli.options import CycleOption, DbOption, JsonOption

if TYPE_CHECKING:
    from purldesk.domain.requirements import RequirementLine
    from purldesk.services.handle import Command

R = TypeVar("R")

app = command_group("Import, list, reprioritize, edit and withdraw requirement lines.")

LineArgument = Annotated[str, typer.Argument(help="The line's reference.")]
# Every change is kept in the line's history under the login of whoever runs the command.


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="CSV: ref,rank,item_code,quantity,needed_by,justification")
    ],
    cycle: CycleOption = None,
    db: DbOption = None,
) -> None:
    """Add lines to a draft cycle; nothing is written if any row is invalid."""
    from purldesk.adapters.imports.csv_files import parse_requirements
    from purldesk.services import requirements

    with application(db) as wired:
        rows = read_rows(file, parse_requirements)
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        lines = run(wired, requirements.ImportLines(cycle=target.name, rows=rows))
    console.print(f"cycle {target.name}: {len(lines)} line(s) added")


@app.command("list")
def list_(
    cycle: CycleOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Show the list as it stood at the end of this day (YYYY-MM-DD, UTC)."
        ),
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The list in priority order, now or as it stood on a past day."""
    from purldesk.adapters.exports import json as views
    from purldesk.services import requirements

    with application(db) as wired:
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        if as_of is None:
            lines = requirements.list_lines(wired.uow(), cycle_id=target.id)
        else:
            on = parse_date(as_of, "--as-of")
            lines = requirements.list_as_it_stood(wired.uow(), cycle_id=target.id, on=on)
    title = f"cycle {target.name} ({target.status})"
    if as_of is not None:
        title = f"cycle {target.name} as it stood at the end of {as_of} (UTC)"
    print_listing(
        lines, json_output=json_output,
        document=views.requirement_line if as_of is None else _without_status,
        columns=("rank", "ref", "item", "area", "aid class", "quantity", "needed by", "status"),
        row=lambda line: (
            str(line.rank), line.ref, line.item_code, line.area, line.aid_class,
            str(line.quantity), line.needed_by.isoformat(),
            line.status if as_of is None else "on the list",
        ),
        title=title,
    )  # fmt: skip


def _without_status(line: RequirementLine) -> dict[str, Any]:
    """A line's document as it stood: funding states are not kept as history, so none is claimed."""
    from purldesk.adapters.exports import json as views

    return {k: v for k, v in views.requirement_line(line).items() if k != "status"}


@app.command("move")
def move(
    ref: LineArgument,
    rank: Annotated[int, typer.Option("--rank", help="Its new rank (1 is most urgent).")],
    cycle: CycleOption = None,
    db: DbOption = None,
) -> None:
    """Reprioritize a line of a draft cycle; the others shift, and every change is kept."""
    from purldesk.services import requirements

    changed = _change(db, cycle, partial(requirements.MoveLine, ref=ref, rank=rank))
    console.print(f"{ref} is now rank {rank}; {len(changed)} line(s) changed rank")


@app.command("edit")
def edit(
    ref: LineArgument,
    quantity: Annotated[
        int | None, typer.Option("--quantity", help="New quantity (whole lots of its item).")
    ] = None,
    needed_by: Annotated[
        str | None, typer.Option("--needed-by", help="New needed-by date (YYYY-MM-DD).")
    ] = None,
    justification: Annotated[
        str | None, typer.Option("--justification", help="New justification.")
    ] = None,
    cycle: CycleOption = None,
    db: DbOption = None,
) -> None:
    """Change a line of a draft cycle; every changed field is kept with its old value."""
    from purldesk.services import requirements

    day = parse_date(needed_by, "needed_by") if needed_by is not None else None
    command = partial(
        requirements.EditLine, ref=ref, quantity=quantity, needed_by=day,
        justification=justification,
    )  # fmt: skip
    edited = _change(db, cycle, command)
    for change in edited.changes:
        console.print(f"{ref}: {change.field} {change.before!r} -> {change.after!r}", markup=False)


@app.command("withdraw")
def withdraw(
    ref: LineArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the line leaves the list.")],
    cycle: CycleOption = None,
    db: DbOption = None,
) -> None:
    """Withdraw a line of a draft cycle; the lines below it move up, and the reason is kept."""
    from purldesk.services import requirements

    withdrawal = _change(db, cycle, partial(requirements.WithdrawLine, ref=ref, reason=reason))
    moved = len(withdrawal.lines) - 1
    console.print(f"{ref} withdrawn; {moved} line(s) moved up")


def _change(db: str | None, cycle: str | None, command: Callable[..., Command[R]]) -> R:
    """Handle `command(cycle=NAME)` for the cycle named `cycle`, or for the latest one."""
    from purldesk.services import requirements

    with application(db) as wired:
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        return run(wired, command(cycle=target.name))


@app.command("history")
def history(
    ref: LineArgument,
    cycle: CycleOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every rank the line has held, and every edit made while it held it, with when and who."""
    from purldesk.services import requirements

    with application(db) as wired:
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        line = requirements.find_line(wired.uow(), cycle_id=target.id, ref=ref)
        periods = requirements.line_history(wired.uow(), line_id=line.id)
    if json_output:
        print_json([
            {"rank": p.rank.rank, "at": p.rank.at.isoformat(), "by": p.rank.by, "changes": [
                {"field": e.field, "before": e.before, "after": e.after,
                 "at": e.at.isoformat(), "by": e.by}
                for e in p.edits
            ]}
            for p in periods
        ])  # fmt: skip
        return
    table = Table("from", "rank", "change", "by", title=ref)
    for period in periods:
        table.add_row(period.rank.at.isoformat(), str(period.rank.rank), "", period.rank.by)
        for e in period.edits:
            change = Text(f"{e.field}: {e.before!r} -> {e.after!r}")
            table.add_row(e.at.isoformat(), str(period.rank.rank), change, e.by)
    print_table(table)
