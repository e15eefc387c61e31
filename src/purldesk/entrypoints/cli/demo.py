"""`purldesk demo`: build the demo database, PURL's history from the public record."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn

from purldesk.entrypoints.cli.common import application, console, errors_reported, parse_date
from purldesk.entrypoints.cli.options import DbOption


def demo(
    db: DbOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Build the history up to this day (YYYY-MM-DD), so a tour starts there; "
            "default its last day.",
        ),
    ] = None,
) -> None:
    """Build the demo database (idempotent: running it twice gives the same state)."""
    from purldesk.bootstrap import upgrade_database as upgrade
    from purldesk.config import load_settings
    from purldesk.demo import history

    settings = load_settings(database_url=db)
    with errors_reported():
        day = None if as_of is None else parse_date(as_of, "as_of")
        upgrade(settings.database_url)
    acts = [act for act in history.story() if day is None or act.day <= day]
    with application(settings.database_url) as wired, Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        console=console, transient=True,
    ) as progress, errors_reported():  # fmt: skip
        task = progress.add_task("building the demo", total=len(acts))

        def advance(label: str) -> None:
            progress.update(task, advance=1, description=f"demo: {label}")

        summary = history.build(wired, as_of=day, advance=advance)
    states = ", ".join(f"{count} {status}" for status, count in summary.packages.items())
    console.print(
        f"demo database ready at {settings.database_url}: PURL's history to "
        f"{summary.last_day} ({summary.acts} acts); packages: {states or 'none yet'}. "
        f"Korea is reviewing and gives nothing; ask the policy page what its pledge would pay: "
        f"{history.KOREA_WHATIF} (as the coordinator)"
    )
