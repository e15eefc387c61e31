"""The allocation engine on the database: propose packages from an endorsed list and pooled money.

The engine decides, over all received unallocated money at once, which lines are funded and by
which contributions (the lexicographic optimum). Packages are then cut from that decision in
priority order, each up to its target value, so cutting never changes what is funded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from purldesk import allocation
from purldesk.allocation import (
    AllocationProblem,
    AllocationResult,
    Fund,
    Line,
)
from purldesk.domain import basis
from purldesk.domain.access import Permission
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.contributions import SPENDABLE, ContributionId, ContributionTerms, Earmark
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.money import USD, Money, exponent, split
from purldesk.domain.packages import Attribution, Package, PackageStatus
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineId,
    LineStatus,
    RequirementLine,
)
from purldesk.domain.substitution import Substitution
from purldesk.services import (
    additionality,
    capacity,
    eligibility,
    packages,
    previews,
    reasons,
    substitution,
)
from purldesk.services.handle import Command, Context, command
from purldesk.services.ports import UnitOfWork
from purldesk.services.reasons import LineReason, SetAside, SetAsideRule

FUNDABLE_LINES = (LineStatus.OPEN, LineStatus.PARTLY_FUNDED)

# What a fund may pay for on a date: it may read only the contribution's contributor and earmark.
RestrictionsFor = Callable[[UnitOfWork, ContributionTerms, date], eligibility.Restrictions]
CapsFor = Callable[[UnitOfWork, str, date], eligibility.Caps]


# What each fund may pay for: its contributor's policy phase in force on the allocation date,
# intersected with the contribution's own earmark.
AS_RECORDED = eligibility.restrictions_for()
# And how much of its money the phase lets it spend (caps per package and per cycle).
CAPS_AS_RECORDED = eligibility.caps_for()


@dataclass(frozen=True, slots=True)
class Inputs:
    """The engine's problem and how its ids map back to lines and contributions.

    `pooled` is each fund's pooled USD before its contributor's caps (the problem's funds hold
    what the caps leave); `set_aside` the pooled money no fund stands for."""

    cycle: Cycle
    on: date
    problem: AllocationProblem
    lines: Mapping[str, RequirementLine]
    items: Mapping[ItemCode, CatalogItem]
    contributions: Mapping[str, ContributionTerms]
    pooled: Mapping[str, int] = field(default_factory=dict)
    set_aside: tuple[SetAside, ...] = ()


@dataclass(frozen=True, slots=True)
class ProposedPackage:
    name: str
    lots: tuple[tuple[LineId, int], ...]
    attributions: tuple[Attribution, ...]
    cost: Money


@dataclass(frozen=True, slots=True)
class Proposal:
    inputs: Inputs
    result: AllocationResult
    target: Money
    packages: tuple[ProposedPackage, ...]
    committed: tuple[Package, ...] = field(default=())
    reasons: tuple[LineReason, ...] = ()  # why each short line is short, in line order

    @property
    def digest(self) -> str:
        """What a commit of this proposal would write, as `previews.digest`."""
        return previews.digest(self.packages)


@dataclass(frozen=True, slots=True)
class Stock:
    """What an allocation of a cycle reads, whatever rules and prices it is weighed under (a
    what-if weighs the same stock twice): its lines, the units its packages hold, the money
    pooled and the terms of the contributions it was pooled from."""

    cycle: Cycle
    items: Mapping[ItemCode, CatalogItem]
    held: capacity.Held
    lines: tuple[RequirementLine, ...]
    pooled_minor: Mapping[ContributionId, int]  # every pool holding money
    spendable: tuple[ContributionTerms, ...]  # of those pools' contributions, those that may spend


def read_stock(uow: UnitOfWork, *, cycle_id: CycleId) -> Stock:
    """The cycle's stock, inside the caller's transaction."""
    cycle = uow.cycles.get(cycle_id)
    items = {item.code: item for item in uow.catalog.list()}
    held = capacity.held_in_cycle(uow, cycle_id=cycle_id, items=items)
    lines = tuple(uow.requirements.list(cycle_id))
    # Read only the contributions whose pool still holds money (found by the balances' index),
    # not every one whose status would let it spend; and of each, only the terms it is
    # allocated by, not its amounts, conversion or members' parts.
    pooled_minor = uow.ledger.pools_holding()
    spendable = uow.contributions.terms(pooled_minor.keys(), statuses=SPENDABLE)
    # Each fund's rules read its contributor's policy: read them for all in one go.
    uow.policies.list_of({contribution.contributor for contribution in spendable})
    return Stock(cycle, items, held, lines, pooled_minor, tuple(spendable))


def build_inputs(
    uow: UnitOfWork,
    *,
    cycle_id: CycleId,
    on: date,
    restrictions: RestrictionsFor = AS_RECORDED,
    caps: CapsFor = CAPS_AS_RECORDED,
    price_factors: Mapping[str, tuple[int, int]] | None = None,
    recorded_on: date | None = None,
    stock: Stock | None = None,
) -> Inputs:
    """The problem for a cycle's open lines and the pooled money, inside the caller's transaction.

    `price_factors` maps an item code to a ratio (numerator, denominator) applied to its lot
    price, rounded half up to the cent, for what-if questions. `recorded_on` is the day the
    spending would be recorded (default `on`): money whose earmark has expired by then is left
    out, as a package may not spend it (`Contribution.spending_obstacle`), whatever date it names.
    Each line draws on its item, whose units left are its `available_per_cycle` less the units
    in the cycle's packages that are not cancelled. `stock` is the cycle's, if already read.
    """
    stock = read_stock(uow, cycle_id=cycle_id) if stock is None else stock
    if stock.cycle.id != cycle_id:
        raise ValueError(f"the stock of cycle {stock.cycle.id} given for cycle {cycle_id}")
    cycle, items, held = stock.cycle, stock.items, stock.held
    lines: dict[str, RequirementLine] = {}
    problem_lines = []
    units_available: dict[str, int] = {}
    for line in stock.lines:
        if line.status not in FUNDABLE_LINES:
            continue
        item = items[line.item_code]
        wanted = line.lots(item) - held.lots.get(line.id, 0)
        if wanted <= 0:
            continue
        lines[line.ref] = line
        units_available[item.code] = held.units_left(item)
        problem_lines.append(
            Line(
                id=allocation.problem.LineId(line.ref), rank=line.rank,
                aid_class=allocation.AidClass(line.aid_class.value), area=line.area,
                lot_price_minor=_priced(item, price_factors), lots=wanted,
                item=item.code, units_per_lot=item.lot_size,
            )
        )  # fmt: skip
    contributions: dict[str, ContributionTerms] = {}
    funds = []
    set_aside: list[SetAside] = []
    # A fund's restrictions are its contributor's policy and its earmark: read once for each
    # pair, not once for each contribution.
    restricted: dict[tuple[str, Earmark], eligibility.Restrictions] = {}
    for contribution in stock.spendable:
        available = stock.pooled_minor[contribution.id]
        rule = _set_aside_by(contribution, on=on, recorded_on=recorded_on or on)
        if rule is not None:
            set_aside.append(SetAside(contribution, available, rule))
            continue
        pair = (contribution.contributor, contribution.earmark)
        if pair not in restricted:
            restricted[pair] = restrictions(uow, contribution, on)
        aid_classes, areas = restricted[pair]
        contributions[contribution.ref] = contribution
        funds.append(
            Fund(
                id=allocation.problem.FundId(contribution.ref), contributor=contribution.contributor,
                available_minor=available,
                aid_classes=None if aid_classes is None
                else frozenset(allocation.AidClass(a.value) for a in aid_classes),
                areas=areas,
            )
        )  # fmt: skip
    capped_funds = capped(uow, cycle_id=cycle_id, funds=funds, on=on, caps=caps)
    problem = AllocationProblem(
        currency=USD, lines=tuple(problem_lines), funds=capped_funds, exponent=exponent(USD),
        units_available=units_available,
    )  # fmt: skip
    pooled: dict[str, int] = {fund.id: fund.available_minor for fund in funds}
    return Inputs(cycle, on, problem, lines, items, contributions, pooled, tuple(set_aside))


def _set_aside_by(
    contribution: ContributionTerms, *, on: date, recorded_on: date
) -> SetAsideRule | None:
    """The rule that keeps all of a contribution's pooled money out of this allocation, if any."""
    if contribution.earmark.package_id is not None:
        return "earmark.package"
    if not is_received_by(contribution, on):
        return "not_received"  # money is not spent on a date before it came
    if contribution.earmark.is_expired(recorded_on):
        return "earmark.expired"
    return None


