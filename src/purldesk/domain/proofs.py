"""Proofs a contributor checks alone: its own ledger entries in full, each with its inclusion
proof in the tree a signed checkpoint names, and a consistency proof that this checkpoint
extends an earlier one. Other entries appear only as hashes (a `prev_hash`, the siblings of
a path), so no other contributor's amount is revealed.

A proof file is checked byte for byte: it must be exactly the text `proof_text` writes of
its own content, every field is checked, and nothing else may be in it, so that any byte
changed anywhere makes the check fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from purldesk.domain import chains, checkpoints, merkle
from purldesk.domain.checkpoints import Checkpoint, Verify
from purldesk.domain.errors import InvalidInput, ProofInvalid

FORMAT = "purldesk.proof/1"
CONTRIBUTION_REF = re.compile(r"C-\d{5,}")
KEYS = frozenset({"format", "contribution", "checkpoint", "entries", "consistency"})
ENTRY_KEYS = frozenset({"entry", "prev_hash", "inclusion"})
CONSISTENCY_KEYS = frozenset({"checkpoint", "proof"})


def proof_text(document: Any) -> str:
    """The one text of a proof: sorted keys, two-space indent, ASCII, a final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


@dataclass(frozen=True, slots=True)
class ProvenEntry:
    """One of the contributor's entries: its document (as hashed), the hash before it, and the
    path from its leaf to the checkpoint's root."""

    document: dict[str, Any]
    prev_hash: str
    inclusion: list[bytes]

    @property
    def seq(self) -> int:
        seq = self.document.get("seq")
        return seq if type(seq) is int else 0


def build(
    contribution: str,
    checkpoint: Checkpoint,
    entries: Sequence[ProvenEntry],
    *,
    since: tuple[Checkpoint, list[bytes]] | None,
) -> dict[str, Any]:
    """The proof document: `since` is an earlier checkpoint and the consistency proof from it."""
    return {
        "format": FORMAT,
        "contribution": contribution,
        "checkpoint": checkpoint.document(),
        "entries": [
            {"entry": e.document, "prev_hash": e.prev_hash, "inclusion": [h.hex() for h in e.inclusion]}
            for e in entries
        ],
        "consistency": None if since is None else {
            "checkpoint": since[0].document(), "proof": [h.hex() for h in since[1]]
        },
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Report:
    """What a proof showed: these entries of `contribution` are in the ledger `checkpoint`
    signed, and that ledger extends the one `since` signed (None: no earlier one given)."""

    contribution: str
    checkpoint: Checkpoint
    entries: list[dict[str, Any]]
    since: Checkpoint | None


def check(text: str, *, key_id: str, verify: Verify) -> Report:
    """Check a proof file's text with the public key `key_id` (whose signatures `verify`
    checks); ProofInvalid says what does not hold, InvalidInput what is malformed."""
    document = _canonical(text)
    fields = checkpoints.exact_keys(document, KEYS, field="proof")
    if fields["format"] != FORMAT:
        raise InvalidInput("proof.format", f"is not {FORMAT!r}")
    contribution = fields["contribution"]
    if not isinstance(contribution, str) or not CONTRIBUTION_REF.fullmatch(contribution):
        raise InvalidInput("proof.contribution", "is not a contribution reference like C-00012")
    signed = _signed(fields["checkpoint"], "proof.checkpoint", key_id, verify)
    entries = _entries(fields["entries"], int(contribution[2:]), signed)
    since = _since(fields["consistency"], signed, key_id, verify)
    return Report(contribution, signed, entries, since)


def _canonical(text: str) -> Any:
    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({key for key, _ in pairs}) != len(pairs):
            raise ProofInvalid("the proof names a field twice")
        return dict(pairs)

    try:
        document = json.loads(text, object_pairs_hook=no_repeats)
    except ValueError:
        raise ProofInvalid("the proof is not JSON: it was altered or cut short") from None
    if proof_text(document) != text:
        raise ProofInvalid("the proof is not byte for byte as `ledger prove` wrote it")
    return document


def _signed(document: Any, field: str, key_id: str, verify: Verify) -> Checkpoint:
    found = checkpoints.parse(document, field=field)
    if found.key_id != key_id:
        raise ProofInvalid(
            f"{found.ref} names the key {found.key_id}, not the key given ({key_id})"
        )
    if not found.is_signed_with(key_id, verify):
        raise ProofInvalid(f"the signature of {found.ref} is not the key's: it was altered")
    return found


def _entries(values: Any, contribution_id: int, signed: Checkpoint) -> list[dict[str, Any]]:
    if not isinstance(values, list) or not values:
        raise InvalidInput("proof.entries", "is not a list of entries")
    proven, last = [], 0
    for i, value in enumerate(values):
        field = f"proof.entries[{i}]"
        entry = checkpoints.exact_keys(value, ENTRY_KEYS, field=field)
        document = entry["entry"]
        if not isinstance(document, dict) or document.get("contribution_id") != contribution_id:
            raise ProofInvalid(f"{field} is not an entry of C-{contribution_id:05d}")
        seq = checkpoints.count(document.get("seq"), f"{field}.entry.seq", least=1)
        if seq <= last:
            raise ProofInvalid(f"{field} is not after the entry before it")
        prev = checkpoints.text(entry["prev_hash"], checkpoints.HEX_HASH, f"{field}.prev_hash")
        path = checkpoints.hashes(entry["inclusion"], f"{field}.inclusion")
        leaf = merkle.leaf_hash(checkpoints.leaf(chains.link_hash(document, prev)))
        if not merkle.verify_inclusion(seq - 1, signed.ledger.size, leaf, path, signed.ledger.root):
            raise ProofInvalid(f"entry {seq} is not in the ledger {signed.ref} signed")
        proven.append(document)
        last = seq
    return proven


def _since(value: Any, signed: Checkpoint, key_id: str, verify: Verify) -> Checkpoint | None:
    if value is None:
        return None
    fields = checkpoints.exact_keys(value, CONSISTENCY_KEYS, field="proof.consistency")
    earlier = _signed(fields["checkpoint"], "proof.consistency.checkpoint", key_id, verify)
    path = checkpoints.hashes(fields["proof"], "proof.consistency.proof")
    old, new = earlier.ledger, signed.ledger
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, path):
        raise ProofInvalid(
            f"the ledger {signed.ref} signed does not extend the one {earlier.ref} signed"
        )
    return earlier
