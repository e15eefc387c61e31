"""`purldesk ledger`: verify the ledger, read balances, sign checkpoints and prove entries."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    execute,
    json_text,
    parse_date,
    print_json,
    print_table,
    read,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption

if TYPE_CHECKING:
    from purldesk.domain.checkpoints import Checkpoint

app = command_group("Verify the ledger, read balances, sign checkpoints and prove entries.")

OutOption = Annotated[
    Path | None, typer.Option("--out", help="Write the JSON document to this file.")
]


CheckpointOption = Annotated[
    Path | None,
    typer.Option(
        "--checkpoint",
        help="A checkpoint published before (JSON, as `ledger checkpoint --json` writes it) "
        "that the ledger and the audit log must still extend.",
    ),
]


@app.command("verify")
def verify(
    checkpoint_file: CheckpointOption = None, json_output: JsonOption = False, db: DbOption = None
) -> None:
    """Prove the ledger: balanced, chained, every contribution accounted for, every row derived
    from it in agreement, and the ledger and audit log extending every checkpoint.

    Exits 0 when the ledger holds, 6 with every finding when it does not.
    """
    from purldesk.entrypoints.cli.common import application
    from purldesk.services import ledger

    against = None if checkpoint_file is None else read_checkpoint(checkpoint_file)
    # A bar of the steps on a terminal only: never among JSON or piped output.
    shown = console.is_terminal and not json_output
    with application(db) as wired, steps_bar(len(ledger.VERIFY_STEPS), enabled=shown) as step:
        checked, findings = ledger.verify(
            wired.uow(), signer=wired.signer, against=against, progress=step
        )
    if json_output:
        print_json({
            "entries": checked,
            "ok": not findings,
            "findings": [
                {"rule": f.rule, "seq": f.seq, "contribution": f.contribution, "row": f.row,
                 "message": f.message}
                for f in findings
            ],
        })  # fmt: skip
    elif findings:
        for f in findings:
            where = f"entry {f.seq}" if f.seq is not None and f.row is None else None
            where = where or f.row or f.contribution or "ledger"
            console.print(f"[red]FAIL[/] {where}: {f.rule}: {f.message}", soft_wrap=True)
        console.print(f"{len(findings)} finding(s) in {checked} entries")
    else:
        console.print(
            f"ledger holds: {checked} entries balanced, hash chain intact, every contribution "
            "accounted for, derived rows agree, every checkpoint extended"
        )
    if findings:
        raise typer.Exit(6)


@contextmanager
def steps_bar(steps: int, *, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A bar of `steps` steps on the console, gone once done: `step(name)` as each begins."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not enabled,
    ) as progress:  # fmt: skip
        task = progress.add_task("verify", total=steps)
        begun = 0

        def step(name: str) -> None:
            nonlocal begun
            progress.update(task, completed=begun, description=f"verify: {name}")
            begun += 1

        yield step
        progress.update(task, completed=steps)


def read_checkpoint(path: Path) -> Checkpoint:
    """The checkpoint published in the file; one that is not one is InvalidInput."""
    from purldesk.domain import checkpoints
    from purldesk.entrypoints.cli.files import read_json

    return checkpoints.parse(read_json(path), field=str(path))


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


@app.command("checkpoint")
def checkpoint(json_output: JsonOption = False, out: OutOption = None, db: DbOption = None) -> None:
    """Sign the sizes and Merkle roots of the ledger and the audit log now (audited).

    Taken automatically at each package state change and on the first write of each day;
    run it from cron (daily) so that quiet days are checkpointed too.
    """
    from purldesk.entrypoints.cli.files import write_text
    from purldesk.services import ledger

    taken = execute(db, ledger.TakeCheckpoint())
    if out is not None:
        write_text(out, json_text(taken.document()))
    if json_output:
        print_json(taken.document())
    else:
        console.print(describe(taken), soft_wrap=True)


@app.command("rebuild-balances")
def rebuild_balances(db: DbOption = None) -> None:
    """Recompute the balances kept beside the ledger from its postings, the
    contributions' kept totals from the contributions, and the substitution effects kept
    apart from the allocation bases from the bases (audited).

    The repair when `ledger verify` finds an `account-balance`, `kind-balance`,
    `contribution-total` or `substitution-effect`: the entries, postings, contributions
    and bases are not touched.
    """
    from purldesk.services import ledger

    kept = execute(db, ledger.RebuildBalances())
    console.print(f"balances rebuilt from the postings: {kept:,} accounts kept")


def describe(taken: Checkpoint) -> str:
    return (
        f"{taken.ref} signed at {taken.at.isoformat()} by key {taken.key_id}\n"
        f"ledger: {taken.ledger.size} entries, root {taken.ledger.root.hex()}\n"
        f"audit log: {taken.audit.size} entries, root {taken.audit.root.hex()}"
    )


@app.command("prove")
def prove(
    contribution: Annotated[str, typer.Argument(help="Contribution reference, such as C-00001.")],
    since_file: CheckpointOption = None,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """A proof that the contribution's entries are in the ledger the latest checkpoint signed,
    and that this ledger extends an earlier checkpoint (--checkpoint, else the first that
    held any of its entries); `purldesk proof check` verifies it with no database."""
    from purldesk.domain.access import OPERATOR
    from purldesk.domain.contributions import parse_contribution_ref
    from purldesk.domain.proofs import proof_text
    from purldesk.entrypoints.cli.common import application
    from purldesk.entrypoints.cli.files import write_text
    from purldesk.services import proofs

    contribution_id = parse_contribution_ref(contribution)
    since = None if since_file is None else read_checkpoint(since_file)
    with application(db) as wired:
        document = proofs.prove(
            wired.uow(), viewer=OPERATOR, contribution_id=contribution_id, since=since,
            signer=wired.signer,
        )  # fmt: skip
    text = proof_text(document)
    if out is None:
        sys.stdout.write(text)
        return
    write_text(out, text)
    signed = document["checkpoint"]
    console.print(
        f"wrote {out}: {len(document['entries'])} entries of {document['contribution']} in "
        f"CP-{signed['seq']} (ledger of {signed['size']} entries)"
    )