def is_received_by(contribution: ContributionTerms, on: date) -> bool:
    return contribution.received_on is not None and contribution.received_on <= on


def capped(
    uow: UnitOfWork,
    *,
    cycle_id: CycleId,
    funds: Sequence[Fund],
    on: date,
    caps: CapsFor = CAPS_AS_RECORDED,
) -> tuple[Fund, ...]:
    """Funds limited by their contributors' caps, the earliest contributions spent first.

    A cap per cycle is what is left of it after the cycle's packages that are not cancelled.
    A cap per package limits the whole of one allocation run, so no package cut from it can
    exceed it (conservative: a run proposing several packages spends at most one cap).
    """
    spent: dict[str, int] | None = None  # read only if a contributor has a cap per cycle
    limits: dict[str, int | None] = {}
    for contributor in sorted({fund.contributor for fund in funds}):
        per_package, per_cycle = caps(uow, contributor, on)
        bounds = [per_package.minor] if per_package else []
        if per_cycle:
            spent = _spent_in_cycle(uow, cycle_id) if spent is None else spent
            bounds.append(max(0, per_cycle.minor - spent.get(contributor, 0)))
        limits[contributor] = min(bounds) if bounds else None
    limited = []
    for fund in sorted(funds, key=lambda f: f.id):
        left = limits[fund.contributor]
        if left is None:
            limited.append(fund)
            continue
        allowed = min(fund.available_minor, left)
        limits[fund.contributor] = left - allowed
        limited.append(replace(fund, available_minor=allowed))
    order = {fund.id: i for i, fund in enumerate(funds)}
    return tuple(sorted(limited, key=lambda f: order[f.id]))


