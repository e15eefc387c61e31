"""What-if: the allocation of a cycle under hypotheses, against the allocation as things are.

Hypotheses are applied in memory only: an observation recorded on the evaluation date, a
phase set by hand, a pledge received on that date, a price change. The unit of work is read
and never committed, so nothing stored changes; the numbers are those the allocation would
give if the change were really made (recorded, pledged and received, re-priced).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from purldesk import allocation
from purldesk.allocation import AllocationProblem, AllocationResult, Fund
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import Observation, ObservationId, in_force, parse_indicator_name
from purldesk.domain.money import USD, Money, convert
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId
from purldesk.services import additionality, allocations, eligibility, reasons, substitution
from purldesk.services.eligibility import Assumptions
from purldesk.services.ports import FxRates, UnitOfWork
from purldesk.services.reasons import LineReason
from purldesk.services.substitution import Told

WHATIF_SOURCE = "what-if"


@dataclass(frozen=True, slots=True)
class Pledge:
    """Money a contributor might pledge; assumed received on the what-if date."""

    contributor: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Scenario:
    """The hypotheses of one what-if; prices are percent changes of an item's price."""

    indicators: tuple[tuple[str, Decimal], ...] = ()
    pledges: tuple[Pledge, ...] = ()
    phases: tuple[tuple[str, str], ...] = ()
    prices: tuple[tuple[str, Decimal], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.indicators or self.pledges or self.phases or self.prices)


@dataclass(frozen=True, slots=True)
class LineChange:
    """A line whose funding differs between the allocation as is and under the scenario."""

    ref: str
    rank: int
    aid_class: str
    area: str
    lots_before: int
    lots_after: int
    funded_before_minor: int
    funded_after_minor: int

    @property
    def change_minor(self) -> int:
        return self.funded_after_minor - self.funded_before_minor


@dataclass(frozen=True, slots=True)
class FundChange:
    """A fund (one contribution's money) used differently under the scenario."""

    id: str
    contributor: str
    used_before_minor: int
    used_after_minor: int


@dataclass(frozen=True, slots=True)
class PhaseChange:
    contributor: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Substituted:
    """What a pledging contributor's money (all of it, the pledge included, as `additional =
    true` would place all of it) took over under the scenario, and where the other money went
    (`services/substitution.py`)."""

    contributor: str
    name: str
    effect: Told

    @property
    def sentence(self) -> str:
        return substitution.sentence(self.effect, subject=f"With this pledge, {self.name}'s money")


@dataclass(frozen=True, slots=True)
class WhatIf:
    cycle: str
    on: date
    scenario: Scenario
    baseline: AllocationResult
    modified: AllocationResult
    lines: tuple[LineChange, ...]  # only lines whose funding changes, in priority order
    funds: tuple[FundChange, ...]  # only funds whose use changes, by id
    phases: tuple[PhaseChange, ...]  # phase in force per contributor with a policy
    reasons: tuple[LineReason, ...] = ()  # why each line short under the scenario is short
    substitutions: tuple[Substituted, ...] = ()  # per pledging contributor, in pledge order


def whatif(
    uow: UnitOfWork,
    fx: FxRates,
    *,
    cycle_id: CycleId,
    on: date,
    scenario: Scenario,
    at: datetime,
    known_on: date | None = None,
) -> WhatIf:
    """Allocate the cycle as things are and under `scenario`; compare line by line.

    With `known_on`, both count policies and observations only as recorded by that day."""
    known = eligibility.as_known_on(known_on)
    with uow:
        stock = allocations.read_stock(uow, cycle_id=cycle_id)  # the same, as is and under it
        cycle = stock.cycle
        before = allocations.build_inputs(
            uow, cycle_id=cycle_id, on=on, restrictions=eligibility.restrictions_for(known),
            caps=eligibility.caps_for(known), stock=stock,
        )  # fmt: skip
        assumptions = _assumptions(uow, scenario, on, at, known)
        after = allocations.build_inputs(
            uow, cycle_id=cycle_id, on=on,
            restrictions=eligibility.restrictions_for(assumptions),
            caps=eligibility.caps_for(assumptions),
            price_factors=_price_factors(uow, scenario), stock=stock,
        )  # fmt: skip
        pledged = _pledged_funds(uow, fx, scenario, on, assumptions)
        funds = allocations.capped(
            uow, cycle_id=cycle_id, on=on, caps=eligibility.caps_for(assumptions),
            funds=(*after.problem.funds, *pledged),
        )  # fmt: skip
        problem = replace(after.problem, funds=funds)
        baseline = additionality.solve_by_policies(uow, before.problem, on=on, assumptions=known)
        modified = additionality.solve_by_policies(uow, problem, on=on, assumptions=assumptions)
        phases = _phase_changes(uow, on, known, assumptions)
        pooled: dict[str, int] = {**after.pooled}
        pooled.update((fund.id, fund.available_minor) for fund in pledged)
        weighed = replace(after, problem=problem, pooled=pooled)
        why = reasons.explain(uow, weighed=weighed, result=modified, assumptions=assumptions)
        substituted = _substitutions(uow, scenario, problem, modified, on, assumptions)
        uow.rollback()  # nothing was written; say so explicitly
    lines = {line.ref: line for line in (*before.lines.values(), *after.lines.values())}
    line_changes = []
    old = {a.id: a for a in baseline.lines}
    for new in modified.lines:
        was = old.get(new.id)
        lots_before = was.funded_lots if was else 0
        funded_before = was.funded_minor if was else 0
        if (lots_before, funded_before) == (new.funded_lots, new.funded_minor):
            continue
        line = lines[new.id]
        line_changes.append(
            LineChange(
                ref=line.ref, rank=line.rank, aid_class=line.aid_class.value, area=line.area,
                lots_before=lots_before, lots_after=new.funded_lots,
                funded_before_minor=funded_before, funded_after_minor=new.funded_minor,
            )
        )  # fmt: skip
    contributors = {f.id: f.contributor for f in problem.funds}
    used_before = {f.id: f.used_minor for f in baseline.funds}
    fund_changes = tuple(
        FundChange(f.id, contributors[f.id], used_before.get(f.id, 0), f.used_minor)
        for f in modified.funds
        if used_before.get(f.id, 0) != f.used_minor
    )
    return WhatIf(
        cycle=cycle.name, on=on, scenario=scenario, baseline=baseline, modified=modified,
        lines=tuple(sorted(line_changes, key=lambda c: (c.rank, c.ref))), funds=fund_changes,
        phases=phases, reasons=why, substitutions=substituted,
    )  # fmt: skip


