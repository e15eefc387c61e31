"""Keep each package's history: after every write, the state of each package it changed, if it
differs from the last state kept (`domain/package_history.py`). The handler calls it in the
write's own transaction, so a state is kept exactly when the write is committed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from purldesk.domain.package_history import PackageRelease, PackageState
from purldesk.domain.packages import PackageId
from purldesk.services.ports import UnitOfWork


def keep(
    uow: UnitOfWork, package_ids: Iterable[PackageId], *, at: datetime, audit_seq: int
) -> list[PackageRelease]:
    """Keep the new state of each of `package_ids` the write recorded as `audit_seq` changed;
    a package whose state is the last one kept gets none. Reads each package by its key."""
    kept = []
    for package_id in sorted(set(package_ids)):
        package = uow.packages.get(package_id)
        state = PackageState.of(package, uow.shipments.list(package_id=package_id))
        last = uow.releases.latest(package_id)
        if last is not None and last.state == state:
            continue
        head = uow.ledger.head()
        release = PackageRelease(
            package_id=package_id, number=1 if last is None else last.number + 1, at=at,
            audit_seq=audit_seq, ledger_seq=0 if head is None else head.seq, state=state,
        )  # fmt: skip
        uow.releases.add(release)
        kept.append(release)
    return kept
