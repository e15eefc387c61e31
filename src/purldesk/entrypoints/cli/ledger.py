"""`purldesk ledger`: verify the ledger and read balances."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    parse_date,
    print_json,
    print_table,
    read,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption

app = command_group("Verify the ledger and read balances.")


@app.command("verify")
def verify(json_output: JsonOption = False, db: DbOption = None) -> None:
    """Prove debits equal credits, the hash chain is intact, and every contribution is accounted for.

    Exits 0 when the ledger holds, 6 with every finding when it does not.
    """
    from purldesk.services import ledger

    checked, findings = read(db, ledger.verify)
    if json_output:
        print_json({
            "entries": checked,
            "ok": not findings,
            "findings": [
                {"rule": f.rule, "seq": f.seq, "contribution": f.contribution, "message": f.message}
                for f in findings
            ],
        })  # fmt: skip
    elif findings:
        for f in findings:
            where = f"entry {f.seq}" if f.seq is not None else (f.contribution or "ledger")
            console.print(f"[red]FAIL[/] {where}: {f.rule}: {f.message}")
        console.print(f"{len(findings)} finding(s) in {checked} entries")
    else:
        console.print(
            f"ledger holds: {checked} entries balanced, hash chain intact, "
            "every contribution accounted for"
        )
    if findings:
        raise typer.Exit(6)


@app.command("balances")
def balances(
    json_output: JsonOption = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Over the entries recorded by the end of this day (UTC), YYYY-MM-DD."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Balances of every account with one, derived from the entries."""
    from purldesk.adapters.exports import json as views
    from purldesk.domain.money import Money
    from purldesk.services import ledger
    from purldesk.services.views.balances import balances_as_of

    if as_of is None:
        totals = read(db, ledger.balances)
    else:
        day = parse_date(as_of, "as_of")
        with application(db) as wired:
            today = wired.clock.now().date()
            totals = balances_as_of(wired.reader(), day=day, today=today)
    if json_output:
        print_json(views.balances(totals))
        return
    table = Table("account", "currency", "balance")
    for (account, currency), value in sorted(totals.items()):
        table.add_row(account, currency, Money(value, Money.zero(currency).currency).format())
    print_table(table)
