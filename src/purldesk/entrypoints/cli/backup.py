"""`purldesk backup` and `purldesk restore`: an export taken as one snapshot while the server
writes, written atomically, and its import, checked against the ledger head it recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from purldesk.entrypoints.cli.common import application, console, fail, json_text
from purldesk.entrypoints.cli.options import DbOption
from purldesk.entrypoints.cli.restore import restored_from

# The file is written in pieces of this size, so that a large backup shows its progress.
WRITE_CHUNK_BYTES = 1 << 20


def backup(
    file: Annotated[Path, typer.Argument(help="The file to write (replaced only when complete).")],
    db: DbOption = None,
) -> None:
    """Back the database up into FILE, consistent while the server writes.

    The export (docs/CLI.md, "Backup and restore"), read in one snapshot that writers do not
    wait for, written to a temporary file beside FILE (readable by you only) and renamed over
    it; prints the number of ledger entries and the head it holds."""
    from purldesk.adapters.exports import json as views
    from purldesk.adapters.exports import restore_checks
    from purldesk.entrypoints.cli.files import replace_file
    from purldesk.services import exports

    with application(db) as wired, Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        reading = progress.add_task("backup: reading one snapshot", total=None)
        document = views.export_document(exports.snapshot(wired.uow()))
        data = json_text(document).encode("utf-8")
        progress.update(reading, total=1, completed=1, visible=False)
        writing = progress.add_task(f"backup: writing {file}", total=len(data))
        replace_file(
            file, data, chunk_bytes=WRITE_CHUNK_BYTES,
            progress=lambda written: progress.update(writing, advance=written),
        )  # fmt: skip
    entries, head = restore_checks.ledger_head(document)
    console.print(f"backed up {entries} ledger entries to {file} ({len(data)} bytes): head {head}")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup (`purldesk backup`) or an export.")],
    db: DbOption = None,
) -> None:
    """Restore a backup into an empty database, and check its ledger head.

    As `import` (docs/CLI.md, "Backup and restore"): a database with any row is refused (exit
    4), and the ledger is verified before commit; then the head restored is compared with the
    head the backup recorded (exit 6 if they differ)."""
    from purldesk.adapters.exports import restore_checks

    restored, document = restored_from(file, db, verb="restore")
    entries, head = restore_checks.ledger_head(document)
    console.print(
        f"restored {restored.rows} rows from {file}: ledger verified, {restored.entries} "
        f"entries, head {restored.head}"
    )
    if (restored.entries, restored.head) != (entries, head):
        fail(f"the backup recorded {entries} entries and head {head}: they differ", 6)
    console.print("the head equals the backup's")