def _spent_in_cycle(uow: UnitOfWork, cycle_id: CycleId) -> dict[str, int]:
    """USD each contributor has attributed to the cycle's packages that are not cancelled."""
    parts = [
        part
        for package in uow.packages.list(cycle_id=cycle_id)
        if package.status is not PackageStatus.CANCELLED
        for part in package.attributions
    ]
    # Only the contributions that paid into this cycle: not every contribution ever made, and
    # in one statement, not one each.
    paying = {part.contribution_id for part in parts}
    owner = uow.contributions.contributors(paying) if paying else {}
    spent: dict[str, int] = {}
    for part in parts:
        who = owner[part.contribution_id]
        spent[who] = spent.get(who, 0) + part.amount.minor
    return spent


def propose(
    uow: UnitOfWork,
    *,
    cycle_id: CycleId,
    on: date,
    target: Money,
    at: datetime | None = None,
    commit: bool = False,
    known_on: date | None = None,
    restrictions: RestrictionsFor | None = None,
    caps: CapsFor | None = None,
    expected_digest: str | None = None,
) -> Proposal:
    """Packages of about `target` each from the endorsed list; with `commit`, written as drafts.

    Without `commit` nothing is written. With it, the proposal is computed and written in one
    transaction under the ledger lock, so no other writer can spend the same money meanwhile;
    with `expected_digest` too, only if it is the proposal a preview showed (`previews`).
    With `known_on`, policies and observations count only as recorded by the end of that day
    (a proposal only: a commit uses everything known when it is made); `restrictions` and
    `caps`, if given, replace those of the policies.
    """
    if target.currency != USD or not target.is_positive:
        raise InvalidInput("target", "must be a positive USD amount")
    if commit and known_on is not None:
        raise InvalidInput("known_on", "a commit uses what is known now; propose only")
    assumptions = eligibility.as_known_on(known_on)
    restrictions = restrictions or eligibility.restrictions_for(assumptions)
    caps = caps or eligibility.caps_for(assumptions)
    with uow:
        cycle = uow.cycles.get(cycle_id)
        if cycle.status is not CycleStatus.ENDORSED:
            raise Conflict(
                f"cycle {cycle.name} is {cycle.status}; only an endorsed list is allocated"
            )
        if commit:
            if at is None:
                raise InvalidInput("at", "a commit needs the time of recording")
            uow.ledger.lock()
        inputs = build_inputs(
            uow, cycle_id=cycle_id, on=on, restrictions=restrictions, caps=caps,
            recorded_on=None if at is None else at.date(),
        )  # fmt: skip
        result = additionality.solve_by_policies(
            uow, inputs.problem, on=on, assumptions=assumptions
        )
        cut = cut_packages(inputs, result, target=target)
        why = reasons.explain(uow, weighed=inputs, result=result, assumptions=assumptions)
        proposal = Proposal(inputs, result, target, cut, reasons=why)
        if not commit or at is None:
            return proposal
        previews.check_unchanged(cut, expected=expected_digest)
        made = tuple(
            packages.draft(
                uow, cycle_id=cycle_id, name=p.name, target=target, lots=p.lots,
                attributions=p.attributions, on=on, at=at,
            )
            for p in cut
        )  # fmt: skip
        effects = substitution.kept_with(
            uow, inputs.problem, result, lines=inputs.lines, made=made, on=on,
            assumptions=assumptions, solve=additionality.solve,
        )  # fmt: skip
        record_bases(uow, made, weighed=list(inputs.contributions.values()), on=on, at=at,
                     substitutions=effects)  # fmt: skip
        uow.commit()
        return replace(proposal, committed=made)


