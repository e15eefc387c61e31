"""`purldesk export`: everything in the database as one document."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from purldesk.entrypoints.cli.common import application, console, err_console
from purldesk.entrypoints.cli.options import DbOption


def export(
    format_: Annotated[str, typer.Option("--format", help="Output format: json.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export everything but credentials and request state (users, tokens, passwords,
    sessions, idempotency keys), the audit log included (docs/CLI.md)."""
    from purldesk.adapters.exports import json as views
    from purldesk.adapters.exports.streaming import write_document
    from purldesk.domain.errors import InvalidInput
    from purldesk.entrypoints.cli.files import replacing
    from purldesk.services import exports

    # Each part is written as it is read, in one snapshot: to the file (replaced only once
    # it is whole) or to standard output. The progress bar is shown on a terminal only,
    # never among the document's own lines.
    shown_on = console if output is not None else err_console
    shown = shown_on.is_terminal and (output is not None or not sys.stdout.isatty())
    with application(db) as wired:
        if format_ != "json":
            raise InvalidInput("format", f"{format_!r} is not supported; use json")
        with exports.sections(wired.uow()) as sections:
            parts = views.export_parts(sections)
            lists = len(parts) - 2 + len(sections.tables)  # all but `format` and `tables`
            with progress_bar(shown_on, lists, enabled=shown) as advance:
                if output is None:
                    write_document(parts, sys.stdout.write, progress=advance)
                else:
                    with replacing(output) as out:
                        write_document(
                            parts, lambda text: out.write(text.encode()), progress=advance
                        )
    if output is not None:
        console.print(f"exported to {output}")


@contextmanager
def progress_bar(
    shown_on: Console, lists: int, *, enabled: bool
) -> Iterator[Callable[[str, int], None]]:
    """A bar of the document's lists written, naming the one being written, with the number
    of rows written: `advance(path, rows)` after each batch, `advance(path, 0)` after a list."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rows]:,} rows"), TimeElapsedColumn(),
        console=shown_on, transient=True, disable=not enabled,
        redirect_stdout=False, redirect_stderr=False,
    ) as progress:  # fmt: skip
        task = progress.add_task("export", total=lists, rows=0)
        written = 0

        def advance(path: str, rows: int) -> None:
            nonlocal written
            written += rows
            progress.update(
                task, advance=0 if rows else 1, description=f"export: {path}", rows=written
            )

        yield advance
