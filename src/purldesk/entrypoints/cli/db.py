"""`purldesk db`: the database schema."""

from __future__ import annotations

from purldesk.entrypoints.cli.common import command_group, console, errors_reported
from purldesk.entrypoints.cli.options import DbOption

app = command_group("Manage the database schema.")


@app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Create or migrate the schema to the latest version."""
    from purldesk.bootstrap import upgrade_database as run_upgrade
    from purldesk.config import load_settings

    settings = load_settings(database_url=db)
    with errors_reported():
        run_upgrade(settings.database_url)
    console.print("database is at the latest schema")
