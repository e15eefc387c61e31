"""`purldesk participants`: register and list the organizations taking part."""

from __future__ import annotations

from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    print_listing,
    read,
    run,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption

app = command_group("Register and list participants.")


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

    found = read(db, participants.list_all)
    print_listing(
        found, json_output=json_output, document=views.participant,
        columns=("code", "name", "kind", "status", "members"),
        row=lambda p: (p.code, p.name, p.kind, p.status, " ".join(p.members)),
    )  # fmt: skip
