"""`purldesk catalog`: the supplier's items."""

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
    print_json,
    run,
)
from purldesk.entrypoints.cli.files import read_text

app = typer.Typer(help="Import and list the catalog.", no_args_is_help=True)


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: "
            + "code,name,area,aid_class,unit_price_usd,lot_size,available_per_cycle,lead_time_days"
        ),
    ],
    db: DbOption = None,
) -> None:
    """Add or update catalog items from a CSV file; nothing is written if any row is invalid."""
    from purldesk.adapters.imports.csv_files import parse_catalog
    from purldesk.domain.errors import ImportRejected
    from purldesk.services import catalog

    with application(db) as wired:
        parsed = parse_catalog(read_text(file))
        if parsed.errors:
            raise ImportRejected(str(file), parsed.errors)
        added, updated = run(wired, catalog.Import(items=tuple(parsed.rows)))
    console.print(f"catalog: {added} added, {updated} updated")


@app.command("list")
def list_(json_output: JsonOption = False, db: DbOption = None) -> None:
    """List catalog items."""
    from purldesk.adapters.exports import json as views
    from purldesk.services import catalog

    with application(db) as wired:
        items = catalog.list_all(wired.uow())
    if json_output:
        print_json([views.catalog_item(item) for item in items])
        return
    table = Table("code", "name", "area", "aid class", "unit price", "lot", "lead time (days)")
    for item in items:
        table.add_row(
            item.code, item.name, item.area, item.aid_class, item.unit_price.format(),
            str(item.lot_size), str(item.lead_time_days),
        )  # fmt: skip
    console.print(table)
