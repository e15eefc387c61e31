"""Checkpoints read back only from their one canonical document; a log is held against the
checkpoints it must extend; a proof is refused for anything it does not show."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from builders import allocation_tx, pledge_tx, receipt_tx
from purldesk.adapters.signing import SigningKey, generate
from purldesk.domain import checkpoints, ledger, merkle, proofs
from purldesk.domain.checkpoints import Checkpoint, Tree, TreeHead
from purldesk.domain.errors import InvalidInput, ProofInvalid

AT = datetime(2025, 12, 5, 12, tzinfo=UTC)
KEY = SigningKey(generate())
ENTRIES = ledger.chain(
    None,
    [pledge_tx(1), pledge_tx(2), receipt_tx(1), allocation_tx(1), pledge_tx(3)],
    recorded_at=AT,
)
LEAVES = [checkpoints.leaf(e.hash) for e in ENTRIES]


def signed(size: int, seq: int = 1) -> Checkpoint:
    """Checkpoint `seq` of the first `size` entries (as the ledger, and as the audit log)."""
    head = TreeHead(size, merkle.root_of(LEAVES[:size]))
    return checkpoints.sign(
        seq=seq, at=AT, ledger=head, audit=head, key_id=KEY.key_id, signer=KEY.sign
    )


def test_a_checkpoint_reads_back_from_its_document_and_its_signature_holds() -> None:
    taken = signed(5)
    assert checkpoints.parse(taken.document()) == taken
    assert taken.is_signed_with(KEY.key_id, KEY.verify)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"root": "A" * 64}, "checkpoint.root"),
        ({"size": True}, "checkpoint.size"),
        ({"seq": 0}, "checkpoint.seq"),
        ({"at": "2025-12-05T12:00:00Z"}, "checkpoint.at"),
        ({"at": "2025-12-05T13:00:00+01:00"}, "checkpoint.at"),
        ({"extra": 1}, "checkpoint.extra"),
        ({"format": "other"}, "checkpoint.format"),
        ({"signature": "ab"}, "checkpoint.signature"),
    ],
)
def test_a_document_in_any_other_form_is_refused_naming_the_field(
    change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        checkpoints.parse({**signed(5).document(), **change})
    assert refused.value.field == field


def test_a_log_shorter_than_a_checkpoint_or_rewritten_before_it_is_named() -> None:
    stored = TreeHead(5, merkle.root_of(LEAVES))
    assert (
        checkpoints.log_findings(
            Tree.LEDGER, LEAVES, stored=stored, signed=[signed(3), signed(5, 2)]
        )
        == []
    )
    short = checkpoints.log_findings(
        Tree.LEDGER, LEAVES[:4], stored=stored, signed=[signed(3), signed(5, 2)]
    )
    assert [(f.rule, f.row, f.seq) for f in short] == [
        ("tree", "merkle_trees ledger", 4),
        ("truncated", "CP-2", 5),
    ]
    swapped = [LEAVES[1], LEAVES[0], *LEAVES[2:]]
    found = checkpoints.log_findings(Tree.AUDIT, swapped, stored=TreeHead(5, merkle.root_of(swapped)),
                                     signed=[signed(1), signed(3, 2)])  # fmt: skip
    assert [(f.rule, f.row) for f in found] == [
        ("audit-rewritten", "CP-1"),
        ("audit-rewritten", "CP-2"),
    ]


def proof_of(contribution: int, size: int = 5, since: int | None = None) -> dict[str, Any]:
    nodes = dict(merkle.extend(merkle.Frontier(), LEAVES)[1])
    mine = [e for e in ENTRIES if e.transaction.contribution_id == contribution and e.seq <= size]
    proven = [
        proofs.ProvenEntry(ledger.document(e), e.prev_hash, merkle.inclusion_proof(e.seq - 1, size, nodes.__getitem__))
        for e in mine
    ]  # fmt: skip
    older = (
        None
        if since is None
        else (signed(since), merkle.consistency_proof(since, size, nodes.__getitem__))
    )
    return proofs.build(f"C-{contribution:05d}", signed(size, 2), proven, since=older)


def check(document: dict[str, Any]) -> proofs.Report:
    return proofs.check(proofs.proof_text(document), key_id=KEY.key_id, verify=KEY.verify)


def test_a_proof_shows_its_entries_and_the_history_it_extends() -> None:
    report = check(proof_of(1, since=2))
    assert [e["seq"] for e in report.entries] == [1, 3, 4]
    assert report.since is not None and report.since.ledger.size == 2


def test_a_proof_refuses_what_it_does_not_show() -> None:
    mine, theirs = proof_of(1), proof_of(2)
    with pytest.raises(ProofInvalid, match="not an entry of C-00001"):
        check({**mine, "entries": mine["entries"] + theirs["entries"]})
    with pytest.raises(ProofInvalid, match="not after the entry before it"):
        check({**mine, "entries": mine["entries"] + mine["entries"][-1:]})
    moved = {**mine["entries"][0], "inclusion": mine["entries"][1]["inclusion"]}
    with pytest.raises(ProofInvalid, match="entry 1 is not in the ledger CP-2 signed"):
        check({**mine, "entries": [moved]})
    not_extended = proof_of(1, since=2)
    not_extended["consistency"]["checkpoint"] = signed(3).document()
    with pytest.raises(ProofInvalid, match="does not extend"):
        check(not_extended)
    with pytest.raises(ProofInvalid, match="byte for byte"):
        proofs.check(
            proofs.proof_text(mine).replace("  ", "\t"), key_id=KEY.key_id, verify=KEY.verify
        )
