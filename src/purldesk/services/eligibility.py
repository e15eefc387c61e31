"""What a contribution may pay for on a date: its contributor's phase in force ∩ its earmark.

These functions run inside the caller's transaction (they never open or commit the unit of
work), so the allocation service can call them for each fund while it builds its problem.
`Assumptions` let a what-if add observations or force phases without storing anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from purldesk.domain.basis import KnownRuling
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import (
    UNRESTRICTED,
    Contribution,
    ContributionId,
    ContributionTerms,
    Earmark,
)
from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import Observation
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import (
    Eligibility,
    PhaseDecision,
    PolicyVersion,
    Ruling,
    decide,
    line_eligibility,
    restrictions,
    ruling_on,
)
from purldesk.domain.requirements import LineId, RequirementLine
from purldesk.services.ports import UnitOfWork

Restrictions = tuple[frozenset[AidClass] | None, frozenset[str] | None]


@dataclass(frozen=True, slots=True)
class Assumptions:
    """Hypotheses of a what-if: extra observations, and phases set by hand per contributor."""

    observations: tuple[Observation, ...] = ()
    phases: tuple[tuple[ParticipantCode, str], ...] = ()
    known_at: datetime | None = None  # count only what was recorded by then (None: everything)

    def forced_phase(self, contributor: str) -> str | None:
        return next((name for code, name in self.phases if code == contributor), None)


AS_RECORDED = Assumptions()


def end_of(day: date) -> datetime:
    """The last moment of `day` (UTC): what was recorded by then was known on that day."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def as_known_on(day: date | None) -> Assumptions:
    """No hypothesis; with `day`, only the policy versions and observations recorded by its end."""
    return AS_RECORDED if day is None else Assumptions(known_at=end_of(day))


def ruling(
    uow: UnitOfWork, *, contributor: str, on: date, assumptions: Assumptions = AS_RECORDED
) -> Ruling:
    """The contributor's phase in force on `on`; `Uncovered` if its policy has a version but
    none valid then; None if it never set a policy."""
    code = ParticipantCode(contributor)

    def decide_phase(version: PolicyVersion) -> PhaseDecision:
        observations = [*uow.indicators.list(), *assumptions.observations]
        return decide(
            version, observations, on=on, known_at=assumptions.known_at,
            forced_phase=assumptions.forced_phase(contributor),
        )  # fmt: skip

    return ruling_on(
        uow.policies.list(contributor=code), decide_phase, contributor=code, on=on,
        known_at=assumptions.known_at,
    )  # fmt: skip


def known_ruling(uow: UnitOfWork, *, contributor: str, on: date) -> KnownRuling:
    """The contributor's ruling on `on` from everything recorded, with how many versions of
    its policy that counts: what an allocation committed now records as its basis."""
    versions = uow.policies.list(contributor=ParticipantCode(contributor))
    return KnownRuling(ruling(uow, contributor=contributor, on=on), len(versions))


def phase_decision(
    uow: UnitOfWork, *, contributor: str, on: date, assumptions: Assumptions = AS_RECORDED
) -> PhaseDecision | None:
    """The contributor's phase in force on `on`, or None if no policy of its is valid then."""
    found = ruling(uow, contributor=contributor, on=on, assumptions=assumptions)
    return found if isinstance(found, PhaseDecision) else None


def additional_contributors(
    uow: UnitOfWork,
    *,
    contributors: Iterable[str],
    on: date,
    assumptions: Assumptions = AS_RECORDED,
) -> frozenset[str]:
    """Those of `contributors` whose policy in force on `on` says `additional = true`."""
    return frozenset(
        contributor
        for contributor in set(contributors)
        if (found := phase_decision(uow, contributor=contributor, on=on, assumptions=assumptions))
        and found.version.policy.additional
    )


