"""`purldesk db`: the database schema."""

from __future__ import annotations

import typer

from purldesk.entrypoints.cli.common import DbOption, console, errors_reported

app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Create or migrate the schema to the latest version."""
    from purldesk.bootstrap import upgrade_database as run_upgrade
    from purldesk.config import load_settings

    settings = load_settings(database_url=db)
    with errors_reported():
        run_upgrade(settings.database_url)
    console.print("database is at the latest schema")
