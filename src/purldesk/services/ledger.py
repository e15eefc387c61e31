"""Use cases for the ledger: verify it, and read balances."""

from __future__ import annotations

from purldesk.domain import ledger
from purldesk.domain.ledger import Finding
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
