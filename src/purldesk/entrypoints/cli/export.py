"""`purldesk export`: everything in the database as one document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import application, console, json_text, print_json
from purldesk.entrypoints.cli.options import DbOption


def export(
    format_: Annotated[str, typer.Option("--format", help="Output format: json.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export everything but users, tokens, sessions and the audit log (docs/CLI.md)."""
    from purldesk.adapters.exports import json as views
    from purldesk.domain.errors import InvalidInput
    from purldesk.services import exports

    with application(db) as wired:
        if format_ != "json":
            raise InvalidInput("format", f"{format_!r} is not supported; use json")
        document = views.export_document(exports.snapshot(wired.uow()))
    if output is None:
        print_json(document)
        return
    output.write_text(json_text(document), encoding="utf-8")
    console.print(f"exported to {output}")
