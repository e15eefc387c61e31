"""The options and arguments that commands of several groups share."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $PURLDESK_DATABASE_URL, else sqlite:///purldesk.sqlite3).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (stable, see docs/CLI.md).")]
OnOption = Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD); default today.")]
CycleOption = Annotated[
    str | None, typer.Option("--cycle", help="Cycle name (default: the latest cycle).")
]
PackageRefArgument = Annotated[str, typer.Argument(help="Package reference, such as P-0001.")]
