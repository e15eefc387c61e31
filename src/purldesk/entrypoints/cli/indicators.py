"""`purldesk indicators`: dated, sourced observations; a correction supersedes, never edits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from purldesk.entrypoints.cli.common import (
    command_group,
    console,
    execute,
    parse_date,
    print_json,
    print_listing,
    read,
)
from purldesk.entrypoints.cli.files import read_rows
from purldesk.entrypoints.cli.options import DbOption, JsonOption

if TYPE_CHECKING:
    from purldesk.domain.indicators import Observation

app = command_group("Record, import and list indicator observations (such as troop numbers).")


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

    command = indicators.Record(
        name=name, value=parse_value(value), observed_on=parse_date(on, "on"),
        source=source, note=note,
        supersedes=None if supersedes is None else ObservationId(supersedes),
    )  # fmt: skip
    observation = execute(db, command)
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
    from purldesk.services import indicators

    rows = read_rows(file, parse_observations)
    recorded = execute(db, indicators.Import(rows=rows, source_name=file.name))
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

    found = read(db, lambda uow: indicators.list_observations(uow, name=name))
    later = superseded_by(found)

    def row(o: Observation) -> tuple[str, ...]:
        status = f"superseded by #{later[o.id]}" if o.id in later else "in force"
        if o.supersedes is not None:
            status += f"; corrects #{o.supersedes}"
        return (str(o.id), o.name, str(o.value), o.observed_on.isoformat(), o.source, status)

    print_listing(
        found, json_output=json_output,
        document=lambda o: views.observation(o, superseded_by=later),
        columns=("id", "indicator", "value", "observed on", "source", "status"), row=row,
    )  # fmt: skip
