"""Use cases for national policies: set a version, show the phase in force, explain decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from purldesk.domain import basis
from purldesk.domain.access import Owned, Permission
from purldesk.domain.basis import FundBasis
from purldesk.domain.contributions import UNRESTRICTED, Contribution, ContributionStatus, Earmark
from purldesk.domain.errors import InvalidInput, NotFound
from purldesk.domain.packages import PackageId, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import (
    Eligibility,
    PhaseDecision,
    PolicyVersion,
    PolicyVersionId,
    Ruling,
    Uncovered,
    line_eligibility,
)
from purldesk.domain.policy_documents import parse_policy
from purldesk.domain.requirements import CycleId, RequirementLine
from purldesk.services import eligibility
from purldesk.services.eligibility import AS_RECORDED, Assumptions
from purldesk.services.handle import Command, Context, command
from purldesk.services.ports import UnitOfWork

# Money that is gone or never came is not worth explaining line by line.
_EXPLAINED = frozenset(ContributionStatus) - {
    ContributionStatus.CANCELLED,
    ContributionStatus.REFUNDED,
    ContributionStatus.DISBURSED,
}


def set_policy(
    uow: UnitOfWork, *, contributor: str, document: str, filename: str, at: datetime
) -> PolicyVersion:
    """Check a policy document in full and store it as the contributor's next version.

    Indicators must have been observed at least once and areas must be in the catalog, so a
    typo is caught here rather than silently never matching.
    """
    with uow:
        participant = uow.participants.get(contributor.strip().upper())
        if not participant.can_contribute:
            raise InvalidInput(
                "contributor", f"{participant.code} is a {participant.kind}, not a contributor"
            )
        policy = parse_policy(
            document, filename=filename, contributor=participant.code,
            known_indicators=uow.indicators.names(),
            known_areas={item.area for item in uow.catalog.list()},
        )  # fmt: skip
        version = PolicyVersion(
            id=PolicyVersionId(uow.next_id("policy_version")), contributor=participant.code,
            version=uow.policies.latest_version(participant.code) + 1, policy=policy,
            document=document, filename=filename, recorded_at=at,
        )  # fmt: skip
        uow.policies.add(version)
        uow.commit()
        return version


def versions(uow: UnitOfWork, *, contributor: str) -> list[PolicyVersion]:
    """Every version of the contributor's policy, oldest first."""
    with uow:
        code = uow.participants.get(contributor.strip().upper()).code
        return uow.policies.list(contributor=code)


@dataclass(frozen=True, slots=True)
class PolicyView:
    """The version of a contributor's policy valid on a date and the phase then in force."""

    contributor: ParticipantCode
    on: date
    version: PolicyVersion | None
    decision: PhaseDecision | None
    versions: int  # how many versions the contributor has set (as known then)
    known_on: date | None = None  # None: everything recorded so far

    @property
    def uncovered(self) -> Uncovered | None:
        """Set when the contributor has a policy but no version of it covers the date."""
        return (
            Uncovered(self.contributor, self.on) if self.version is None and self.versions else None
        )

    @property
    def ruling(self) -> Ruling:
        return self.decision or self.uncovered


def show(
    uow: UnitOfWork,
    *,
    contributor: str,
    on: date,
    assumptions: Assumptions = AS_RECORDED,
    known_on: date | None = None,
) -> PolicyView:
    """The version valid on `on` and the phase in force; with `known_on`, as known that day."""
    if known_on is not None:
        assumptions = replace(assumptions, known_at=eligibility.end_of(known_on))
    with uow:
        code = uow.participants.get(contributor.strip().upper()).code
        known = [
            v
            for v in uow.policies.list(contributor=code)
            if assumptions.known_at is None or v.recorded_at <= assumptions.known_at
        ]
        decision = eligibility.phase_decision(uow, contributor=code, on=on, assumptions=assumptions)
        version = None if decision is None else decision.version
        return PolicyView(code, on, version, decision, len(known), known_on)


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """Whether the contributor's money may pay for one line: by policy, and per contribution."""

    line: RequirementLine
    policy: Eligibility  # the policy alone, as for money without an earmark
    contributions: tuple[tuple[Contribution, Eligibility], ...]


@dataclass(frozen=True, slots=True)
class CommittedBasis:
    """Where the explanation of a committed package comes from."""

    package: str  # its reference, P-0001
    recorded: bool  # read from the basis recorded at the commit; False: derived
    at: datetime  # when its allocation was committed
    note: str  # the same, for people


@dataclass(frozen=True, slots=True)
class Explanation:
    view: PolicyView
    lines: tuple[LineExplanation, ...]
    cycle_id: CycleId | None = None
    basis: CommittedBasis | None = None  # set when it explains a committed package


def explain(
    uow: UnitOfWork,
    *,
    contributor: str,
    on: date,
    cycle_id: CycleId | None = None,
    line_ref: str | None = None,
    assumptions: Assumptions = AS_RECORDED,
    known_on: date | None = None,
) -> Explanation:
    """The phase in force and why; with a cycle, each line (or just `line_ref`) and why (not).

    Every "not eligible" carries the phase, the rule and the observations behind it.
    """
    view = show(uow, contributor=contributor, on=on, assumptions=assumptions, known_on=known_on)
    if cycle_id is None:
        return Explanation(view, ())
    with uow:
        money = [
            c
            for c in uow.contributions.list(contributor=view.contributor)
            if c.status in _EXPLAINED
        ]
        lines = _explained_lines(uow, view, cycle_id=cycle_id, line_ref=line_ref, money=money)
        return Explanation(view, lines, cycle_id)


