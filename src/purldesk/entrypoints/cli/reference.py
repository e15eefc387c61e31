"""`purldesk reference`: reference data the reports rest on, such as nations' GDP figures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    execute,
    print_listing,
)
from purldesk.entrypoints.cli.files import read_rows
from purldesk.entrypoints.cli.options import DbOption, JsonOption

if TYPE_CHECKING:
    from purldesk.domain.gdp import GdpFigure

app = command_group("Reference data: nations' GDP figures for the burden-sharing report.")
gdp = command_group("GDP in current US dollars: import a file of figures, list those in force.")
app.add_typer(gdp, name="gdp")


@gdp.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="CSV: nation,year,gdp_usd,source,url (GDP in whole USD)")
    ],
    db: DbOption = None,
) -> None:
    """Store every row (a nation's figure of a year replaces the one stored for that year);
    nothing is written if any row is invalid."""
    from purldesk.adapters.imports.gdp_files import parse_gdp
    from purldesk.services import gdp as figures

    rows = read_rows(file, parse_gdp)
    imported = execute(db, figures.Import(rows=rows, source_name=file.name))
    console.print(f"{imported.added} figure(s) added, {imported.replaced} replaced")


@gdp.command("list")
def list_(json_output: JsonOption = False, db: DbOption = None) -> None:
    """Each nation's GDP figure in force: of its latest year, imported or bundled."""
    from purldesk.adapters.imports.gdp_files import bundled_figures
    from purldesk.services import gdp as figures
    from purldesk.services.views.burden_sharing import stored_figures

    with application(db) as wired:
        stored = stored_figures(wired.reader())
    found = list(figures.in_force(bundled_figures(), stored).values())

    def document(f: GdpFigure) -> dict[str, object]:
        return {
            "nation": f.nation, "year": f.year, "gdp_usd": f.gdp_usd, "source": f.source,
            "url": f.url, "bundled": f.is_bundled,
        }  # fmt: skip

    def row(f: GdpFigure) -> tuple[str, ...]:
        loaded = "bundled" if f.loaded_at is None else f"imported {f.loaded_at.date()}"
        return (f.nation, str(f.year), f"USD {f.gdp_usd:,}", f.source, loaded)

    print_listing(
        found, json_output=json_output, document=document,
        columns=("nation", "year", "GDP", "source", "loaded"), row=row,
    )  # fmt: skip
