"""National policies: ordered phases, each switched on by a condition over indicators.

A policy document (TOML) is versioned and valid between two dates. On a date, the first phase
whose `when` holds is in force, else the default phase; the phase in force is derived from the
observations, never stored. Eligibility of money for a line is that phase's allowance
intersected with the contribution's earmark, and it always says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NewType

from purldesk.domain.catalog import AidClass
from purldesk.domain.conditions import Condition, Verdict, evaluate
from purldesk.domain.contributions import Earmark
from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import Observation, values_on
from purldesk.domain.money import Money, bounded
from purldesk.domain.participants import ParticipantCode

PolicyVersionId = NewType("PolicyVersionId", int)


@dataclass(frozen=True, slots=True)
class Phase:
    """What a contributor's money may buy while this phase is in force."""

    name: str
    aid_classes: frozenset[AidClass]
    areas: frozenset[str] | None = None  # None: every capability area
    cap_per_package: Money | None = None
    cap_per_cycle: Money | None = None
    when: Condition | None = None  # None: the default phase
    when_text: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        for field, cap in (
            ("cap_per_package", self.cap_per_package),
            ("cap_per_cycle", self.cap_per_cycle),
        ):
            if cap is not None:
                bounded(cap, field)

    def allows(self, *, area: str, aid_class: AidClass) -> bool:
        return aid_class in self.aid_classes and (self.areas is None or area in self.areas)


@dataclass(frozen=True, slots=True)
class Policy:
    """One version of a contributor's rules, as its document says."""

    valid_from: date
    phases: tuple[Phase, ...]  # conditional phases, in order of precedence
    default: Phase
    valid_until: date | None = None
    contributor: str | None = None  # as written in the document, if it says
    parameters: tuple[tuple[str, Decimal], ...] = ()
    title: str = ""
    source: str = ""
    # Its money is placed after everyone else's, only on what the others could not fund.
    additional: bool = False

    def is_valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    @property
    def all_phases(self) -> tuple[Phase, ...]:
        return (*self.phases, self.default)

    def phase(self, name: str, *, field: str = "phase") -> Phase:
        for phase in self.all_phases:
            if phase.name == name:
                return phase
        known = ", ".join(p.name for p in self.all_phases)
        raise InvalidInput(field, f"{name!r} is not a phase of this policy ({known})")


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """A policy as set by its contributor: numbered per contributor, kept forever."""

    id: PolicyVersionId
    contributor: ParticipantCode
    version: int
    policy: Policy
    document: str  # the TOML text exactly as set
    filename: str
    recorded_at: datetime


def version_on(
    versions: Iterable[PolicyVersion], on: date, *, known_at: datetime | None = None
) -> PolicyVersion | None:
    """The newest version valid on `on` (among those recorded by `known_at`), if any."""
    valid = [
        v
        for v in versions
        if v.policy.is_valid_on(on) and (known_at is None or v.recorded_at <= known_at)
    ]
    return max(valid, key=lambda v: v.version, default=None)


# -- the phase in force -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseCheck:
    """One conditional phase's condition, evaluated on the decision's date."""

    phase: str
    when: str  # the condition, with parameters shown with their values
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class PhaseDecision:
    """Which phase of which policy version is in force on a date, and why."""

    version: PolicyVersion
    on: date
    phase: Phase
    checks: tuple[PhaseCheck, ...]  # conditional phases evaluated, in order, up to the winner
    forced: bool = False  # set by hand in a what-if, not derived

    @property
    def is_default(self) -> bool:
        return self.phase == self.version.policy.default

    @property
    def evidence(self) -> tuple[Observation, ...]:
        """The observations that put the phase in force (for the default: why none other is)."""
        if self.forced:
            return ()
        checks = self.checks if self.is_default else self.checks[-1:]
        seen: dict[int, Observation] = {}
        for check in checks:
            seen.update((o.id, o) for o in check.verdict.evidence)
        return tuple(seen.values())

    def explain(self) -> str:
        """One paragraph for people: the phase, the version, and the observations behind it."""
        head = (
            f"{self.version.contributor} policy v{self.version.version}: phase "
            f"{self.phase.name!r} is in force on {self.on}"
        )
        if self.forced:
            return f"{head} (assumed for this what-if)"
        if not self.is_default:
            check = self.checks[-1]
            return f"{head} because {check.when!r} holds: {_evidence_text(check.verdict)}"
        if not self.checks:
            return f"{head} (the default; the policy has no conditional phase)"
        others = "; ".join(
            f"{c.phase!r} ({c.when}) {_state(c.verdict)}: {_evidence_text(c.verdict)}"
            for c in self.checks
        )
        return f"{head} (the default) because no other phase holds: {others}"


def _state(verdict: Verdict) -> str:
    return "cannot be decided" if verdict.value is None else "does not hold"


def _evidence_text(verdict: Verdict) -> str:
    parts = [o.describe() for o in verdict.evidence]
    parts += [f"no observation of {name} yet" for name in verdict.missing]
    return ", ".join(parts) if parts else "no observation needed"


