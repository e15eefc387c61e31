"""Signed checkpoints: the size and Merkle root of the ledger and of the audit log at one
moment, signed (Ed25519, by the adapter) so that anyone holding the public key can later
prove that both only grew since.

A checkpoint's signature covers the canonical JSON of its document without the signature.
Parsing is strict (exact keys, canonical spellings), so a document has one text per meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from purldesk.domain import merkle
from purldesk.domain.chains import canonical_json
from purldesk.domain.errors import InvalidInput
from purldesk.domain.ledger import Finding

FORMAT = "purldesk.checkpoint/1"
HEX_HASH = re.compile(r"[0-9a-f]{64}")
HEX_SIGNATURE = re.compile(r"[0-9a-f]{128}")  # Ed25519: 64 bytes
KEY_ID = re.compile(r"[0-9a-f]{16}")

Sign = Callable[[bytes], bytes]
Verify = Callable[[bytes, bytes], bool]  # (message, signature) -> whether the key signed it


class Tree(StrEnum):
    """The hash-chained logs a Merkle tree is kept over."""

    LEDGER = "ledger"
    AUDIT = "audit"


def leaf(link_hash: str) -> bytes:
    """The leaf a chain link is in its tree: its SHA-256 (the hex `hash`) as 32 bytes. A
    stored hash that is not one (edited in SQL) is taken as its text, so it still counts."""
    return bytes.fromhex(link_hash) if HEX_HASH.fullmatch(link_hash) else link_hash.encode()


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A tree's size (its number of leaves) and root."""

    size: int
    root: bytes

    @classmethod
    def of(cls, frontier: merkle.Frontier) -> TreeHead:
        return cls(frontier.size, frontier.root)


EMPTY = TreeHead(0, merkle.EMPTY_ROOT)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Checkpoint `seq`: both trees' heads at `at`, signed by the key `key_id`."""

    seq: int
    at: datetime
    ledger: TreeHead
    audit: TreeHead
    key_id: str
    signature: bytes

    @property
    def ref(self) -> str:
        return checkpoint_ref(self.seq)

    def head(self, tree: Tree) -> TreeHead:
        return self.ledger if tree is Tree.LEDGER else self.audit

    def signed_bytes(self) -> bytes:
        return signed_bytes(
            seq=self.seq, at=self.at, ledger=self.ledger, audit=self.audit, key_id=self.key_id
        )

    def document(self) -> dict[str, Any]:
        """The checkpoint as published: its signed document and the signature (hex)."""
        return {**_unsigned(self.seq, self.at, self.ledger, self.audit, self.key_id),
                "signature": self.signature.hex()}  # fmt: skip

    def is_signed_with(self, key_id: str, verify: Verify) -> bool:
        """Whether the key `key_id` (whose signatures `verify` checks) signed exactly this."""
        return self.key_id == key_id and verify(self.signed_bytes(), self.signature)


def checkpoint_ref(seq: int) -> str:
    return f"CP-{seq}"


def _unsigned(
    seq: int, at: datetime, ledger: TreeHead, audit: TreeHead, key_id: str
) -> dict[str, Any]:
    return {
        "format": FORMAT, "seq": seq, "at": at.astimezone(UTC).isoformat(),
        "size": ledger.size, "root": ledger.root.hex(),
        "audit_size": audit.size, "audit_root": audit.root.hex(), "key_id": key_id,
    }  # fmt: skip


def signed_bytes(
    *, seq: int, at: datetime, ledger: TreeHead, audit: TreeHead, key_id: str
) -> bytes:
    """What a checkpoint's signature covers: its document without the signature, canonical."""
    return canonical_json(_unsigned(seq, at, ledger, audit, key_id)).encode()


def sign(
    *, seq: int, at: datetime, ledger: TreeHead, audit: TreeHead, key_id: str, signer: Sign
) -> Checkpoint:
    at = at.astimezone(UTC)
    message = signed_bytes(seq=seq, at=at, ledger=ledger, audit=audit, key_id=key_id)
    return Checkpoint(seq, at, ledger, audit, key_id, signer(message))


# -- reading a published checkpoint back --------------------------------------------------------

KEYS = frozenset(
    {"format", "seq", "at", "size", "root", "audit_size", "audit_root", "key_id", "signature"}
)


