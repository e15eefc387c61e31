"""`purldesk keys`: make the key checkpoints are signed with, and print its public key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import command_group, console, err_console, print_json
from purldesk.entrypoints.cli.options import JsonOption

app = command_group("Make the checkpoint signing key and print its public key.")


@app.command("generate")
def generate(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the new key to this new file (readable by you only)."),
    ] = None,
) -> None:
    """A new Ed25519 signing key for PURLDESK_LEDGER__SIGNING_KEY; its public key on stderr."""
    from purldesk.adapters.signing import SigningKey
    from purldesk.adapters.signing import generate as new_key
    from purldesk.domain.errors import InvalidInput

    secret = new_key()
    public = SigningKey(secret).public
    if out is None:
        console.print(secret)
    else:
        try:
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise InvalidInput("out", f"cannot create {out}: {error.strerror}") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secret + "\n")
        console.print(f"wrote {out}: set PURLDESK_LEDGER__SIGNING_KEY to its content")
    err_console.print(f"public key: {public.text} (key id {public.key_id})")


@app.command("public")
def public(json_output: JsonOption = False) -> None:
    """The public key of the configured signing key, to hand to contributors."""
    from purldesk.adapters.signing import SigningKey
    from purldesk.config import PLACEHOLDER_SIGNING_KEY, load_settings

    secret = load_settings().ledger.signing_key.get_secret_value()
    key = SigningKey(secret).public
    if secret.strip() == PLACEHOLDER_SIGNING_KEY:
        err_console.print(
            "warning: this is the development key, whose secret everyone can read; "
            "set PURLDESK_LEDGER__SIGNING_KEY (purldesk keys generate)"
        )
    if json_output:
        print_json({"public_key": key.text, "key_id": key.key_id})
    else:
        console.print(key.text)
