"""Use cases for packages: draft one with its money attributed, take it through its lifecycle
(propose, validate, accept with re-pricing, top up, close) or cancel it and release its money.

Money follows the package on the ledger: pool:C -> obligated:P:C when drafted or topped up,
back to the pool on a surplus or a cancellation, obligated -> payable:P:C on acceptance and
payable -> disbursed:P:C when the delivered package is closed.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import ClassVar

from purldesk.domain import ledger
from purldesk.domain.access import Permission
from purldesk.domain.contributions import Contribution
from purldesk.domain.deliveries import closing_on
from purldesk.domain.errors import Conflict, IllegalTransition, InvalidInput
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import (
    MONEY_RETURNABLE,
    PACKAGE_TRANSITIONS,
    Attribution,
    Package,
    PackageId,
    PackageLine,
    PackageStatus,
    is_paid_exactly,
    package_ref,
    reprice,
    shortfall,
)
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId, LineId, LineStatus
from purldesk.services import capacity, contributions, eligibility, package_ledger, top_ups
from purldesk.services.cycle_lines import CycleLines
from purldesk.services.handle import Command, Context, change_one, command, move_one
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
    """create_draft inside the caller's transaction, for use cases that make several; refused
    if it takes more units of an item than the cycle has left (`capacity.admit`)."""
    uow.cycles.get(cycle_id)
    uow.ledger.lock()
    package_lines, lines, known = [], {}, CycleLines(uow, cycle_id)
    for line_id, count in lots:
        line = lines[line_id] = known.line(line_id)
        if line.cycle_id != cycle_id:
            raise InvalidInput("lines", f"line {line.ref} is not on cycle {cycle_id}")
        if line.status not in FUNDING_STATES:
            raise Conflict(f"line {line.ref} is {line.status}: it cannot go on a package")
        item = known.item(line.item_code)
        package_lines.append(PackageLine(line_id, item.code, count, item.lot_price))
    package = Package(
        id=PackageId(uow.next_id("package")), cycle_id=cycle_id, name=name, target=target,
        created_on=on, lines=tuple(package_lines), attributions=tuple(attributions),
    )  # fmt: skip
    _check_attributions(package)
    held = capacity.admit(uow, package)
    # Each payer is read once: NotFound before anything is written, then its status synced.
    payers = [
        uow.contributions.get(cid) for cid in sorted({p.contribution_id for p in attributions})
    ]
    uow.packages.add(package)
    uow.ledger.append(package_ledger.allocations(uow, package, on), recorded_at=at)
    _check_spendable(payers, on=on, today=at.date())
    eligibility.check_package_payers(
        uow, package, lines=lines, payers={p.id: p for p in payers}, on=on
    )
    _refresh_lines(uow, package, at=at, counted=held.with_lots_of(package))
    contributions.sync_statuses(uow, payers)
    return package


def cancel(uow: UnitOfWork, *, package_id: PackageId, on: date, at: datetime) -> Package:
    """Cancel a package not yet accepted; its money goes back to each contribution's pool."""
    with uow:
        package = uow.packages.get(package_id)
        if package.status not in MONEY_RETURNABLE:
            raise Conflict(f"{package.ref} is {package.status}; the supplier has accepted it")
        package.step_on(on)
        cancelled = package.move_to(PackageStatus.CANCELLED)
        uow.packages.save(cancelled)
        uow.ledger.lock()
        releases = package_ledger.move_holdings(
            uow, package, TransactionKind.RELEASE, partial(ledger.obligated, package.id),
            ledger.pool, on=on, memo=f"{package.ref} cancelled",
        )  # fmt: skip
        if releases:
            uow.ledger.append(releases, recorded_at=at)
        _refresh_lines(uow, package, at=at)
        _sync_contributions(uow, package.attributions)
        uow.commit()
        return cancelled


def propose(uow: UnitOfWork, *, package_id: PackageId) -> Package:
    """The coordinator puts a draft forward for validation; no money moves."""
    return move_one(uow, lambda opened: opened.packages, package_id, PackageStatus.PROPOSED)


# funded -> validated is re-pricing's way back (accept), not a validation.
VALIDATABLE = frozenset({PackageStatus.PROPOSED})


