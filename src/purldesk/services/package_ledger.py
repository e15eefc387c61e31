"""How a package's money moves in the ledger: from the payers' pools when it is drafted, and
between each payer's accounts for the package as it is re-priced, accepted, cancelled or
closed. Only the balances a move needs are read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from purldesk.domain import ledger
from purldesk.domain.contributions import ContributionId, contribution_ref
from purldesk.domain.errors import InsufficientFunds
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package
from purldesk.services.ports import UnitOfWork


def allocations(uow: UnitOfWork, package: Package, on: date) -> list[LedgerTransaction]:
    paid = per_contribution(package.attributions)
    totals = uow.ledger.balances_of(ledger.pool(cid) for cid in paid)
    transactions = []
    for contribution_id, amount in sorted(paid.items()):
        available = ledger.balance(totals, ledger.pool(contribution_id))
        if available.minor < amount:
            raise InsufficientFunds(ledger.pool(contribution_id), available.minor, amount)
        transactions.append(
            ledger.transfer(
                TransactionKind.ALLOCATION,
                source=ledger.pool(contribution_id),
                destination=ledger.obligated(package.id, contribution_id),
                amount=Money(amount, USD),
                occurred_on=on,
                memo=f"{contribution_ref(contribution_id)} to {package.ref}",
                contribution_id=contribution_id,
                package_id=package.id,
            )
        )
    return transactions


def per_contribution(parts: Iterable[Attribution]) -> dict[ContributionId, int]:
    totals: dict[ContributionId, int] = defaultdict(int)
    for part in parts:
        totals[part.contribution_id] += part.amount.minor
    return dict(totals)


def move(
    kind: TransactionKind,
    source: str,
    destination: str,
    package: Package,
    contribution_id: ContributionId,
    amount_minor: int,
    on: date,
    memo: str,
) -> LedgerTransaction:
    """A transfer of one contribution's money between two of its accounts for `package`."""
    return ledger.transfer(
        kind, source=source, destination=destination, amount=Money(amount_minor, USD),
        occurred_on=on, memo=memo, contribution_id=contribution_id, package_id=package.id,
    )  # fmt: skip


def move_holdings(
    uow: UnitOfWork,
    package: Package,
    kind: TransactionKind,
    source: Callable[[ContributionId], str],
    destination: Callable[[ContributionId], str],
    *,
    on: date,
    memo: str,
) -> list[LedgerTransaction]:
    """All that each payer of the package holds in its `source` account, moved to its
    `destination` account; only those balances are read."""
    payers = sorted({part.contribution_id for part in package.attributions})
    totals = uow.ledger.balances_of(source(cid) for cid in payers)
    held = {cid: ledger.balance(totals, source(cid)).minor for cid in payers}
    return [
        move(kind, source(cid), destination(cid), package, cid, amount, on, memo)
        for cid, amount in held.items()
        if amount > 0
    ]
