"""`purldesk ledger checkpoint` and `purldesk keys`: a checkpoint signed with the configured key
(refused at its placeholder in production), its public key printed for contributors, a new
key made into a file only its owner reads."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.adapters.signing import PublicKey, SigningKey, generate
from purldesk.domain import checkpoints
from purldesk.entrypoints.cli.app import app

KEY = generate()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_checkpoint_is_signed_with_the_configured_key(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PURLDESK_LEDGER__SIGNING_KEY", KEY)
    out = tmp_path / "checkpoint.json"
    code, printed, err = run("ledger", "checkpoint", "--json", "--out", str(out), "--db", demo_url)
    assert code == 0, err
    document = json.loads(printed)
    assert json.loads(out.read_text()) == document
    taken = checkpoints.parse(document)
    code, public, _ = run("keys", "public")
    key = PublicKey(public.strip())
    assert taken.is_signed_with(key.key_id, key.verify)
    assert key.text == SigningKey(KEY).public.text
    code, text, _ = run("ledger", "checkpoint", "--db", demo_url)
    assert code == 0
    assert f"CP-{taken.seq + 1} signed at" in text
    assert f"ledger: {taken.ledger.size} entries, root {taken.ledger.root.hex()}" in text


def test_production_refuses_the_development_key(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PURLDESK_ENVIRONMENT", "production")
    monkeypatch.setenv("PURLDESK_AUTH__TOKEN_PEPPER", "p" * 40)
    monkeypatch.setenv("PURLDESK_WEB__SESSION_SECRET", "s" * 40)
    monkeypatch.setenv("PURLDESK_REPORTS__PUBLIC_URL", "https://purl.example.org")
    code, _, err = run("ledger", "checkpoint", "--db", demo_url)
    assert code == 2
    assert "PURLDESK_LEDGER__SIGNING_KEY" in err
    assert "purldesk keys generate" in err
    monkeypatch.setenv("PURLDESK_LEDGER__SIGNING_KEY", KEY)
    assert run("ledger", "checkpoint", "--db", demo_url)[0] == 0


def test_a_key_that_is_not_one_is_refused_naming_the_variable(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PURLDESK_LEDGER__SIGNING_KEY", "ed25519-secret:not-hex")
    code, _, err = run("ledger", "checkpoint", "--db", demo_url)
    assert code == 2
    assert "PURLDESK_LEDGER__SIGNING_KEY" in err


def test_keys_generate_writes_a_new_key_readable_by_its_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "signing.key"
    code, printed, err = run("keys", "generate", "--out", str(out))
    assert code == 0, err
    secret = out.read_text().strip()
    assert secret not in printed + err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert SigningKey(secret).public.text in err
    assert run("keys", "generate", "--out", str(out))[0] == 2  # never overwrites a key
    code, printed, _ = run("keys", "generate")
    assert code == 0
    assert SigningKey(printed.strip()).key_id != SigningKey(secret).key_id
