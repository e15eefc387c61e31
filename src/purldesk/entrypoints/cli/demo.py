"""`purldesk demo`: build the demo database from the public scenario."""

from __future__ import annotations

from rich.progress import BarColumn, Progress, TextColumn

from purldesk.entrypoints.cli.common import application, console, errors_reported
from purldesk.entrypoints.cli.options import DbOption


def demo(db: DbOption = None) -> None:
    """Build the demo database (idempotent: running it twice gives the same state)."""
    from purldesk.bootstrap import upgrade_database as upgrade
    from purldesk.config import load_settings
    from purldesk.demo import scenario

    settings = load_settings(database_url=db)
    with errors_reported():
        upgrade(settings.database_url)
    with application(settings.database_url) as wired, Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("building the demo", total=len(scenario.STEPS))

        def advance(step: str) -> None:
            progress.update(task, advance=1, description=f"demo: {step}")

        summary = scenario.build(wired, advance=advance)
    console.print(
        f"demo database ready at {settings.database_url}: {summary.participants} participants, "
        f"{summary.catalog_items} catalog items, {summary.lines} requirement lines, "
        f"{summary.contributions} contributions"
    )
