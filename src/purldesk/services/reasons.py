"""Why an allocation leaves each short line short, naming the binding cause.

The engine knows its own limits (`Blocked`: no eligible money, eligible money exhausted, the
run's cap, and any other it reports). This adds what only the services know: the money left
over that may not pay the line — whose, how much, and the rule that forbids it (a policy phase
and the observations behind it, an earmark, a cap, a receipt after the allocation date) — read
under the same assumptions as the allocation. It runs inside the caller's transaction, reading
the policy ruling of each contributor with money left and the participants' names, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from purldesk.allocation import AllocationProblem, AllocationResult, Fund, Line, LineAllocation
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import UNRESTRICTED, ContributionTerms
from purldesk.domain.indicators import Observation
from purldesk.domain.money import Money, currency
from purldesk.domain.packages import package_ref
from purldesk.domain.policies import PhaseDecision, Reason, Ruling, line_eligibility
from purldesk.services import eligibility
from purldesk.services.eligibility import AS_RECORDED, Assumptions
from purldesk.services.ports import UnitOfWork

# Why pooled money is left out of an allocation whole.
SetAsideRule = Literal["earmark.package", "earmark.expired", "not_received"]

# The binding causes. An engine reason not known here is passed through as its own cause.
CAPACITY = "capacity"
PACKAGE_TARGET = "package_target"
MONEY_EXHAUSTED = "money_exhausted"
MONEY_NOT_ALLOWED = "money_not_allowed"
_ENGINE_CAUSES = {"capacity_reached": CAPACITY, "cap_reached": PACKAGE_TARGET}
_MONEY_REASONS = frozenset({"no_eligible_money", "eligible_money_exhausted"})


@dataclass(frozen=True, slots=True)
class SetAside:
    """Pooled money an allocation leaves out whole, and the rule that does."""

    contribution: ContributionTerms
    amount_minor: int  # USD
    rule: SetAsideRule


class Weighed(Protocol):
    """What an allocation weighed (`allocations.Inputs`)."""

    @property
    def on(self) -> date: ...
    @property
    def problem(self) -> AllocationProblem: ...
    @property
    def contributions(self) -> Mapping[str, ContributionTerms]: ...
    @property
    def pooled(self) -> Mapping[str, int]: ...
    @property
    def set_aside(self) -> tuple[SetAside, ...]: ...


@dataclass(frozen=True, slots=True)
class HeldBack:
    """One contributor's money left after the allocation that may not pay a line, and why."""

    contributor: str
    name: str
    left: Money
    contributions: tuple[str, ...]  # refs
    # policy.aid_classes, policy.areas, policy.not_covered, earmark.aid_classes, earmark.areas,
    # earmark.package, earmark.expired, cap.per_package, cap.per_cycle, not_received
    rule: str
    message: str
    phase: str | None = None
    policy_version: int | None = None
    observations: tuple[Observation, ...] = ()

    def describe(self) -> str:
        """'Republic of Korea (KOR), USD 20,000,000.00 left in C-00015: lethal is not …'"""
        refs = ", ".join(self.contributions)
        return (
            f"{self.name} ({self.contributor}), {self.left.format()} left in {refs}: {self.message}"
        )


@dataclass(frozen=True, slots=True)
class LineReason:
    """Why one line got fewer lots than it asked for: the binding cause, in data and words."""

    line: str
    funded_lots: int
    lots: int
    short: Money  # the cost of the lots not funded
    cause: str  # capacity, package_target, money_exhausted, money_not_allowed, or the engine's
    engine_reason: str
    competing_lines: tuple[str, ...]
    held_back: tuple[HeldBack, ...]  # for money_not_allowed: whose money, and why not
    message: str


