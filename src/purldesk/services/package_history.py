"""Keep each package's history: after every write, the state of each package it changed, if it
differs from the last state kept (`domain/package_history.py`). The handler calls it in the
write's own transaction, so a state is kept exactly when the write is committed."""

from __future__ import annotations

from datetime import datetime

from purldesk.domain.package_history import PackageRelease, PackageState, document
from purldesk.services.changed import Noted
from purldesk.services.ports import UnitOfWork


def keep(uow: UnitOfWork, noted: Noted, *, at: datetime, audit_seq: int) -> list[PackageRelease]:
    """Keep the new state of each package the write recorded as `audit_seq` changed (`noted`);
    a package whose state is the last one kept gets none. What the write holds as it now
    stands (a package, its shipments: see `services/changed.py`) is not read again; the rest
    is read by key."""
    kept = []
    for package_id in sorted(noted.packages):
        package = noted.held.get(package_id) or uow.packages.get(package_id)
        listed = noted.shipments.get(package_id)
        shipments = uow.shipments.list(package_id=package_id) if listed is None else listed.values()
        state = PackageState.of(package, shipments)
        last = uow.releases.latest(package_id)
        # Compared as stored: a record held in memory may differ from one read back only in
        # its types (a list for a tuple), never in what is kept.
        if last is not None and document(last.state) == document(state):
            continue
        release = PackageRelease(
            package_id=package_id, number=1 if last is None else last.number + 1, at=at,
            audit_seq=audit_seq, ledger_seq=uow.ledger.head_seq(), state=state,
        )  # fmt: skip
        uow.releases.add(release)
        kept.append(release)
    return kept
