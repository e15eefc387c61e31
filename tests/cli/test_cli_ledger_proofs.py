"""Issue 14's proofs on the demo, on SQLite and PostgreSQL: for every contribution, `ledger prove`
gives a proof that `proof check` accepts with the public key alone (no database, no
settings); flipping any byte of it fails the check, and so does another key; a proof shows
the contribution's own entries and only hashes of everyone else's."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.adapters.signing import PublicKey, SigningKey, generate
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.domain import checkpoints, proofs
from purldesk.domain.access import OPERATOR, operator
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import InvalidInput, ProofInvalid, PurldeskError
from purldesk.domain.money import Money
from purldesk.entrypoints.cli.app import app
from purldesk.services import contributions, ledger
from purldesk.services import proofs as proving

pytestmark = pytest.mark.both_databases


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def wired(demo_url: str) -> Iterator[Application]:
    application = build(load_settings(database_url=demo_url))
    yield application
    application.close()


def public_key(wired: Application) -> PublicKey:
    signer = wired.signer
    assert isinstance(signer, SigningKey)
    return signer.public


def test_every_contribution_of_the_demo_proves_and_checks(wired: Application) -> None:
    key = public_key(wired)
    every = contributions.list_all(wired.uow())
    assert len(every) >= 10
    for contribution in every:
        document = proving.prove(wired.uow(), viewer=OPERATOR, contribution_id=contribution.id)
        report = proofs.check(proofs.proof_text(document), key_id=key.key_id, verify=key.verify)
        assert report.contribution == contribution.ref
        assert {e["contribution_id"] for e in report.entries} == {contribution.id}
        assert report.entries[0]["kind"] == "pledge"


def test_a_proof_reveals_no_other_contributors_entries(wired: Application) -> None:
    every = contributions.list_all(wired.uow())
    for contribution in every:
        text = proofs.proof_text(
            proving.prove(wired.uow(), viewer=OPERATOR, contribution_id=contribution.id)
        )
        assert set(re.findall(r"C-\d{5}", text)) == {contribution.ref}
        for entry in json.loads(text)["entries"]:
            accounts = {account for account, _, _ in entry["entry"]["postings"]}
            assert all(a.endswith(contribution.ref) or a == "fx-trading" for a in accounts)


def test_ledger_prove_and_proof_check_on_the_command_line_without_a_database(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, key = tmp_path / "proof.json", tmp_path / "public.key"
    code, printed, err = run("ledger", "prove", "C-00014", "--out", str(out), "--db", demo_url)
    assert code == 0, err
    assert "entries of C-00014 in CP-" in printed
    key.write_text(run("keys", "public")[1])
    # A ministry's machine: no database and settings that would not even load.
    monkeypatch.setenv("PURLDESK_DATABASE_URL", "postgresql+psycopg://nobody@256.0.0.1/none")
    monkeypatch.setenv("PURLDESK_SERVER__PORT", "not a port")
    code, printed, err = run("proof", "check", str(out), "--key", str(key))
    assert code == 0, err
    assert "proof holds: 2 entries of C-00014" in printed
    assert "KRW 30,000,000,000" in printed
    code, printed, _ = run("proof", "check", str(out), "--key", key.read_text().strip(), "--json")
    assert code == 0
    assert json.loads(printed)["contribution"] == "C-00014"


def test_flipping_any_byte_of_a_proof_fails_its_check(wired: Application) -> None:
    key = public_key(wired)
    pledge = contributions.Pledge(
        contributor="NLD", amount=Money.of(1000, "EUR"), pledged_on=date(2025, 12, 5)
    )
    for command in (pledge, ledger.TakeCheckpoint()):  # the ledger grows past the demo's
        wired.run(command, actor=operator("test"), request_id="test")
    demos_last = 2
    document = proving.prove(
        wired.uow(), viewer=OPERATOR, contribution_id=ContributionId(1), since=demos_last
    )
    assert document["consistency"]["proof"]  # two checkpoints, two signatures, both proofs
    data = proofs.proof_text(document).encode()
    # Every byte's lowest bit, and the case of every letter (hex is read lowercase only).
    flips = [(i, 0x01) for i in range(len(data))]
    flips += [(i, 0x20) for i, byte in enumerate(data) if chr(byte).isalpha()]
    for position, mask in flips:
        flipped = bytearray(data)
        flipped[position] ^= mask
        with pytest.raises(PurldeskError):
            proofs.check(flipped.decode("ascii"), key_id=key.key_id, verify=key.verify)


def resigned(document: dict[str, object], key: SigningKey, *, key_id: str) -> dict[str, object]:
    """The proof with its checkpoint signed again by `key`, naming `key_id`."""
    signed = checkpoints.parse(document["checkpoint"])
    forged = checkpoints.sign(
        seq=signed.seq, at=signed.at, ledger=signed.ledger, audit=signed.audit, key_id=key_id,
        signer=key.sign,
    )  # fmt: skip
    return {**document, "checkpoint": forged.document()}


def test_a_checkpoint_signed_by_another_key_fails(wired: Application, tmp_path: Path) -> None:
    key = public_key(wired)
    document = proving.prove(wired.uow(), viewer=OPERATOR, contribution_id=ContributionId(2))
    other = SigningKey(generate())
    for forged, message in (
        (resigned(document, other, key_id=other.key_id), "names the key"),
        (resigned(document, other, key_id=key.key_id), "is not the key's"),
    ):
        with pytest.raises(ProofInvalid, match=message):
            proofs.check(proofs.proof_text(forged), key_id=key.key_id, verify=key.verify)
    path = tmp_path / "proof.json"
    path.write_text(proofs.proof_text(document))
    code, _, err = run("proof", "check", str(path), "--key", other.public.text)
    assert code == 6
    assert f"not the key given ({other.key_id})" in err
    with pytest.raises(InvalidInput, match="key"):
        PublicKey("ed25519:" + "0" * 63)