def explain(
    uow: UnitOfWork,
    *,
    weighed: Weighed,
    result: AllocationResult,
    assumptions: Assumptions = AS_RECORDED,
) -> tuple[LineReason, ...]:
    """A reason for every line `result` leaves short, in its order.

    Money left over is the cause when, summed over the contributors it is held back from, it
    could pay at least one more lot of the line; otherwise the money that may pay the line is
    exhausted, and the engine's sentence (with the higher-ranked lines that took it) stands.
    """
    short = [outcome for outcome in result.lines if outcome.blocked_by is not None]
    if not short:
        return ()
    lines = {line.id: line for line in weighed.problem.lines}
    present = _MoneyLeft(uow, weighed, result, assumptions)
    return tuple(present.reason(outcome, lines[outcome.id]) for outcome in short)


@dataclass(frozen=True, slots=True)
class _Part:
    """Some of one contribution's money that may not pay a kind of line, and the rule."""

    contributor: str
    ref: str
    amount_minor: int
    rule: str
    message: str
    phase: str | None = None
    policy_version: int | None = None
    observations: tuple[Observation, ...] = ()


class _MoneyLeft:
    """The money an allocation left, and for each kind of line what of it may not pay it."""

    def __init__(
        self,
        uow: UnitOfWork,
        weighed: Weighed,
        result: AllocationResult,
        assumptions: Assumptions,
    ) -> None:
        self._uow, self._weighed, self._assumptions = uow, weighed, assumptions
        self._currency = currency(result.currency)
        left = {usage.id: usage.left_minor for usage in result.funds}
        self._allowed: dict[str, int] = {}  # what the caps let each contributor spend
        self._funds: list[tuple[Fund, int, int]] = []  # (fund, left, held back by caps)
        for fund in weighed.problem.funds:
            self._allowed[fund.contributor] = (
                self._allowed.get(fund.contributor, 0) + fund.available_minor
            )
            capped = weighed.pooled.get(fund.id, fund.available_minor) - fund.available_minor
            if left.get(fund.id, 0) > 0 or capped > 0:
                self._funds.append((fund, left.get(fund.id, 0), max(0, capped)))
        self._set_aside = [self._set_aside_part(s) for s in weighed.set_aside]
        self._rulings: dict[str, Ruling] = {}
        self._names: dict[str, str] | None = None
        self._by_kind: dict[tuple[str, str], tuple[HeldBack, ...]] = {}

    def reason(self, outcome: LineAllocation, line: Line) -> LineReason:
        blocked = outcome.blocked_by
        assert blocked is not None
        short = Money(blocked.short_minor, self._currency)

        def reason(cause: str, held: tuple[HeldBack, ...], message: str) -> LineReason:
            return LineReason(
                line=line.id, funded_lots=outcome.funded_lots, lots=line.lots, short=short,
                cause=cause, engine_reason=blocked.reason,
                competing_lines=tuple(blocked.competing_lines), held_back=held, message=message,
            )  # fmt: skip

        if blocked.reason not in _MONEY_REASONS:
            return reason(_ENGINE_CAUSES.get(blocked.reason, blocked.reason), (), blocked.message)
        held = self._held_back(line)
        total = sum(h.left.minor for h in held)
        if total < line.lot_price_minor:
            return reason(MONEY_EXHAUSTED, (), blocked.message)
        kind = f"{line.aid_class}/{line.area}"
        got = f"{outcome.funded_lots} of {line.lots} lot(s) funded, {short.format()} short"
        whose = " ".join(f"{h.describe()}." for h in held)
        message = (
            f"{Money(total, self._currency).format()} is left that may not pay {kind} lines: "
            f"{got}. {whose}"
        )
        return reason(MONEY_NOT_ALLOWED, held, message)

    def _held_back(self, line: Line) -> tuple[HeldBack, ...]:
        kind = (line.aid_class.value, line.area)
        if kind not in self._by_kind:
            parts = [*self._set_aside]
            for fund, left, capped in self._funds:
                parts.extend(self._parts(fund, left, capped, line))
            self._by_kind[kind] = self._grouped(parts)
        return self._by_kind[kind]

    def _parts(self, fund: Fund, left: int, capped: int, line: Line) -> Iterator[_Part]:
        if not fund.is_eligible_for(line):
            yield self._forbidden(fund, left + capped, line)
        elif capped:
            yield self._capped(fund, capped)

    def _forbidden(self, fund: Fund, amount: int, line: Line) -> _Part:
        """The rules that keep `fund` from `line`, as the eligibility of its money says."""
        contribution = self._weighed.contributions.get(fund.id)
        verdict = line_eligibility(
            area=line.area, aid_class=AidClass(line.aid_class.value),
            decision=self._ruling(fund.contributor),
            earmark=UNRESTRICTED if contribution is None else contribution.earmark,
        )  # fmt: skip
        denied = verdict.reasons
        if verdict.allowed:  # restrictions given to the allocation in place of the policies
            denied = (Reason("restrictions", "the restrictions of this allocation exclude it"),)
        ruled = next((r for r in denied if r.phase is not None), denied[0])
        return _Part(
            fund.contributor, fund.id, amount, denied[0].rule,
            "; ".join(r.message for r in denied), ruled.phase, ruled.policy_version,
            ruled.observations,
        )  # fmt: skip

    def _capped(self, fund: Fund, amount: int) -> _Part:
        """Money its contributor's caps keep back: which cap, from the phase in force."""
        decision = self._ruling(fund.contributor)
        if not isinstance(decision, PhaseDecision):
            return _Part(fund.contributor, fund.id, amount, "cap", "its caps keep it back")
        phase, allowed = decision.phase, self._allowed[fund.contributor]
        per_package, per_cycle = phase.cap_per_package, phase.cap_per_cycle
        if per_package is not None and allowed >= per_package.minor:
            rule = "cap.per_package"
            text = (
                f"its cap of {per_package.format()} per package is reached (one allocation "
                "spends at most one package's cap)"
            )
        elif per_cycle is not None:
            before = Money(max(0, per_cycle.minor - allowed), per_cycle.currency)
            rule = "cap.per_cycle"
            text = (
                f"its cap of {per_cycle.format()} per cycle is reached ({before.format()} "
                "of it attributed in this cycle already)"
            )
        else:
            rule, text = "cap", "its caps keep it back"
        return _Part(
            fund.contributor, fund.id, amount, rule, f"{text}; {decision.explain()}",
            phase.name, decision.version.version, decision.evidence,
        )  # fmt: skip

    def _set_aside_part(self, aside: SetAside) -> _Part:
        contribution = aside.contribution
        earmark = contribution.earmark
        if aside.rule == "earmark.package" and earmark.package_id is not None:
            text = f"earmarked to package {package_ref(earmark.package_id)}; it pays no other"
        elif aside.rule == "earmark.expired":
            text = f"its earmark expired on {earmark.expires_on}"
        else:
            text = f"received on {contribution.received_on}, after the allocation date"
        return _Part(
            contribution.contributor, contribution.ref, aside.amount_minor, aside.rule, text
        )

    def _ruling(self, contributor: str) -> Ruling:
        if contributor not in self._rulings:
            self._rulings[contributor] = eligibility.ruling(
                self._uow, contributor=contributor, on=self._weighed.on,
                assumptions=self._assumptions,
            )  # fmt: skip
        return self._rulings[contributor]

    def _grouped(self, parts: list[_Part]) -> tuple[HeldBack, ...]:
        """The parts summed per contributor and rule, the largest first."""
        if not parts:
            return ()
        if self._names is None:
            self._names = {p.code: p.name for p in self._uow.participants.list()}
        groups: dict[tuple[str, str, str], list[_Part]] = {}
        for part in parts:
            groups.setdefault((part.contributor, part.rule, part.message), []).append(part)
        held = [self._summed(group) for group in groups.values()]
        return tuple(sorted(held, key=lambda h: (-h.left.minor, h.contributor, h.rule)))

    def _summed(self, group: list[_Part]) -> HeldBack:
        """One contributor's parts under one rule, as one amount left."""
        first, names = group[0], self._names or {}
        return HeldBack(
            contributor=first.contributor, name=names.get(first.contributor, first.contributor),
            left=Money(sum(p.amount_minor for p in group), self._currency),
            contributions=tuple(sorted({p.ref for p in group})), rule=first.rule,
            message=first.message, phase=first.phase, policy_version=first.policy_version,
            observations=first.observations,
        )  # fmt: skip
