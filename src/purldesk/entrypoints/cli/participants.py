"""`purldesk participants`: register and list the organizations taking part."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import (
    DbOption,
    JsonOption,
    application,
    console,
    print_json,
    run,
)

app = typer.Typer(help="Register and list participants.", no_args_is_help=True)


@app.command("add")
def add(
    code: Annotated[
        str, typer.Argument(help="ISO 3166-1 alpha-3 (NLD, KOR) or a group's own code.")
    ],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    kind: Annotated[
        str, typer.Option("--kind", help="ally, partner, recipient, supplier, coordinator.")
    ],
    status: Annotated[
        str, typer.Option("--status", help="invited, reviewing, joined, suspended.")
    ] = "joined",
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A member nation of a group (repeat).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Register a participant."""
    from purldesk.adapters.countries import is_nation_code
    from purldesk.domain.errors import InvalidInput
    from purldesk.domain.participants import (
        Participant,
        check_members,
        parse_code,
        parse_kind,
        parse_status,
    )
    from purldesk.services import participants

    with application(db) as wired:
        parsed = parse_code(code, is_nation_code=is_nation_code)
        members = tuple(
            parse_code(m, is_nation_code=is_nation_code, field="member") for m in member or []
        )
        check_members(parsed, members, is_nation_code=is_nation_code, field="member")
        if not name.strip():
            raise InvalidInput("name", "is empty")
        participant = Participant(
            code=parsed, name=name.strip(), kind=parse_kind(kind), status=parse_status(status),
            members=members,
        )  # fmt: skip
        run(wired, participants.Add(participant=participant))
        console.print(
            f"added {participant.code} ({participant.name}), {participant.kind}, {participant.status}"
        )


@app.command("list")
def list_(json_output: JsonOption = False, db: DbOption = None) -> None:
    """List participants by code."""
    from purldesk.adapters.exports import json as views
    from purldesk.services import participants

    with application(db) as wired:
        found = participants.list_all(wired.uow())
    if json_output:
        print_json([views.participant(p) for p in found])
        return
    table = Table("code", "name", "kind", "status", "members")
    for p in found:
        table.add_row(p.code, p.name, p.kind, p.status, " ".join(p.members))
    console.print(table)
