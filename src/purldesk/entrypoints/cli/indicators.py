"""`purldesk indicators`: dated, sourced observations; a correction supersedes, never edits."""

from __future__ import annotations

from pathlib import Path
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
from purldesk.entrypoints.cli.files import read_text

app = typer.Typer(
    help="Record, import and list indicator observations (such as troop numbers).",
    no_args_is_help=True,
)


@app.command("record")
def record(
    name: Annotated[str, typer.Argument(help="Indicator name, such as dprk_troops_in_theatre.")],
    value: Annotated[str, typer.Argument(help="Exact decimal value, such as 12000 or 12,000.")],
    on: Annotated[str, typer.Option("--on", help="Date observed (YYYY-MM-DD).")],
    source: Annotated[str, typer.Option("--source", help="Where the value comes from.")],
    note: Annotated[str, typer.Option("--note", help="What kind of figure it is.")] = "",
    supersedes: Annotated[
        int | None,
        typer.Option("--supersedes", help="Id of the observation this one corrects."),
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record one observation; with --supersedes it is a correction, and both stay visible."""
    from purldesk.adapters.exports import policies as views
    from purldesk.domain.indicators import ObservationId, parse_value
    from purldesk.services import indicators

    with application(db) as wired:
        command = indicators.Record(
            name=name, value=parse_value(value), observed_on=parse_date(on, "on"),
            source=source, note=note,
            supersedes=None if supersedes is None else ObservationId(supersedes),
        )  # fmt: skip
        observation = run(wired, command)
    if json_output:
        print_json(views.observation(observation))
        return
    corrects = f", superseding #{observation.supersedes}" if observation.supersedes else ""
    console.print(f"#{observation.id}: {observation.describe()}{corrects}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV: name,value,observed_on,source[,note]")],
    db: DbOption = None,
) -> None:
    """Record every row; nothing is written if any row is invalid."""
    from purldesk.adapters.imports.indicator_files import parse_observations
    from purldesk.domain.errors import ImportRejected
    from purldesk.services import indicators

    with application(db) as wired:
        parsed = parse_observations(read_text(file))
        if parsed.errors:
            raise ImportRejected(str(file), parsed.errors)
        recorded = run(wired, indicators.Import(rows=tuple(parsed.rows), source_name=file.name))
    console.print(f"{len(recorded)} observation(s) recorded")


@app.command("list")
def list_(
    name: Annotated[str | None, typer.Option("--name", help="Only this indicator.")] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every observation as recorded, superseded ones included and marked."""
    from purldesk.adapters.exports import policies as views
    from purldesk.domain.indicators import superseded_by
    from purldesk.services import indicators

    with application(db) as wired:
        found = indicators.list_observations(wired.uow(), name=name)
    later = superseded_by(found)
    if json_output:
        print_json([views.observation(o, superseded_by=later) for o in found])
        return
    table = Table("id", "indicator", "value", "observed on", "source", "status")
    for o in found:
        status = f"superseded by #{later[o.id]}" if o.id in later else "in force"
        if o.supersedes is not None:
            status += f"; corrects #{o.supersedes}"
        table.add_row(str(o.id), o.name, str(o.value), o.observed_on.isoformat(), o.source, status)
    console.print(table)
