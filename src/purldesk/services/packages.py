"""Use cases for packages: draft one with its money attributed, cancel one and release its money."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from purldesk.domain import ledger
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import Conflict, InsufficientFunds, InvalidInput
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import (
    MONEY_RETURNABLE,
    Attribution,
    Package,
    PackageId,
    PackageLine,
    PackageStatus,
)
from purldesk.domain.requirements import CycleId, LineId, LineStatus
from purldesk.services import contributions
from purldesk.services.ports import UnitOfWork

FUNDING_STATES = (LineStatus.OPEN, LineStatus.PARTLY_FUNDED, LineStatus.FUNDED)


def create_draft(
    uow: UnitOfWork,
    *,
    cycle_id: CycleId,
    name: str,
    target: Money,
    lots: Sequence[tuple[LineId, int]],
    attributions: Sequence[Attribution],
    on: date,
    at: datetime,
) -> Package:
    """A draft package whose lines are paid exactly by attributed money, posted to the ledger."""
    with uow:
        package = draft(
            uow, cycle_id=cycle_id, name=name, target=target, lots=lots,
            attributions=attributions, on=on, at=at,
        )  # fmt: skip
        uow.commit()
        return package


def draft(
    uow: UnitOfWork,
    *,
    cycle_id: CycleId,
    name: str,
    target: Money,
    lots: Sequence[tuple[LineId, int]],
    attributions: Sequence[Attribution],
    on: date,
    at: datetime,
) -> Package:
    """create_draft inside the caller's transaction, for use cases that make several."""
    uow.cycles.get(cycle_id)
    uow.ledger.lock()
    package_lines = []
    for line_id, count in lots:
        line = uow.requirements.get(line_id)
        if line.cycle_id != cycle_id:
            raise InvalidInput("lines", f"line {line.ref} is not on cycle {cycle_id}")
        item = uow.catalog.get(line.item_code)
        package_lines.append(PackageLine(line_id, item.code, count, item.lot_price))
    package = Package(
        id=PackageId(uow.next_id("package")), cycle_id=cycle_id, name=name, target=target,
        created_on=on, lines=tuple(package_lines), attributions=tuple(attributions),
    )  # fmt: skip
    _check_attributions(package)
    for contribution_id in sorted({part.contribution_id for part in attributions}):
        uow.contributions.get(contribution_id)  # NotFound before anything is written
    uow.packages.add(package)
    uow.ledger.append(_allocations(uow, package, on), recorded_at=at)
    _refresh_lines(uow, package, at=at)
    for contribution_id in sorted({part.contribution_id for part in attributions}):
        contributions.sync_status(uow, uow.contributions.get(contribution_id))
    return package


def cancel(uow: UnitOfWork, *, package_id: PackageId, on: date, at: datetime) -> Package:
    """Cancel a package not yet accepted; its money goes back to each contribution's pool."""
    with uow:
        package = uow.packages.get(package_id)
        if package.status not in MONEY_RETURNABLE:
            raise Conflict(f"{package.ref} is {package.status}; the supplier has accepted it")
        cancelled = package.move_to(PackageStatus.CANCELLED)
        uow.packages.save(cancelled)
        uow.ledger.lock()
        totals = uow.ledger.balances()
        releases = []
        for contribution_id in sorted({part.contribution_id for part in package.attributions}):
            held = ledger.balance(totals, ledger.obligated(package.id, contribution_id))
            if held.is_positive:
                releases.append(
                    ledger.transfer(
                        TransactionKind.RELEASE,
                        source=ledger.obligated(package.id, contribution_id),
                        destination=ledger.pool(contribution_id),
                        amount=held,
                        occurred_on=on,
                        memo=f"{package.ref} cancelled",
                        contribution_id=contribution_id,
                        package_id=package.id,
                    )
                )
        if releases:
            uow.ledger.append(releases, recorded_at=at)
        _refresh_lines(uow, package, at=at)
        for contribution_id in sorted({part.contribution_id for part in package.attributions}):
            contributions.sync_status(uow, uow.contributions.get(contribution_id))
        uow.commit()
        return cancelled


def get(uow: UnitOfWork, *, package_id: PackageId) -> Package:
    with uow:
        return uow.packages.get(package_id)


def list_all(uow: UnitOfWork, *, cycle_id: CycleId | None = None) -> list[Package]:
    with uow:
        return uow.packages.list(cycle_id=cycle_id)


def _check_attributions(package: Package) -> None:
    paid: dict[LineId, int] = defaultdict(int)
    for part in package.attributions:
        if part.amount.currency != USD or not part.amount.is_positive:
            raise InvalidInput("attributions", "each part is a positive USD amount")
        paid[part.line_id] += part.amount.minor
    for line in package.lines:
        if paid.pop(line.line_id, 0) != line.cost.minor:
            raise InvalidInput("attributions", f"line {line.line_id} is not paid exactly")
    if paid:
        raise InvalidInput(
            "attributions", f"money attributed to lines not in the package: {sorted(paid)}"
        )


def _allocations(uow: UnitOfWork, package: Package, on: date) -> list[LedgerTransaction]:
    per_contribution: dict[ContributionId, int] = defaultdict(int)
    for part in package.attributions:
        per_contribution[part.contribution_id] += part.amount.minor
    totals = uow.ledger.balances()
    transactions = []
    for contribution_id, amount in sorted(per_contribution.items()):
        contribution = uow.contributions.get(contribution_id)
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
                memo=f"{contribution.ref} to {package.ref}",
                contribution_id=contribution_id,
                package_id=package.id,
            )
        )
    return transactions


def funded_lots(uow: UnitOfWork, *, cycle_id: CycleId) -> dict[LineId, int]:
    """Lots of each line already in a package that is not cancelled."""
    counted: dict[LineId, int] = defaultdict(int)
    for package in uow.packages.list(cycle_id=cycle_id):
        if package.status is not PackageStatus.CANCELLED:
            for line in package.lines:
                counted[line.line_id] += line.lots
    return dict(counted)


def _refresh_lines(uow: UnitOfWork, package: Package, *, at: datetime) -> None:
    """Each line of the package is open, partly funded or funded by the lots packages hold."""
    counted = funded_lots(uow, cycle_id=package.cycle_id)
    for package_line in package.lines:
        line = uow.requirements.get(package_line.line_id)
        needed = line.lots(uow.catalog.get(line.item_code))
        held = counted.get(line.id, 0)
        target = (
            LineStatus.FUNDED if held >= needed
            else LineStatus.PARTLY_FUNDED if held else LineStatus.OPEN
        )  # fmt: skip
        if line.status is not target and line.status in FUNDING_STATES:
            uow.requirements.save(line.move_to(target), at=at, by="allocation")
