"""Use cases for the ledger: verify it, read balances, and sign a checkpoint on demand."""

from __future__ import annotations

from purldesk.domain import ledger
from purldesk.domain.access import Permission
from purldesk.domain.checkpoints import Checkpoint
from purldesk.domain.errors import Conflict
from purldesk.domain.ledger import Finding
from purldesk.services import checkpoints
from purldesk.services.handle import Command, Context, command
from purldesk.services.ports import UnitOfWork


def verify(uow: UnitOfWork) -> tuple[int, list[Finding]]:
    """(number of entries checked, every finding); no finding means the ledger holds."""
    with uow:
        entries = uow.ledger.entries()
        return len(entries), ledger.verify(entries)


def balances(uow: UnitOfWork) -> dict[tuple[str, str], int]:
    with uow:
        return uow.ledger.balances()


def head_hash(uow: UnitOfWork) -> str:
    with uow:
        head = uow.ledger.head()
        return ledger.GENESIS_HASH if head is None else head.hash


@command("ledger.checkpoint", Permission.CHECKPOINT_LEDGER)
class TakeCheckpoint(Command[Checkpoint]):
    """Sign the heads of the ledger's and the audit log's trees now (`purldesk ledger
    checkpoint`, also for a daily cron)."""

    def execute(self, uow: UnitOfWork, context: Context) -> Checkpoint:
        if context.signer is None:
            raise Conflict("no signing key is configured; checkpoints cannot be signed")
        return checkpoints.take(uow, signer=context.signer, at=context.at)

    def target(self, result: Checkpoint) -> str:
        return result.ref