def validate(uow: UnitOfWork, *, package_id: PackageId) -> Package:
    """Validate a proposed package, and mark it funded at once when its money pays it exactly."""
    return change_one(uow, lambda opened: opened.packages, package_id, _validated)


def _validated(package: Package) -> Package:
    if package.status not in VALIDATABLE:
        raise IllegalTransition("package", package.status, PackageStatus.VALIDATED)
    validated = package.move_to(PackageStatus.VALIDATED)
    return validated.move_to(PackageStatus.FUNDED) if is_paid_exactly(validated) else validated


def accept(
    uow: UnitOfWork,
    *,
    package_id: PackageId,
    prices: Mapping[LineId, Money] | None = None,
    on: date,
    at: datetime,
) -> Package:
    """The supplier accepts a funded package, at new lot prices per line if it gives them.

    A surplus goes back to the pools of the line's payers, in proportion to what each paid.
    If any line now costs more than its money, the package returns to `validated` with the new
    prices (surpluses still released) and nothing is owed to the supplier until `top_up`.
    Otherwise every contribution's obligated money becomes payable to the supplier.
    """
    with uow:
        package = uow.packages.get(package_id)
        if package.status is not PackageStatus.FUNDED:
            raise IllegalTransition("package", package.status, PackageStatus.ACCEPTED)
        package.step_on(on)
        uow.ledger.lock()
        repricing = reprice(package, prices or {})
        released = package_ledger.per_contribution(repricing.released)
        kept = package_ledger.per_contribution(repricing.package.attributions)
        payers = sorted(set(released) | set(kept))
        totals = uow.ledger.balances_of(ledger.obligated(package.id, cid) for cid in payers)
        for contribution_id in payers:
            held = ledger.balance(totals, ledger.obligated(package.id, contribution_id)).minor
            expected = released.get(contribution_id, 0) + kept.get(contribution_id, 0)
            if held != expected:
                raise Conflict(
                    f"{package.ref}: the ledger holds {held} for contribution {contribution_id}, "
                    f"its attributions {expected}"
                )
        moves = [
            package_ledger.move(TransactionKind.RELEASE, ledger.obligated(package.id, cid), ledger.pool(cid),
                  package, cid, amount, on, f"{package.ref} re-priced: surplus back to the pool")
            for cid, amount in sorted(released.items())
        ]  # fmt: skip
        if repricing.shortfall:
            result = repricing.package.move_to(PackageStatus.VALIDATED)
        else:
            result = repricing.package.accept_on(on)
            moves += [
                package_ledger.move(TransactionKind.ACCEPTANCE, ledger.obligated(package.id, cid),
                      ledger.payable(package.id, cid), package, cid, amount, on,
                      f"{package.ref} accepted: owed to the supplier")
                for cid, amount in sorted(kept.items())
            ]  # fmt: skip
        uow.packages.save(result)
        if moves:
            uow.ledger.append(moves, recorded_at=at)
        _sync_contributions(uow, package.attributions)
        uow.commit()
        return result


def top_up(uow: UnitOfWork, *, package_id: PackageId, on: date, at: datetime) -> Package:
    """Fund what re-pricing left short, from pooled money, and mark the package funded.

    The shortfall of each line is a one-lot line for the allocation engine, with the line's
    rank, aid class and area; the funds are the received, unallocated contributions (not
    earmarked for another package) with their policy and earmark on `on`. All or nothing:
    if any line cannot be paid in full, nothing is written and the engine's reason is given.
    """
    with uow:
        package = uow.packages.get(package_id)
        if package.status is not PackageStatus.VALIDATED:
            raise IllegalTransition("package", package.status, PackageStatus.FUNDED)
        package.step_on(on)
        uow.ledger.lock()
        added = top_ups.fund_shortfall(uow, package, shortfall(package), on, today=at.date())
        funded = replace(package, attributions=package.attributions + added)
        if not is_paid_exactly(funded):
            raise Conflict(f"{package.ref} pays some line more than it costs; it cannot be funded")
        funded = funded.move_to(PackageStatus.FUNDED)
        uow.packages.save(funded)
        moves = [
            package_ledger.move(TransactionKind.ALLOCATION, ledger.pool(cid), ledger.obligated(package.id, cid),
                  package, cid, amount, on, f"{package.ref} topped up after re-pricing")
            for cid, amount in sorted(package_ledger.per_contribution(added).items())
        ]  # fmt: skip
        if moves:
            uow.ledger.append(moves, recorded_at=at)
        _sync_contributions(uow, funded.attributions)
        uow.commit()
        return funded


