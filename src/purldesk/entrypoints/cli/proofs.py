"""`purldesk proof check`: verify a proof of inclusion offline, with the ledger's public key
and nothing else (no database, no settings)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from purldesk.entrypoints.cli.common import command_group, console, print_json
from purldesk.entrypoints.cli.options import JsonOption

if TYPE_CHECKING:
    from purldesk.domain.proofs import Report

app = command_group("Check a proof of inclusion offline, with the ledger's public key.")


@app.command("check")
def check(
    proof: Annotated[Path, typer.Argument(help="The proof file `ledger prove` wrote.")],
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help="The ledger's public key (ed25519:…), or a file holding it.",
            show_default=False,
        ),
    ],
    json_output: JsonOption = False,
) -> None:
    """Check that the entries in the proof are in the ledger its checkpoint signed with this
    key, and that this ledger extends the earlier checkpoint the proof names.

    Exits 0 when the proof holds, 6 naming what does not, 2 for a file or key that is not one.
    """
    from purldesk.adapters.signing import PUBLIC_PREFIX, PublicKey
    from purldesk.domain import proofs
    from purldesk.entrypoints.cli.files import read_text

    key_text = key if key.strip().startswith(PUBLIC_PREFIX) else read_text(Path(key))
    public = PublicKey(key_text, field="key")
    report = proofs.check(read_text(proof), key_id=public.key_id, verify=public.verify)
    if json_output:
        print_json(_document(report))
        return
    signed = report.checkpoint
    console.print(
        f"proof holds: {len(report.entries)} entries of {report.contribution} are in the "
        f"ledger of {signed.ledger.size} entries that {signed.ref} signed at "
        f"{signed.at.isoformat()} with key {signed.key_id} (root {signed.ledger.root.hex()})",
        soft_wrap=True,
    )
    for entry in report.entries:
        console.print(f"  {_line(entry)}", soft_wrap=True, markup=False)
    if report.since is None:
        console.print("no earlier checkpoint given: history not compared")
    else:
        since = report.since
        console.print(
            f"that ledger extends the {since.ledger.size} entries {since.ref} signed at "
            f"{since.at.isoformat()}",
            soft_wrap=True,
        )


def _line(entry: dict[str, object]) -> str:
    from purldesk.domain.money import Money, currency

    postings = entry.get("postings")
    moves = ", ".join(
        f"{account} {Money(minor, currency(code)).format()}"
        for account, code, minor in (postings if isinstance(postings, list) else [])
    )
    return (
        f"entry {entry.get('seq')} {entry.get('occurred_on')} {entry.get('kind')}: "
        f"{entry.get('memo')} [{moves}]"
    )


def _document(report: Report) -> dict[str, object]:
    signed, since = report.checkpoint, report.since
    return {
        "ok": True,
        "contribution": report.contribution,
        "checkpoint": signed.document(),
        "since": None if since is None else since.document(),
        "entries": report.entries,
    }