def parse(document: Any, *, field: str = "checkpoint") -> Checkpoint:
    """A checkpoint from its published document; InvalidInput names the first wrong field."""
    fields = exact_keys(document, KEYS, field=field)
    if fields["format"] != FORMAT:
        raise InvalidInput(f"{field}.format", f"is not {FORMAT!r}")
    at = fields["at"]
    if not isinstance(at, str) or (parsed := _instant(at)) is None:
        raise InvalidInput(f"{field}.at", "is not an instant as a checkpoint writes it")
    return Checkpoint(
        seq=count(fields["seq"], f"{field}.seq", least=1),
        at=parsed,
        ledger=TreeHead(count(fields["size"], f"{field}.size"),
                        hex_bytes(fields["root"], HEX_HASH, f"{field}.root")),
        audit=TreeHead(count(fields["audit_size"], f"{field}.audit_size"),
                       hex_bytes(fields["audit_root"], HEX_HASH, f"{field}.audit_root")),
        key_id=text(fields["key_id"], KEY_ID, f"{field}.key_id"),
        signature=hex_bytes(fields["signature"], HEX_SIGNATURE, f"{field}.signature"),
    )  # fmt: skip


def _instant(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.astimezone(UTC).isoformat() != text:
        return None
    return parsed.astimezone(UTC)


def exact_keys(document: Any, keys: Iterable[str], *, field: str) -> Mapping[str, Any]:
    """`document` as an object with exactly `keys`, or InvalidInput naming what is wrong."""
    if not isinstance(document, dict):
        raise InvalidInput(field, "is not a JSON object")
    wanted = set(keys)
    if missing := sorted(wanted - document.keys()):
        raise InvalidInput(f"{field}.{missing[0]}", "is missing")
    if extra := sorted(document.keys() - wanted):
        raise InvalidInput(f"{field}.{extra[0]}", "is not a field of it")
    return document


def count(value: Any, field: str, *, least: int = 0) -> int:
    if type(value) is not int or value < least:
        raise InvalidInput(field, f"is not a whole number of at least {least}")
    return value


def text(value: Any, pattern: re.Pattern[str], field: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidInput(field, "is not in its form (lowercase hexadecimal of its length)")
    return value


def hex_bytes(value: Any, pattern: re.Pattern[str], field: str) -> bytes:
    return bytes.fromhex(text(value, pattern, field))


def hashes(values: Any, field: str) -> list[bytes]:
    """A list of hex SHA-256 hashes, as proofs carry them."""
    if not isinstance(values, list):
        raise InvalidInput(field, "is not a list of hashes")
    return [hex_bytes(value, HEX_HASH, f"{field}[{i}]") for i, value in enumerate(values)]


# -- checking logs against checkpoints ---------------------------------------------------------


def roots_at(leaves: Sequence[bytes], sizes: Iterable[int]) -> tuple[TreeHead, dict[int, bytes]]:
    """The head of the tree over `leaves`, and its root at each of `sizes` it reaches."""
    frontier, roots = merkle.Frontier(), {}
    for size in sorted(set(sizes)):
        if size > len(leaves):
            break
        frontier, _ = merkle.extend(frontier, leaves[frontier.size : size])
        roots[size] = frontier.root
    frontier, _ = merkle.extend(frontier, leaves[frontier.size :])
    return TreeHead.of(frontier), roots


def log_findings(
    tree: Tree, leaves: Sequence[bytes], *, stored: TreeHead, signed: Sequence[Checkpoint]
) -> list[Finding]:
    """Whether the log, its leaves recomputed from its entries, still extends each checkpoint
    of `signed` (nothing removed from its end, nothing changed, reordered or inserted before
    it), and whether its stored tree is the tree of its entries. Rules of the audit log's
    tree start with "audit-"."""
    what, prefix = ("ledger", "") if tree is Tree.LEDGER else ("audit log", "audit-")
    current, roots = roots_at(leaves, (c.head(tree).size for c in signed))
    found = []
    if stored != current:
        found.append(Finding(f"{prefix}tree", (
            f"the stored Merkle tree of the {what} ({stored.size} leaves, root "
            f"{stored.root.hex()[:16]}…) is not the tree of its {current.size} entries (root "
            f"{current.root.hex()[:16]}…)"), seq=current.size, row=f"merkle_trees {tree}"))  # fmt: skip
    for checkpoint in signed:
        head = checkpoint.head(tree)
        if head.size > current.size:
            found.append(Finding(f"{prefix}truncated", (
                f"the {what} has {current.size} entries but {checkpoint.ref} signed "
                f"{head.size}: {head.size - current.size} removed from its end (entries "
                f"{current.size + 1}–{head.size})"), seq=current.size + 1, row=checkpoint.ref))  # fmt: skip
        elif roots[head.size] != head.root:
            found.append(Finding(f"{prefix}rewritten", (
                f"the first {head.size} entries of the {what} no longer give the root "
                f"{checkpoint.ref} signed: an entry up to {head.size} was changed, removed, "
                "reordered or inserted"), seq=head.size, row=checkpoint.ref))  # fmt: skip
    return found
