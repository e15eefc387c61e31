"""`purldesk contributions`: pledges, receipts and their lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import (
    DbOption,
    JsonOption,
    application,
    console,
    optional_date,
    print_json,
    run,
)
from purldesk.entrypoints.cli.files import read_text

app = typer.Typer(
    help="Pledge, commit, receive, cancel, refund and list contributions.", no_args_is_help=True
)

RefArgument = Annotated[str, typer.Argument(help="Contribution reference, such as C-00012.")]
OnOption = Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD); default today.")]


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: contributor,amount,currency,pledged_on,received_on,confidential,purpose"
            " (optional columns: source, anonymous)"
        ),
    ],
    db: DbOption = None,
) -> None:
    """Pledge (and, with received_on, receive) every row; nothing is written if any row is invalid."""
    from purldesk.adapters.imports.csv_files import parse_contributions
    from purldesk.domain.errors import ImportRejected
    from purldesk.services import contributions

    with application(db) as wired:
        parsed = parse_contributions(read_text(file))
        if parsed.errors:
            later = contributions.check_rows(wired.uow(), wired.fx, parsed.rows)
            errors = sorted(parsed.errors + later, key=lambda e: (e.line, e.field))
            raise ImportRejected(str(file), errors)
        imported = run(wired, contributions.Import(rows=tuple(parsed.rows), source_name=file.name))
    received = sum(1 for c in imported if c.received_on is not None)
    console.print(f"{len(imported)} contribution(s) imported, {received} received")


@app.command("pledge")
def pledge(
    contributor: Annotated[str, typer.Argument(help="Participant code, such as NLD.")],
    amount: Annotated[
        str, typer.Argument(help="Amount in major units, such as 500000000 or 1,250.50.")
    ],
    currency: Annotated[str, typer.Argument(help="ISO 4217 code, such as EUR.")],
    on: OnOption = None,
    confidential: Annotated[
        bool, typer.Option("--confidential", help="Keep the amount confidential.")
    ] = False,
    anonymous: Annotated[
        bool,
        typer.Option(
            "--anonymous", help="Give anonymously: only the coordinator and auditors see who."
        ),
    ] = False,
    purpose: Annotated[str, typer.Option("--purpose")] = "",
    db: DbOption = None,
) -> None:
    """Record a pledge in its own currency."""
    from purldesk.domain.money import Money
    from purldesk.services import contributions

    with application(db) as wired:
        command = contributions.Pledge(
            contributor=contributor, amount=Money.parse(amount, currency.upper()),
            pledged_on=optional_date(on), confidential=confidential, anonymous=anonymous,
            purpose=purpose,
        )  # fmt: skip
        contribution = run(wired, command)
    how = " anonymously" if contribution.anonymous else ""
    console.print(
        f"{contribution.ref}: {contribution.contributor} pledged {contribution.amount}{how}"
    )


@app.command("commit")
def commit(ref: RefArgument, db: DbOption = None) -> None:
    """Record the contributor's formal commitment."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    with application(db) as wired:
        c = run(wired, contributions.Commit(contribution_id=parse_contribution_ref(ref)))
    console.print(f"{c.ref} is {c.status}")


@app.command("receive")
def receive(ref: RefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Record that the money arrived; it is converted to USD at the ECB rate of that day."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    with application(db) as wired:
        command = contributions.Receive(
            contribution_id=parse_contribution_ref(ref), on=optional_date(on)
        )
        c = run(wired, command)
    assert c.conversion is not None
    conv = c.conversion
    console.print(
        f"{c.ref}: received {conv.original} = {conv.converted} "
        f"at {conv.rate} ({conv.source}, {conv.rate_date})"
    )


@app.command("cancel")
def cancel(ref: RefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Cancel a pledge that has not been paid."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    with application(db) as wired:
        command = contributions.Cancel(
            contribution_id=parse_contribution_ref(ref), on=optional_date(on)
        )
        c = run(wired, command)
    console.print(f"{c.ref} is {c.status}")


@app.command("refund")
def refund(ref: RefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Return a received contribution's unallocated money to its contributor."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    with application(db) as wired:
        command = contributions.Refund(
            contribution_id=parse_contribution_ref(ref), on=optional_date(on)
        )
        c, amount = run(wired, command)
    console.print(f"{c.ref}: {amount} refunded; status {c.status}")


@app.command("list")
def list_(
    contributor: Annotated[
        str | None, typer.Option("--contributor", help="Only this participant's.")
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List contributions in the order they were recorded."""
    from purldesk.adapters.exports import json as views
    from purldesk.domain.participants import ParticipantCode
    from purldesk.services import contributions

    with application(db) as wired:
        found = contributions.list_all(
            wired.uow(), contributor=ParticipantCode(contributor.upper()) if contributor else None
        )
    if json_output:
        print_json([views.contribution(c) for c in found])
        return
    table = Table("ref", "contributor", "amount", "status", "pledged", "received", "USD", "rate")
    for c in found:
        table.add_row(
            c.ref, c.contributor, c.amount.format(), c.status, c.pledged_on.isoformat(),
            c.received_on.isoformat() if c.received_on else "",
            c.usd.format() if c.usd else "",
            f"{c.conversion.rate} ({c.conversion.rate_date})" if c.conversion else "",
        )  # fmt: skip
    console.print(table)
