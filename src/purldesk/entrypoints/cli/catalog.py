"""`purldesk catalog`: the supplier's items."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import command_group, console, execute, print_listing, read
from purldesk.entrypoints.cli.files import read_rows
from purldesk.entrypoints.cli.options import DbOption, JsonOption

app = command_group("Import and list the catalog.")


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
    from purldesk.services import catalog

    added, updated = execute(db, catalog.Import(items=read_rows(file, parse_catalog)))
    console.print(f"catalog: {added} added, {updated} updated")


@app.command("list")
def list_(json_output: JsonOption = False, db: DbOption = None) -> None:
    """List catalog items."""
    from purldesk.adapters.exports import json as views
    from purldesk.services import catalog

    items = read(db, catalog.list_all)
    print_listing(
        items, json_output=json_output, document=views.catalog_item,
        columns=("code", "name", "area", "aid class", "unit price", "lot", "lead time (days)"),
        row=lambda item: (
            item.code, item.name, item.area, item.aid_class, item.unit_price.format(),
            str(item.lot_size), str(item.lead_time_days),
        ),
    )  # fmt: skip
