"""The audit trail's records: who changed what, when and in which request, hash-chained like
the ledger. Sealing and checking the chain is pure; appending is the storage adapter's."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from purldesk.domain.access import Actor, Role

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"  # writes made from the command line, by whoever runs it


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What one write did; `changes` is any JSON document (the request and its result)."""

    action: str
    target: str
    changes: Mapping[str, Any]
    request_id: str
    actor: Actor | None = None  # None: the command line


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    user_id: int | None
    user_name: str
    organization: str | None
    role: str | None
    request_id: str
    action: str
    target: str
    changes: str  # canonical JSON, exactly as hashed
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The first response to a keyed request, kept to answer its repeats."""

    request_hash: str
    status_code: int
    body: str  # JSON text, exactly as first returned


@dataclass(frozen=True, slots=True)
class AuditFinding:
    seq: int
    rule: str
    message: str


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(
    *,
    seq: int,
    at: datetime,
    user_id: int | None,
    user_name: str,
    organization: str | None,
    role: str | None,
    request_id: str,
    action: str,
    target: str,
    changes: str,
    prev_hash: str,
) -> str:
    document = {
        "seq": seq, "at": at.astimezone(UTC).isoformat(), "user_id": user_id,
        "user_name": user_name, "organization": organization, "role": role,
        "request_id": request_id, "action": action, "target": target, "changes": changes,
        "prev": prev_hash,
    }  # fmt: skip
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def seal(event: AuditEvent, *, head: AuditEntry | None, at: datetime) -> AuditEntry:
    """The entry for `event`, chained after `head` (None for an empty log)."""
    seq, prev = (0, GENESIS_HASH) if head is None else (head.seq, head.hash)
    at = at.astimezone(UTC)
    actor = event.actor
    account = None if actor is None or actor.role is Role.OPERATOR else actor  # a user's
    fields: dict[str, Any] = {
        "seq": seq + 1,
        "at": at,
        "user_id": None if account is None else account.user_id,
        "user_name": SYSTEM_ACTOR if actor is None else actor.name,
        "organization": None if account is None else account.organization,
        "role": None if actor is None else actor.role.value,
        "request_id": event.request_id,
        "action": event.action,
        "target": event.target,
        "changes": canonical_json(event.changes),
        "prev_hash": prev,
    }
    return AuditEntry(**fields, hash=entry_hash(**fields))


def check(entries: Sequence[AuditEntry]) -> list[AuditFinding]:
    """Every break in the chain: a gap in sequence, a wrong previous hash, a wrong hash."""
    findings = []
    prev = GENESIS_HASH
    for expected, entry in enumerate(entries, start=1):
        if entry.seq != expected:
            findings.append(AuditFinding(entry.seq, "sequence", f"expected entry {expected}"))
        if entry.prev_hash != prev:
            findings.append(AuditFinding(entry.seq, "chain", "previous hash does not match"))
        recomputed = entry_hash(
            seq=entry.seq, at=entry.at, user_id=entry.user_id, user_name=entry.user_name,
            organization=entry.organization, role=entry.role, request_id=entry.request_id,
            action=entry.action, target=entry.target, changes=entry.changes,
            prev_hash=entry.prev_hash,
        )  # fmt: skip
        if recomputed != entry.hash:
            findings.append(AuditFinding(entry.seq, "hash", "entry was altered after sealing"))
        prev = entry.hash
    return findings