def record_bases(
    uow: UnitOfWork,
    made: Sequence[Package],
    *,
    weighed: Collection[ContributionTerms],
    on: date,
    at: datetime,
    substitutions: Collection[Substitution[LineId]] = (),
) -> None:
    """Record with each package just made the basis it was allocated on: per contribution the
    allocation weighed, the policy version and observations that ruled it (`domain/basis.py`),
    and the substitution effects of the allocation for the contributors paying it.

    Read in the commit's transaction, under the ledger lock, so it is what the allocation saw;
    each contributor's policy is read once, whatever the number of packages."""
    contributors = sorted({contribution.contributor for contribution in weighed})
    rulings = {c: eligibility.known_ruling(uow, contributor=c, on=on) for c in contributors}
    for package in made:
        kept = basis.package_basis(
            package, weighed=weighed, rulings=rulings, recorded_at=at, substitutions=substitutions
        )
        uow.bases.add(kept)


def cut_packages(
    inputs: Inputs, result: AllocationResult, *, target: Money
) -> tuple[ProposedPackage, ...]:
    """Cut the funded lots, in priority order, into packages of at most `target` each.

    A line that does not fit whole is split by lots across packages; its money is split in
    proportion to what each contribution paid (largest remainder, by contribution reference),
    so every part is paid exactly. A single lot dearer than the target gets a package of its own.
    """
    made: list[ProposedPackage] = []
    lots: list[tuple[LineId, int]] = []
    parts: list[Attribution] = []
    room = target.minor

    def close() -> None:
        nonlocal lots, parts, room
        if lots:
            cost = sum(a.amount.minor for a in parts)
            name = f"{inputs.cycle.name} package {len(made) + 1}"
            made.append(ProposedPackage(name, tuple(lots), tuple(parts), Money(cost, USD)))
        lots, parts, room = [], [], target.minor

    for allocated in result.lines:
        if allocated.funded_lots == 0:
            continue
        line = inputs.lines[allocated.id]
        price = allocated.funded_minor // allocated.funded_lots
        left = allocated.funded_lots
        paid: dict[str, int] = dict(allocated.by_fund)
        while left:
            take = min(left, room // price)
            if take == 0 and lots:
                close()
                continue
            take = take or left  # a lot dearer than the target stands alone
            shares = paid if take == left else _share(paid, take * price)
            for fund, amount in sorted(shares.items()):
                if amount:
                    contribution_id = inputs.contributions[fund].id
                    parts.append(Attribution(contribution_id, line.id, Money(amount, USD)))
                    paid[fund] -= amount
            lots.append((line.id, take))
            room -= take * price
            left -= take
            if room <= 0:
                close()
    close()
    return tuple(made)


def _share(paid: Mapping[str, int], amount: int) -> dict[str, int]:
    funds = sorted(fund for fund, value in paid.items() if value)
    return dict(zip(funds, split(amount, [paid[f] for f in funds]), strict=True))


def _priced(item: CatalogItem, factors: Mapping[str, tuple[int, int]] | None) -> int:
    lot = item.lot_price.minor
    if not factors or item.code not in factors:
        return lot
    numerator, denominator = factors[item.code]
    return max(1, (2 * lot * numerator + denominator) // (2 * denominator))


# -- commands ----------------------------------------------------------------------------------


@command(
    "allocations.commit",
    Permission.RUN_ALLOCATION,
    acts_in=frozenset({CycleStatus.ENDORSED}),
    checkpoint_after=True,
)
class Commit(Command[Proposal]):
    """Allocate the endorsed list and write the proposed packages as drafts, through the
    ledger, in one transaction."""

    cycle_id: CycleId
    package_target: Money  # the value each package is cut to, at most
    on: date | None = None
    # The digest of the proposal a preview showed: the commit writes that or nothing.
    expected_digest: str | None = None

    def __post_init__(self) -> None:
        if self.package_target.currency != USD or not self.package_target.is_positive:
            raise InvalidInput("target", "must be a positive USD amount")
        if self.expected_digest is not None:
            previews.parse_digest(self.expected_digest)

    def execute(self, uow: UnitOfWork, context: Context) -> Proposal:
        return propose(
            uow, cycle_id=self.cycle_id, on=context.day(self.on), target=self.package_target,
            at=context.at, commit=True, expected_digest=self.expected_digest,
        )  # fmt: skip

    def target(self, result: Proposal) -> str:
        return result.inputs.cycle.name