def _substitutions(
    uow: UnitOfWork,
    scenario: Scenario,
    problem: AllocationProblem,
    modified: AllocationResult,
    on: date,
    assumptions: Assumptions,
) -> tuple[Substituted, ...]:
    """The substitution effect of each pledging contributor's money in the modified allocation."""
    pledging = [uow.participants.get(p.contributor.strip().upper()) for p in scenario.pledges]
    names = {participant.code: participant.name for participant in pledging}
    effects = substitution.by_policies(
        uow, problem, modified, contributors=names, on=on, assumptions=assumptions,
        solve=additionality.solve,
    )  # fmt: skip
    return tuple(
        Substituted(found.contributor, names[found.contributor], substitution.told_in_full(found))
        for found in effects
    )


def _assumptions(
    uow: UnitOfWork, scenario: Scenario, on: date, at: datetime, base: Assumptions
) -> Assumptions:
    """Observations recorded on `on` (superseding one of that day) and phases set by hand,
    over what `base` knows; a hypothesis counts as known then."""
    existing = uow.indicators.list()
    known = set(uow.indicators.names())
    next_id = max((o.id for o in existing), default=0) + 1
    observations = []
    for offset, (name, value) in enumerate(scenario.indicators):
        checked = parse_indicator_name(name, field="indicator")
        if checked not in known:
            raise InvalidInput("indicator", f"{checked!r} has never been observed")
        same_day = next(
            (
                o
                for o in in_force(existing, known_at=base.known_at)
                if o.name == checked and o.observed_on == on
            ),
            None,
        )
        observations.append(
            Observation(
                id=ObservationId(next_id + offset), name=checked, value=value, observed_on=on,
                source=WHATIF_SOURCE, recorded_at=base.known_at or at,
                supersedes=None if same_day is None else same_day.id,
            )
        )  # fmt: skip
    phases = []
    for contributor, phase in scenario.phases:
        code = uow.participants.get(contributor.strip().upper()).code
        decision = eligibility.phase_decision(uow, contributor=code, on=on, assumptions=base)
        if decision is None:
            raise InvalidInput("phase", f"{code} has no policy valid on {on}")
        decision.version.policy.phase(phase, field="phase")  # an unknown phase is an error
        phases.append((code, phase))
    return replace(base, observations=tuple(observations), phases=tuple(phases))


def _price_factors(uow: UnitOfWork, scenario: Scenario) -> dict[str, tuple[int, int]]:
    factors: dict[str, tuple[int, int]] = {}
    for code, percent in scenario.prices:
        item = uow.catalog.get(code.strip().upper())
        ratio = Fraction(100 + percent) / 100
        if ratio <= 0:
            raise InvalidInput("price", f"{percent}% would make {item.code} free or negative")
        factors[item.code] = (ratio.numerator, ratio.denominator)
    return factors


def _pledged_funds(
    uow: UnitOfWork, fx: FxRates, scenario: Scenario, on: date, assumptions: Assumptions
) -> list[Fund]:
    """Each pledge as the fund it would be once received on `on`, numbered as it would be."""
    next_id = uow.contributions.last_id() + 1
    funds = []
    for offset, pledge in enumerate(scenario.pledges):
        participant = uow.participants.get(pledge.contributor.strip().upper())
        if not participant.can_contribute:
            raise InvalidInput(
                "pledge", f"{participant.code} is a {participant.kind}, not a contributor"
            )
        rate, rate_date, source = fx.rate(pledge.amount.currency, USD, on)
        conversion = convert(
            pledge.amount, target=USD, rate=rate, rate_date=rate_date, source=source
        )
        contribution = Contribution(
            id=ContributionId(next_id + offset), contributor=participant.code,
            amount=pledge.amount, pledged_on=on, status=ContributionStatus.RECEIVED,
            received_on=on, conversion=conversion,
        )  # fmt: skip
        aid_classes, areas = eligibility.fund_restrictions(
            uow, contribution=contribution, on=on, assumptions=assumptions
        )
        funds.append(
            Fund(
                id=allocation.problem.FundId(contribution.ref), contributor=participant.code,
                available_minor=conversion.converted.minor,
                aid_classes=None if aid_classes is None
                else frozenset(allocation.AidClass(a.value) for a in aid_classes),
                areas=areas,
            )
        )  # fmt: skip
    return funds


def _phase_changes(
    uow: UnitOfWork, on: date, known: Assumptions, assumptions: Assumptions
) -> tuple[PhaseChange, ...]:
    changes = []
    for code in sorted({v.contributor for v in uow.policies.list()}):
        before = eligibility.phase_decision(uow, contributor=code, on=on, assumptions=known)
        after = eligibility.phase_decision(
            uow, contributor=ParticipantCode(code), on=on, assumptions=assumptions
        )
        changes.append(
            PhaseChange(
                code,
                None if before is None else before.phase.name,
                None if after is None else after.phase.name,
            )
        )
    return tuple(changes)