def close(uow: UnitOfWork, *, package_id: PackageId, on: date, at: datetime) -> Package:
    """Close a delivered package and pay the supplier what each contribution owes it."""
    with uow:
        package = uow.packages.get(package_id)
        closed = package.move_to(PackageStatus.CLOSED)
        closing_on(package, uow.shipments.list(package_id=package.id), on)
        uow.ledger.lock()
        moves = package_ledger.move_holdings(
            uow, package, TransactionKind.DISBURSEMENT, partial(ledger.payable, package.id),
            partial(ledger.disbursed, package.id), on=on, memo=f"{package.ref} closed: paid",
        )  # fmt: skip
        uow.packages.save(closed)
        if moves:
            uow.ledger.append(moves, recorded_at=at)
        _sync_contributions(uow, package.attributions)
        uow.commit()
        return closed


def restrict_contents(
    uow: UnitOfWork, *, package_id: PackageId, cleared: Sequence[str] | None
) -> Package:
    """Restrict the package's contents to the organizations `cleared` (None: publish them
    again); each must be a registered participant. No money moves."""

    def restricted(package: Package) -> Package:
        codes = None if cleared is None else [_cleared(uow, code) for code in cleared]
        return package.restricted_to(codes)

    return change_one(uow, lambda opened: opened.packages, package_id, restricted)


def _cleared(uow: UnitOfWork, code: str) -> ParticipantCode:
    participant = uow.participants.find(code.strip().upper())
    if participant is None:
        raise InvalidInput("cleared", f"{code!r} is not a registered participant")
    return participant.code


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


def _check_spendable(payers: Iterable[Contribution], *, on: date, today: date) -> None:
    """Refuse the first payer whose money a write dated `on`, recorded `today`, may not spend."""
    for payer in payers:
        obstacle = payer.spending_obstacle(on=on, today=today)
        if obstacle is not None:
            raise obstacle


def funded_lots(uow: UnitOfWork, *, cycle_id: CycleId) -> dict[LineId, int]:
    """Lots of each line already in a package that is not cancelled."""
    counted: dict[LineId, int] = defaultdict(int)
    for (line_id, _item), lots in uow.packages.held_lots(cycle_id).items():
        counted[line_id] += lots
    return dict(counted)


def _refresh_lines(
    uow: UnitOfWork, package: Package, *, at: datetime, counted: Mapping[LineId, int] | None = None
) -> None:
    """Each line of the package is open, partly funded or funded by the lots packages hold
    (`counted`, if the caller has them)."""
    counted = counted if counted is not None else funded_lots(uow, cycle_id=package.cycle_id)
    known = CycleLines(uow, package.cycle_id)
    for package_line in package.lines:
        line = known.line(package_line.line_id)
        needed = line.lots(known.item(line.item_code))
        held = counted.get(line.id, 0)
        target = (
            LineStatus.FUNDED if held >= needed
            else LineStatus.PARTLY_FUNDED if held else LineStatus.OPEN
        )  # fmt: skip
        if line.status is not target and line.status in FUNDING_STATES:
            uow.requirements.save(known.saved(line.move_to(target)), at=at, by="allocation")


def _sync_contributions(uow: UnitOfWork, parts: Iterable[Attribution]) -> None:
    payers = sorted({part.contribution_id for part in parts})
    contributions.sync_statuses(uow, [uow.contributions.get(cid) for cid in payers])


# -- commands ----------------------------------------------------------------------------------


@command("packages.create", Permission.BUILD_PACKAGE, checkpoint_after=True)
class Draft(Command[Package]):
    """A package whose lines are paid exactly by the money attributed to them: the money moves
    from each contribution's pool, never overdrawing it."""

    cycle_id: CycleId
    name: str
    package_target: Money
    lots: tuple[tuple[LineId, int], ...]
    attributions: tuple[Attribution, ...]
    on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> Package:
        # draft() stores the attributions before it reads their contributions, so an unknown
        # one would surface as a foreign-key error; name it as not found instead.
        for part in self.attributions:
            uow.contributions.get(part.contribution_id)
        return create_draft(
            uow, cycle_id=self.cycle_id, name=self.name, target=self.package_target, lots=self.lots,
            attributions=self.attributions, on=context.day(self.on), at=context.at,
        )  # fmt: skip

    def target(self, result: Package) -> str:
        return result.ref