def fund_restrictions(
    uow: UnitOfWork,
    *,
    contribution: ContributionTerms,
    on: date,
    assumptions: Assumptions = AS_RECORDED,
) -> tuple[frozenset[AidClass] | None, frozenset[str] | None]:
    """(aid classes, areas) the contribution may pay for on `on`; None means any.

    The contributor's policy phase in force on that date, intersected with the contribution's
    earmark. An expired earmark leaves nothing to spend, as in the allocation service, and so
    does a date no version of the contributor's policy covers.
    """
    if contribution.earmark.is_expired(on):
        return frozenset(), frozenset()
    found = ruling(uow, contributor=contribution.contributor, on=on, assumptions=assumptions)
    return restrictions(found, contribution.earmark)


def restrictions_for(
    assumptions: Assumptions = AS_RECORDED,
) -> Callable[[UnitOfWork, ContributionTerms, date], Restrictions]:
    """`fund_restrictions` in the shape `allocations.build_inputs(restrictions=...)` takes."""

    def restricted(uow: UnitOfWork, contribution: ContributionTerms, on: date) -> Restrictions:
        return fund_restrictions(uow, contribution=contribution, on=on, assumptions=assumptions)

    return restricted


Caps = tuple[Money | None, Money | None]  # (per package, per cycle)


def caps_for(
    assumptions: Assumptions = AS_RECORDED,
) -> Callable[[UnitOfWork, str, date], Caps]:
    """The caps of the phase in force for a contributor, as `allocations` applies them."""

    def caps(uow: UnitOfWork, contributor: str, on: date) -> Caps:
        decision = phase_decision(uow, contributor=contributor, on=on, assumptions=assumptions)
        if decision is None:
            return None, None
        return decision.phase.cap_per_package, decision.phase.cap_per_cycle

    return caps


def eligibility(
    uow: UnitOfWork,
    *,
    contributor: str,
    line: RequirementLine,
    on: date,
    earmark: Earmark = UNRESTRICTED,
    assumptions: Assumptions = AS_RECORDED,
) -> Eligibility:
    """May the contributor's money (under `earmark`) pay for `line` on `on`, and why (not)?"""
    found = ruling(uow, contributor=contributor, on=on, assumptions=assumptions)
    return line_eligibility(
        area=line.area, aid_class=line.aid_class, decision=found, earmark=earmark
    )


def check_package_payers(
    uow: UnitOfWork,
    package: Package,
    *,
    lines: Mapping[LineId, RequirementLine],
    payers: Mapping[ContributionId, Contribution],
    on: date,
) -> None:
    """Refuse the first part of `package` that its payer's rules forbid on `on`: an earmark
    for another package, its contributor's policy or its earmark (aid class, area), or the
    phase's cap per package. A package drafted by hand obeys the rules the allocator obeys."""
    rulings: dict[str, Ruling] = {}
    paid: dict[str, int] = defaultdict(int)
    for part in package.attributions:
        payer = payers[part.contribution_id]
        line = lines[part.line_id]
        earmarked = payer.earmark.package_id
        if earmarked is not None and earmarked != package.id:
            raise InvalidInput(
                "attributions",
                f"{payer.ref} is earmarked for {package_ref(earmarked)}; it pays no other package",
            )
        if payer.contributor not in rulings:
            rulings[payer.contributor] = ruling(uow, contributor=payer.contributor, on=on)
        verdict = line_eligibility(
            area=line.area, aid_class=line.aid_class, decision=rulings[payer.contributor],
            earmark=payer.earmark,
        )  # fmt: skip
        if not verdict.allowed:
            raise InvalidInput(
                "attributions", f"{payer.ref} may not pay {line.ref}: {verdict.reasons[0].message}"
            )
        paid[payer.contributor] += part.amount.minor
    for contributor, amount in sorted(paid.items()):
        found = rulings[contributor]
        if not isinstance(found, PhaseDecision) or found.phase.cap_per_package is None:
            continue
        cap = found.phase.cap_per_package
        if amount > cap.minor:
            raise InvalidInput(
                "attributions",
                f"{contributor} would pay {Money(amount, USD)} of {package.ref}, over its cap of "
                f"{cap} per package; {found.explain()}",
            )
