"""Signed checkpoints of the ledger's and the audit log's trees: taking one, when one is due,
and reading them.

A checkpoint is taken inside a write's transaction, under its lock: by `ledger checkpoint`
(a command of its own), and by the handler after any write that changes a package's state,
or the first write a day or more after the last checkpoint. It covers the audit log as it
stood before the write that took it (that write's own entry comes after).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from purldesk.domain import checkpoints
from purldesk.domain.checkpoints import Checkpoint, Tree
from purldesk.services.ledger_ports import Signer
from purldesk.services.ports import UnitOfWork

DAILY = timedelta(days=1)


def take(uow: UnitOfWork, *, signer: Signer, at: datetime) -> Checkpoint:
    """Sign both trees' heads and store the checkpoint, in the caller's open unit of work."""
    uow.ledger.lock()
    checkpoint = checkpoints.sign(
        seq=uow.next_id("checkpoint"), at=at, ledger=uow.trees.head(Tree.LEDGER),
        audit=uow.trees.head(Tree.AUDIT), key_id=signer.key_id, signer=signer.sign,
    )  # fmt: skip
    uow.checkpoints.add(checkpoint)
    return checkpoint


def is_due(uow: UnitOfWork, *, at: datetime, after_package_change: bool) -> bool:
    """After a write that changes a package's state, always; otherwise once a day at least."""
    if after_package_change:
        return True
    latest = uow.checkpoints.latest()
    return latest is None or at - latest.at >= DAILY


def covers_the_ledger(uow: UnitOfWork) -> bool:
    """Whether the latest checkpoint signed the ledger as it is now."""
    with uow:
        latest = uow.checkpoints.latest()
        return latest is not None and latest.ledger == uow.trees.head(Tree.LEDGER)


def latest(uow: UnitOfWork) -> Checkpoint | None:
    with uow:
        return uow.checkpoints.latest()


def page(uow: UnitOfWork, *, offset: int, limit: int) -> tuple[list[Checkpoint], int]:
    """A page of checkpoints, oldest first, and how many there are."""
    with uow:
        return uow.checkpoints.list(offset=offset, limit=limit), uow.checkpoints.count()
