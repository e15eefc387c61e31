"""`purldesk import`: restore a whole database from an export, into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn

from purldesk.entrypoints.cli.common import application, console, errors_reported
from purldesk.entrypoints.cli.options import DbOption

if TYPE_CHECKING:
    from purldesk.services.restore import Restored


def restore(
    file: Annotated[Path, typer.Argument(help="The export (`purldesk export --format json`).")],
    db: DbOption = None,
) -> None:
    """Restore an export into an empty database (docs/CLI.md, "Import"): the same ledger,
    histories and ids, all or nothing. A database with any row is refused (exit 4); a file
    whose ledger does not verify (exit 6) or that is not an export (exit 2) writes nothing.
    """
    restored, _document = restored_from(file, db, verb="import")
    console.print(
        f"imported {restored.rows} rows from {file}: {restored.entries} ledger entries verified, "
        f"head {restored.head}"
    )


def restored_from(file: Path, db: str | None, *, verb: str) -> tuple[Restored, Any]:
    """Restore the export in `file` into the empty database `db`, with a progress bar named
    `verb`: what was restored, and the document it was restored from."""
    from purldesk.adapters.exports import json as views
    from purldesk.adapters.exports import restore_checks
    from purldesk.bootstrap import upgrade_database as upgrade
    from purldesk.config import load_settings
    from purldesk.entrypoints.cli.files import read_json
    from purldesk.services import restore as restoring
    from purldesk.services.exports import Snapshot

    settings = load_settings(database_url=db)
    with errors_reported():
        document = read_json(file)
        tables = restore_checks.restorable_tables(document)
        upgrade(settings.database_url)

    def differing(restored: Snapshot) -> list[str]:
        return restore_checks.differences(document, views.export_document(restored))

    total = sum(len(rows) for rows in tables.values() if isinstance(rows, list))
    with application(settings.database_url) as wired, Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task(verb, total=total)
        done = 0

        def advance(table: str, rows: int) -> None:
            nonlocal done
            done += rows
            # After the last row come the checks, with nothing more to count.
            step = table if done < total else "verifying the ledger and the export"
            progress.update(task, advance=rows, description=f"{verb}: {step}")

        restored = restoring.restore(
            wired.uow(), tables, differences=differing, signer=wired.signer, progress=advance
        )
    return restored, document