def decide(
    version: PolicyVersion,
    observations: Iterable[Observation],
    *,
    on: date,
    known_at: datetime | None = None,
    forced_phase: str | None = None,
) -> PhaseDecision:
    """The phase in force on `on`: the first whose condition is true, else the default.

    A pure function of the version, the observations (as known at `known_at`) and the date.
    """
    policy = version.policy
    if forced_phase is not None:
        return PhaseDecision(version, on, policy.phase(forced_phase), (), forced=True)
    current = values_on(observations, on, known_at=known_at)
    checks: list[PhaseCheck] = []
    for phase in policy.phases:
        assert phase.when is not None
        verdict = evaluate(phase.when, current)
        checks.append(PhaseCheck(phase.name, str(phase.when), verdict))
        if verdict.value is True:
            return PhaseDecision(version, on, phase, tuple(checks))
    return PhaseDecision(version, on, policy.default, tuple(checks))


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A contributor has set a policy, but no version of it covers the date.

    Its money may then pay for nothing, so no date can make restricted money unrestricted.
    """

    contributor: ParticipantCode
    on: date

    def explain(self) -> str:
        return f"no version of {self.contributor}'s policy covers {self.on}"


# What rules a contributor's money on a date: the phase in force, a gap between its policy's
# versions (nothing is allowed), or None when the contributor has never set a policy.
Ruling = PhaseDecision | Uncovered | None


def ruling_on(
    versions: Iterable[PolicyVersion],
    decide_phase: Callable[[PolicyVersion], PhaseDecision],
    *,
    contributor: ParticipantCode,
    on: date,
    known_at: datetime | None = None,
) -> Ruling:
    """The phase decision of the version valid on `on`; `Uncovered` if versions exist but none
    covers it; None if the contributor had set no policy (as known at `known_at`)."""
    known = [v for v in versions if known_at is None or v.recorded_at <= known_at]
    version = version_on(known, on)
    if version is not None:
        return decide_phase(version)
    return Uncovered(contributor, on) if known else None


# -- eligibility --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that decided eligibility, with the phase and observations behind it."""

    rule: str  # policy.aid_classes, policy.areas, policy.not_covered, earmark.*, no_policy
    message: str
    phase: str | None = None
    policy_version: int | None = None
    observations: tuple[Observation, ...] = ()


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Whether money may pay for a line; `reasons` say why, or why not (only the failing rules)."""

    allowed: bool
    reasons: tuple[Reason, ...]


def line_eligibility(
    *, area: str, aid_class: AidClass, decision: Ruling, earmark: Earmark
) -> Eligibility:
    """May money under this ruling and earmark pay for a line of `area` and `aid_class`?"""
    denied: list[Reason] = []
    granted: list[Reason] = []
    if decision is None:
        granted.append(Reason("no_policy", "no policy of the contributor is valid on that date"))
    elif isinstance(decision, Uncovered):
        denied.append(Reason("policy.not_covered", decision.explain()))
    else:
        phase, number = decision.phase, decision.version.version
        evidence = decision.evidence
        why = decision.explain()

        def reason(rule: str, message: str) -> Reason:
            return Reason(rule, f"{message}; {why}", phase.name, number, evidence)

        if aid_class not in phase.aid_classes:
            allowed = ", ".join(sorted(phase.aid_classes)) or "nothing"
            denied.append(
                reason("policy.aid_classes", f"{aid_class} is not allowed (allowed: {allowed})")
            )
        if phase.areas is not None and area not in phase.areas:
            denied.append(reason("policy.areas", f"area {area} is not allowed"))
        if not denied:
            granted.append(reason("policy", f"{aid_class} in {area} is allowed"))
    if earmark.aid_classes is not None and aid_class not in earmark.aid_classes:
        denied.append(
            Reason(
                "earmark.aid_classes",
                f"the contribution is earmarked for {', '.join(sorted(earmark.aid_classes))}",
            )
        )
    if earmark.areas is not None and area not in earmark.areas:
        denied.append(
            Reason(
                "earmark.areas",
                f"the contribution is earmarked for areas {', '.join(sorted(earmark.areas))}",
            )
        )
    return Eligibility(not denied, tuple(denied) if denied else tuple(granted))


def restrictions(
    decision: Ruling, earmark: Earmark
) -> tuple[frozenset[AidClass] | None, frozenset[str] | None]:
    """(aid classes, areas) the money may buy: the phase's allowance ∩ the earmark; None is all.

    Uncovered money may buy nothing."""
    if isinstance(decision, Uncovered):
        return frozenset(), frozenset()
    classes: frozenset[AidClass] | None = earmark.aid_classes
    areas: frozenset[str] | None = earmark.areas
    if decision is not None:
        phase = decision.phase
        classes = phase.aid_classes if classes is None else classes & phase.aid_classes
        if phase.areas is not None:
            areas = phase.areas if areas is None else areas & phase.areas
    return classes, areas