@dataclass(frozen=True, slots=True, kw_only=True)
class _OnPackage(Command[Package]):
    lifecycle: ClassVar[Mapping[PackageStatus, frozenset[PackageStatus]]] = PACKAGE_TRANSITIONS
    checkpoint_after: ClassVar[bool] = True

    package_id: PackageId

    def target(self, result: Package) -> str:
        return package_ref(self.package_id)


@command("packages.propose", Permission.BUILD_PACKAGE, moves_to=PackageStatus.PROPOSED)
class Propose(_OnPackage):
    """draft -> proposed; no money moves."""

    def execute(self, uow: UnitOfWork, context: Context) -> Package:
        return propose(uow, package_id=self.package_id)


@command(
    "packages.validate",
    Permission.VALIDATE_PACKAGE,
    moves_to=PackageStatus.VALIDATED,
    acts_in=VALIDATABLE,
)
class Validate(_OnPackage):
    """proposed -> validated, and on to funded when its money pays every line exactly."""

    def execute(self, uow: UnitOfWork, context: Context) -> Package:
        return validate(uow, package_id=self.package_id)


@command("packages.accept", Permission.ACCEPT_PACKAGE, moves_to=PackageStatus.ACCEPTED)
class Accept(_OnPackage):
    """The supplier accepts a funded package, optionally at new lot prices (one per line)."""

    prices: tuple[tuple[LineId, Money], ...] = ()
    on: date | None = None

    def __post_init__(self) -> None:
        if len({line for line, _ in self.prices}) != len(self.prices):
            raise InvalidInput("prices", "each line may be priced once")

    def execute(self, uow: UnitOfWork, context: Context) -> Package:
        return accept(
            uow, package_id=self.package_id, prices=dict(self.prices) or None,
            on=context.day(self.on), at=context.at,
        )  # fmt: skip


@command("packages.restrict", Permission.BUILD_PACKAGE)
class RestrictContents(_OnPackage):
    """Restrict the package's contents (items, lines, who pays which line) to those who must
    know and the organizations `cleared`, or publish them again (`restricted` false)."""

    restricted: bool = True
    cleared: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.cleared and not self.restricted:
            raise InvalidInput("cleared", "only a restricted package has cleared organizations")
        if len(set(self.cleared)) != len(self.cleared):
            raise InvalidInput("cleared", "each organization may be cleared once")

    def execute(self, uow: UnitOfWork, context: Context) -> Package:
        return restrict_contents(
            uow, package_id=self.package_id, cleared=self.cleared if self.restricted else None
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _DatedStep(_OnPackage):
    """A step of the package's lifecycle that moves money, dated `on` (the handler's day if
    not given), run by the use case `step`."""

    on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> Package:
        return self.step(uow, package_id=self.package_id, on=context.day(self.on), at=context.at)

    @staticmethod
    @abstractmethod
    def step(uow: UnitOfWork, *, package_id: PackageId, on: date, at: datetime) -> Package:
        """The use case, on the handler's open unit of work."""


@command("packages.top_up", Permission.BUILD_PACKAGE, moves_to=PackageStatus.FUNDED)
class TopUp(_DatedStep):
    """Fund what re-pricing left short from eligible pooled money: validated -> funded."""

    step = staticmethod(top_up)


@command("packages.close", Permission.CLOSE_PACKAGE, moves_to=PackageStatus.CLOSED)
class Close(_DatedStep):
    """delivered -> closed; the supplier is paid."""

    step = staticmethod(close)


@command(
    "packages.cancel",
    Permission.CANCEL_PACKAGE,
    moves_to=PackageStatus.CANCELLED,
    acts_in=MONEY_RETURNABLE,
)
class Cancel(_DatedStep):
    """Cancel a package the supplier has not accepted; its money returns to each pool."""

    step = staticmethod(cancel)
