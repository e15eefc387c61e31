"""`purldesk users`: API users of one organization and one role, and their tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    execute,
    fail,
    print_listing,
    read,
    run,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption

if TYPE_CHECKING:
    from purldesk.domain.access import User

app = command_group("Add, revoke and list API users.")


@app.command("add")
def add(
    org: Annotated[str, typer.Option("--org", help="The user's organization (participant code).")],
    role: Annotated[
        str,
        typer.Option("--role", help="recipient, coordinator, contributor, supplier or auditor."),
    ],
    name: Annotated[str, typer.Option("--name", help="A unique name, such as an e-mail address.")],
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="Token lifetime in days (default from settings: 90)."),
    ] = None,
    password_prompt: Annotated[
        bool,
        typer.Option(
            "--password-prompt",
            help="Also ask for a password (twice, not echoed) to log in to the dashboard.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a user and print its API token, once: only a salted, peppered hash is kept."""
    from datetime import timedelta

    from purldesk.domain.access import parse_role
    from purldesk.domain.errors import InvalidInput
    from purldesk.services import users

    password = None
    if password_prompt:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            users.check_password_rules(password)  # refused before anything is written
        except InvalidInput as error:
            fail(str(error), 2)
    with application(db) as wired:
        auth = wired.settings.auth
        command = users.AddUser(
            name=name, organization=org, role=parse_role(role),
            token_lifetime=timedelta(days=days or auth.token_lifetime_days),
            pepper=auth.token_pepper.get_secret_value().encode(),
            password_hash=None if password is None else wired.passwords.hash(password),
        )  # fmt: skip
        user, token = run(wired, command)
    console.print(f"added user {user.name}: {user.role} of {user.organization}")
    if password is not None:
        console.print("dashboard password set")
    console.print("API token (shown once; send it as 'Authorization: Bearer TOKEN'):")
    typer.echo(token)


@app.command("revoke")
def revoke(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    db: DbOption = None,
) -> None:
    """Revoke a user and all its tokens, effective on the next request of any server."""
    from purldesk.services import users

    user, _tokens = execute(db, users.Revoke(name=name))
    console.print(f"revoked user {user.name}")


@app.command("list")
def list_(json_output: JsonOption = False, db: DbOption = None) -> None:
    """List users by id (never their tokens)."""
    from purldesk.services import users

    found = read(db, users.list_all)
    print_listing(
        found, json_output=json_output, document=_document,
        columns=("id", "name", "organization", "role", "revoked"),
        row=lambda u: (
            str(u.id), u.name, u.organization, u.role.value,
            "" if u.revoked_at is None else u.revoked_at.isoformat(),
        ),
    )  # fmt: skip


def _document(user: User) -> dict[str, Any]:
    """A user as `users list --json` prints it: never its tokens."""
    return {
        "id": user.id, "name": user.name, "organization": user.organization,
        "role": user.role.value, "created_at": user.created_at.isoformat(),
        "revoked_at": None if user.revoked_at is None else user.revoked_at.isoformat(),
    }  # fmt: skip
