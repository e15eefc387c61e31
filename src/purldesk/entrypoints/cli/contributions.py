"""`purldesk contributions`: pledges, receipts and their lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    execute,
    optional_date,
    print_listing,
    read,
    run,
)
from purldesk.entrypoints.cli.files import read_rows
from purldesk.entrypoints.cli.options import DbOption, JsonOption, OnOption

app = command_group("Pledge, commit, receive, cancel, refund and list contributions.")

RefArgument = Annotated[str, typer.Argument(help="Contribution reference, such as C-00012.")]


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: contributor,amount,currency,pledged_on,received_on,confidential,purpose"
            " (optional columns: source, anonymous, earmark_*, members)"
        ),
    ],
    skip_imported: Annotated[
        bool,
        typer.Option(
            "--skip-imported",
            help="Skip the rows imported before and import the rest (default: refuse the file).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Pledge (and, with received_on, receive) every row; nothing is written if any row is invalid."""
    from purldesk.adapters.imports.csv_files import parse_contributions
    from purldesk.services import contribution_rows, contributions

    with application(db) as wired:
        rows = read_rows(
            file,
            parse_contributions,
            check=lambda parsed: contribution_rows.check_rows(
                wired.uow(),
                wired.fx,
                parsed,
                today=wired.clock.now().date(),
                skip_imported=skip_imported,
            ),
        )
        imported = run(
            wired,
            contributions.Import(rows=rows, source_name=file.name, skip_imported=skip_imported),
        )
    received = sum(1 for c in imported if c.received_on is not None)
    summary = f"{len(imported)} contribution(s) imported, {received} received"
    if skip_imported:
        summary += f", {len(rows) - len(imported)} already imported and skipped"
    console.print(summary)


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
    earmark_aid_class: Annotated[
        list[str] | None,
        typer.Option(
            "--earmark-aid-class", help="Earmark: only this aid class (repeatable; none: any)."
        ),
    ] = None,
    earmark_area: Annotated[
        list[str] | None,
        typer.Option(
            "--earmark-area", help="Earmark: only this catalog area (repeatable; none: any)."
        ),
    ] = None,
    earmark_package: Annotated[
        str | None,
        typer.Option("--earmark-package", help="Earmark: only this package, such as P-0001."),
    ] = None,
    earmark_expires_on: Annotated[
        str | None,
        typer.Option(
            "--earmark-expires-on", help="Earmark: not to be spent after this date (YYYY-MM-DD)."
        ),
    ] = None,
    member: Annotated[
        list[str] | None,
        typer.Option(
            "--member",
            help="A group's member's part, MEMBER:AMOUNT:CURRENCY such as DNK:580000000:DKK"
            " (repeatable); the pledge is then in USD, the sum of the parts at the rates of"
            " the pledge day.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a pledge in its own currency, optionally earmarked; a group's may list its
    members' parts."""
    from purldesk.domain.money import Money
    from purldesk.services import contributions, earmarks, member_parts

    earmark = earmarks.parse_earmark(
        aid_classes=earmark_aid_class or (), areas=earmark_area or (), package=earmark_package,
        expires_on=optional_date(earmark_expires_on, field="earmark.expires_on"),
    )  # fmt: skip
    command = contributions.Pledge(
        contributor=contributor, amount=Money.parse(amount, currency.upper()),
        pledged_on=optional_date(on), confidential=confidential, anonymous=anonymous,
        purpose=purpose, earmark=earmark, members=member_parts.parse_members(member or ()),
    )  # fmt: skip
    contribution = execute(db, command)
    how = " anonymously" if contribution.anonymous else ""
    console.print(
        f"{contribution.ref}: {contribution.contributor} pledged {contribution.amount}{how}"
    )
    for part in contribution.members:
        conv = part.conversion
        console.print(
            f"  {part.member}: {part.amount} = {part.usd} at {conv.rate} "
            f"({conv.source}, {conv.rate_date})"
        )


@app.command("commit")
def commit(ref: RefArgument, db: DbOption = None) -> None:
    """Record the contributor's formal commitment."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    c = execute(db, contributions.Commit(contribution_id=parse_contribution_ref(ref)))
    console.print(f"{c.ref} is {c.status}")


@app.command("receive")
def receive(ref: RefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Record that the money arrived; it is converted to USD at the ECB rate of that day."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    command = contributions.Receive(
        contribution_id=parse_contribution_ref(ref), on=optional_date(on)
    )
    c = execute(db, command)
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

    command = contributions.Cancel(
        contribution_id=parse_contribution_ref(ref), on=optional_date(on)
    )
    c = execute(db, command)
    console.print(f"{c.ref} is {c.status}")


@app.command("refund")
def refund(ref: RefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Return a received contribution's unallocated money to its contributor."""
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.services import contributions

    command = contributions.Refund(
        contribution_id=parse_contribution_ref(ref), on=optional_date(on)
    )
    c, amount = execute(db, command)
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

    code = ParticipantCode(contributor.upper()) if contributor else None
    found = read(db, lambda uow: contributions.list_all(uow, contributor=code))
    print_listing(
        found, json_output=json_output, document=views.contribution,
        columns=("ref", "contributor", "amount", "status", "pledged", "received", "USD", "rate"),
        row=lambda c: (
            c.ref, c.contributor, c.amount.format(), c.status, c.pledged_on.isoformat(),
            c.received_on.isoformat() if c.received_on else "",
            c.usd.format() if c.usd else "",
            f"{c.conversion.rate} ({c.conversion.rate_date})" if c.conversion else "",
        ),
    )  # fmt: skip
