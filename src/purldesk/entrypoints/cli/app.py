"""The `purldesk` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from purldesk.entrypoints.cli import (
    catalog,
    contributions,
    cycles,
    db,
    deliveries,
    demo,
    export,
    indicators,
    ledger,
    packages,
    participants,
    policy,
    reports,
    requirements,
    serve,
    users,
    whatif,
)
from purldesk.entrypoints.cli.common import check_text_options

app = typer.Typer(
    name="purldesk",
    help="Pooled funding of a prioritized requirements list, traceable to the cent.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(participants.app, name="participants")
app.add_typer(catalog.app, name="catalog")
app.add_typer(cycles.app, name="cycles")
app.add_typer(requirements.app, name="requirements")
app.add_typer(contributions.app, name="contributions")
app.add_typer(packages.app, name="packages")
app.add_typer(deliveries.app, name="deliveries")
app.add_typer(ledger.app, name="ledger")
app.add_typer(indicators.app, name="indicators")
app.add_typer(policy.app, name="policy")
app.add_typer(users.app, name="users")
app.add_typer(reports.app, name="reports")
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("export")(export.export)
app.command("whatif")(whatif.whatif)


def _register_optional() -> None:
    from purldesk.entrypoints.cli import allocate

    allocate.register(app)


_register_optional()

check_text_options(app)


def main() -> None:
    app()
