"""`purldesk ledger`: verify the ledger and read balances."""

from __future__ import annotations

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import command_group, console, print_json, print_table, read
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
def balances(json_output: JsonOption = False, db: DbOption = None) -> None:
    """Balances of every account with one, derived from the entries."""
    from purldesk.adapters.exports import json as views
    from purldesk.domain.money import Money
    from purldesk.services import ledger

    totals = read(db, ledger.balances)
    if json_output:
        print_json(views.balances(totals))
        return
    table = Table("account", "currency", "balance")
    for (account, currency), value in sorted(totals.items()):
        table.add_row(account, currency, Money(value, Money.zero(currency).currency).format())
    print_table(table)
