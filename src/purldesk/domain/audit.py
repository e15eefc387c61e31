"""The audit trail's records: who changed what, when and in which request, hash-chained like
the ledger. Sealing and checking the chain is pure; appending is the storage adapter's."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from purldesk.domain import chains
from purldesk.domain.access import Actor, Role
from purldesk.domain.chains import canonical_json as canonical_json

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
    }  # fmt: skip
    return chains.link_hash(document, prev_hash)


def seal(event: AuditEvent, *, head: AuditEntry | None, at: datetime) -> AuditEntry:
    """The entry for `event`, chained after `head` (None for an empty log)."""
    seq, prev = chains.tip(head)
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


_BREAK_MESSAGES = {
    chains.BreakRule.SEQUENCE: "expected entry {expected_seq}",
    chains.BreakRule.CHAIN: "previous hash does not match",
    chains.BreakRule.HASH: "entry was altered after sealing",
}


def check(entries: Sequence[AuditEntry]) -> list[AuditFinding]:
    """Every break in the chain: a gap in sequence, a wrong previous hash, a wrong hash."""
    return [
        AuditFinding(found.seq, found.rule.value, found.describe(_BREAK_MESSAGES))
        for _, breaks in chains.walk(entries, rehash=rehash)
        for found in breaks
    ]


def rehash(entry: AuditEntry) -> str:
    """The hash the entry's content and `prev_hash` give (its `hash`, unless altered)."""
    sealed = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry) if f.name != "hash"}
    return entry_hash(**sealed)