def _explained_lines(
    uow: UnitOfWork,
    view: PolicyView,
    *,
    cycle_id: CycleId,
    line_ref: str | None,
    money: Sequence[Contribution],
) -> tuple[LineExplanation, ...]:
    """Each line of the cycle (or just `line_ref`): may the policy, and each of `money`, pay?"""
    lines = uow.requirements.list(cycle_id)
    if line_ref is not None:
        lines = [ln for ln in lines if line_ref in (ln.ref, str(ln.id))]
        if not lines:
            raise NotFound("requirement line", line_ref)
    return tuple(
        LineExplanation(
            line,
            _eligible(view.ruling, line, UNRESTRICTED),
            tuple((c, _eligible(view.ruling, line, c.earmark)) for c in money),
        )
        for line in lines
    )


def explain_package(
    uow: UnitOfWork, *, contributor: str, package_id: PackageId, line_ref: str | None = None
) -> Explanation:
    """`explain` as the allocation that made the package saw it, read from the basis recorded
    with it: on its allocation date, the policy version and observations that ruled the
    contributor's contributions it weighed. Versions and observations are never edited, so
    this never changes. A package without a recorded basis (committed before bases were kept),
    or whose allocation weighed no money of the contributor, is explained as derived, and says
    so."""
    with uow:
        package = uow.packages.get(package_id)
        code = uow.participants.get(contributor.strip().upper()).code
        recorded = uow.bases.find(package_id)
        funds = () if recorded is None else recorded.of(code)
        if recorded is not None and funds:
            view = _recorded_view(uow, funds[0], on=recorded.on)
            money = [uow.contributions.get(fund.contribution_id) for fund in funds]
            lines = _explained_lines(
                uow, view, cycle_id=package.cycle_id, line_ref=line_ref, money=money
            )
            note = f"as recorded when {package.ref} was committed, at {recorded.recorded_at}"
            committed = CommittedBasis(package.ref, True, recorded.recorded_at, note)
            return Explanation(view, lines, package.cycle_id, committed)
        sealed = committed_at(uow, package_id) if recorded is None else recorded.recorded_at
    why = (
        f"{package.ref} was committed before allocation bases were recorded"
        if recorded is None
        else f"the allocation of {package.ref} weighed no money of {code}"
    )
    note = f"derived ({why}): from the policy versions and observations recorded by {sealed}"
    derived = explain(
        uow, contributor=code, on=package.created_on, cycle_id=package.cycle_id,
        line_ref=line_ref, assumptions=Assumptions(known_at=sealed),
    )  # fmt: skip
    return replace(derived, basis=CommittedBasis(package.ref, False, sealed, note))


def _recorded_view(uow: UnitOfWork, fund: FundBasis, *, on: date) -> PolicyView:
    """The contributor's policy on `on` as the basis recorded it for one of its contributions."""
    version = None
    if fund.policy_version_id is not None:
        known = uow.policies.list(contributor=fund.contributor)
        version = next((v for v in known if v.id == fund.policy_version_id), None)
    observations = [uow.indicators.get(i) for i in fund.observation_ids]
    ruling = basis.recorded_ruling(fund, on=on, version=version, observations=observations)
    decision = ruling if isinstance(ruling, PhaseDecision) else None
    return PolicyView(
        fund.contributor, on, None if decision is None else decision.version, decision,
        fund.versions,
    )  # fmt: skip


def committed_at(uow: UnitOfWork, package_id: PackageId) -> datetime:
    """When the package's money was allocated: the time its first ledger entry was sealed.

    Only for packages committed before their basis was recorded: it reads the whole ledger."""
    for entry in uow.ledger.entries():
        if entry.transaction.package_id == package_id:
            return entry.recorded_at
    raise NotFound("allocation of package", package_ref(package_id))


def _eligible(decision: Ruling, line: RequirementLine, earmark: Earmark) -> Eligibility:
    return line_eligibility(
        area=line.area, aid_class=line.aid_class, decision=decision, earmark=earmark
    )


# -- commands ----------------------------------------------------------------------------------

DOCUMENT_MAX = 100_000
FILENAME_MAX = 200


@dataclass(frozen=True, slots=True)
class PolicySet:
    """The version in force after a SetPolicy, and whether the command made it."""

    version: PolicyVersion
    changed: bool

    @property
    def ref(self) -> str:
        return f"{self.version.contributor} v{self.version.version}"

    @property
    def status(self) -> str:
        return "set" if self.changed else "unchanged"


@command("policies.set", Permission.SET_POLICY)
class SetPolicy(Command[PolicySet]):
    """A contributor sets its own policy; the version in force sent again changes nothing."""

    contributor: str
    text: str  # the TOML document
    filename: str = "policy.toml"

    def __post_init__(self) -> None:
        if not self.text.strip() or len(self.text) > DOCUMENT_MAX:
            raise InvalidInput("document", f"must be 1 to {DOCUMENT_MAX:,} characters of TOML")
        if not self.filename.strip() or len(self.filename) > FILENAME_MAX:
            raise InvalidInput("filename", f"must be 1 to {FILENAME_MAX} characters")

    @property
    def code(self) -> str:
        return self.contributor.strip().upper()

    def owner(self, uow: UnitOfWork) -> Owned:
        return Owned(self.code, "policy", self.code)

    def execute(self, uow: UnitOfWork, context: Context) -> PolicySet:
        every = versions(uow, contributor=self.code)
        if every and every[-1].document == self.text:
            return PolicySet(every[-1], changed=False)
        version = set_policy(
            uow, contributor=self.code, document=self.text, filename=self.filename,
            at=context.at,
        )  # fmt: skip
        return PolicySet(version, changed=True)

    def target(self, result: PolicySet) -> str:
        return result.version.contributor
