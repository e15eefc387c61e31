"""The audit trail: entries are appended inside the transaction of the write they describe, so
a write without its entry (or an entry without its write) cannot be committed."""

from __future__ import annotations

from datetime import datetime

from purldesk.domain import checkpoints
from purldesk.domain.access import Actor, Permission, authorize
from purldesk.domain.audit import AuditEntry, AuditEvent, AuditFinding, check, rehash
from purldesk.domain.checkpoints import Tree, TreeHead
from purldesk.services.ports import UnitOfWork


def record(uow: UnitOfWork, event: AuditEvent, *, at: datetime) -> AuditEntry:
    """Append `event` inside the caller's open transaction (serialised across processes)."""
    return uow.audit.append(event, at=at)


def list_entries(
    uow: UnitOfWork, *, actor: Actor, offset: int, limit: int
) -> tuple[list[AuditEntry], int]:
    """A page of the log, oldest first, and the number of entries; for auditors."""
    authorize(actor, Permission.READ_AUDIT)
    with uow:
        return uow.audit.page(offset=offset, limit=limit), uow.audit.count()


def verify(uow: UnitOfWork, *, actor: Actor) -> tuple[int, list[AuditFinding]]:
    """Every break in the chain, and every checkpoint the log no longer extends (an entry
    removed from its end, or changed before it), and a stored tree that is not its own."""
    authorize(actor, Permission.READ_AUDIT)
    with uow:
        uow.read_one_moment()
        entries = uow.audit.entries()
        stored = TreeHead.of(uow.trees.frontier(Tree.AUDIT))
        signed = uow.checkpoints.list()
    leaves = [checkpoints.leaf(rehash(e)) for e in entries]
    tree = checkpoints.log_findings(Tree.AUDIT, leaves, stored=stored, signed=signed)
    return len(entries), check(entries) + [
        AuditFinding(f.seq or 0, f.rule.removeprefix("audit-"), f.message) for f in tree
    ]
