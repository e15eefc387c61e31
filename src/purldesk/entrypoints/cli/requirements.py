"""`purldesk requirements`: the prioritized list of a cycle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import DbOption, JsonOption, application, console, print_json
from purldesk.entrypoints.cli.files import read_text

app = typer.Typer(help="Import, list and reprioritize requirement lines.", no_args_is_help=True)

CycleOption = Annotated[
    str | None, typer.Option("--cycle", help="Cycle name (default: the latest cycle).")
]


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="CSV: ref,rank,item_code,quantity,needed_by,justification")
    ],
    cycle: CycleOption = None,
    by: Annotated[
        str, typer.Option("--by", help="Who made the list (kept in rank history).")
    ] = "recipient",
    db: DbOption = None,
) -> None:
    """Add lines to a draft cycle; nothing is written if any row is invalid."""
    from purldesk.adapters.imports.csv_files import parse_requirements
    from purldesk.domain.errors import ImportRejected
    from purldesk.services import requirements

    with application(db) as wired:
        parsed = parse_requirements(read_text(file))
        if parsed.errors:
            raise ImportRejected(str(file), parsed.errors)
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        lines = requirements.import_lines(
            wired.uow(), cycle_id=target.id, rows=parsed.rows, at=wired.clock.now(), by=by
        )
    console.print(f"cycle {target.name}: {len(lines)} line(s) added")


@app.command("list")
def list_(cycle: CycleOption = None, json_output: JsonOption = False, db: DbOption = None) -> None:
    """The list in priority order."""
    from purldesk.adapters.exports import json as views
    from purldesk.services import requirements

    with application(db) as wired:
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        lines = requirements.list_lines(wired.uow(), cycle_id=target.id)
    if json_output:
        print_json([views.requirement_line(line) for line in lines])
        return
    table = Table("rank", "ref", "item", "area", "aid class", "quantity", "needed by", "status",
                  title=f"cycle {target.name} ({target.status})")  # fmt: skip
    for line in lines:
        table.add_row(
            str(line.rank), line.ref, line.item_code, line.area, line.aid_class,
            str(line.quantity), line.needed_by.isoformat(), line.status,
        )  # fmt: skip
    console.print(table)


@app.command("move")
def move(
    ref: Annotated[str, typer.Argument(help="The line's reference.")],
    rank: Annotated[int, typer.Option("--rank", help="Its new rank (1 is most urgent).")],
    cycle: CycleOption = None,
    by: Annotated[str, typer.Option("--by", help="Who reprioritizes.")] = "recipient",
    db: DbOption = None,
) -> None:
    """Reprioritize a line of a draft cycle; the others shift, and every change is kept."""
    from purldesk.services import requirements

    with application(db) as wired:
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        line = requirements.find_line(wired.uow(), cycle_id=target.id, ref=ref)
        changed = requirements.move_line(
            wired.uow(), line_id=line.id, new_rank=rank, at=wired.clock.now(), by=by
        )
    console.print(f"{ref} is now rank {rank}; {len(changed)} line(s) changed rank")


@app.command("history")
def history(
    ref: Annotated[str, typer.Argument(help="The line's reference.")],
    cycle: CycleOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every rank the line has held, and when."""
    from purldesk.services import requirements

    with application(db) as wired:
        target = requirements.resolve_cycle(wired.uow(), name=cycle)
        line = requirements.find_line(wired.uow(), cycle_id=target.id, ref=ref)
        changes = requirements.rank_history(wired.uow(), line_id=line.id)
    if json_output:
        print_json([{"rank": c.rank, "at": c.at.isoformat(), "by": c.by} for c in changes])
        return
    table = Table("from", "rank", "by", title=ref)
    for change in changes:
        table.add_row(change.at.isoformat(), str(change.rank), change.by)
    console.print(table)
