"""The audit trail: entries are appended inside the transaction of the write they describe, so
a write without its entry (or an entry without its write) cannot be committed."""

from __future__ import annotations

from datetime import datetime

from purldesk.domain.access import Actor, Permission, authorize
from purldesk.domain.audit import AuditEntry, AuditEvent, AuditFinding, check
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
    authorize(actor, Permission.READ_AUDIT)
    with uow:
        entries = uow.audit.entries()
    return len(entries), check(entries)
