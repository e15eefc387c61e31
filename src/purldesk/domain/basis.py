"""The basis of a committed allocation: for each contribution it weighed, the policy version
and the observations that decided what it could buy on the allocation date, kept with each
package it made (marking the contributions that pay that package).

With them, for each contributor that pays the package, the substitution effect of its
restricted money in that allocation (`domain/substitution.py`), for its statement.

It is recorded when the allocation is committed, so a package's explanation is read back from
it and never depends on recorded times (or a clock) again. Observations are kept by id: every
one the phase decision's checks read, which is enough to evaluate the same checks again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from purldesk.domain import substitution
from purldesk.domain.catalog import AidClass
from purldesk.domain.chains import canonical_json
from purldesk.domain.contributions import ContributionId, ContributionTerms
from purldesk.domain.errors import InvalidInput, LedgerError
from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.packages import Package, PackageId, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import (
    PhaseDecision,
    PolicyVersion,
    PolicyVersionId,
    Ruling,
    Uncovered,
    decide,
    restrictions,
)
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Substitution


class BasisAltered(LedgerError):
    """A recorded allocation basis does not agree with what it records."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"allocation basis altered: {detail}")


@dataclass(frozen=True, slots=True)
class KnownRuling:
    """A contributor's ruling on the allocation date and how many versions of its policy were
    known then (0: it had set none)."""

    ruling: Ruling
    versions: int


@dataclass(frozen=True, slots=True)
class FundBasis:
    """What one contribution the allocation weighed could buy, and what decided it."""

    contribution_id: ContributionId
    contributor: ParticipantCode
    pays: bool  # pays the package this basis is kept with
    versions: int  # versions of the contributor's policy known at the commit
    policy_version_id: PolicyVersionId | None  # None: no version covered the date
    phase: str | None
    observation_ids: tuple[ObservationId, ...]  # every observation the phase checks read
    aid_classes: frozenset[AidClass] | None  # None: any
    areas: frozenset[str] | None  # None: any


@dataclass(frozen=True, slots=True)
class AllocationBasis:
    package_id: PackageId
    on: date
    recorded_at: datetime
    funds: tuple[FundBasis, ...]  # by contribution id
    # of the contributors that pay the package, by contributor; none before they were recorded
    substitutions: tuple[Substitution[LineId], ...] = ()

    def of(self, contributor: str) -> tuple[FundBasis, ...]:
        return tuple(f for f in self.funds if f.contributor == contributor)


def read_observations(decision: PhaseDecision) -> tuple[ObservationId, ...]:
    """Every observation the decision's checks read, by id."""
    return tuple(sorted({o.id for check in decision.checks for o in check.verdict.evidence}))


def fund_basis(contribution: ContributionTerms, known: KnownRuling, *, pays: bool) -> FundBasis:
    decision = known.ruling if isinstance(known.ruling, PhaseDecision) else None
    classes, areas = restrictions(known.ruling, contribution.earmark)
    return FundBasis(
        contribution_id=contribution.id, contributor=contribution.contributor, pays=pays,
        versions=known.versions,
        policy_version_id=None if decision is None else decision.version.id,
        phase=None if decision is None else decision.phase.name,
        observation_ids=() if decision is None else read_observations(decision),
        aid_classes=classes, areas=areas,
    )  # fmt: skip


def package_basis(
    package: Package,
    *,
    weighed: Iterable[ContributionTerms],
    rulings: Mapping[ParticipantCode, KnownRuling],
    recorded_at: datetime,
    substitutions: Iterable[Substitution[LineId]] = (),
) -> AllocationBasis:
    """The basis of a package just cut: every contribution the allocation weighed, by id, and
    the substitution effects of the contributors that pay it."""
    paying = {part.contribution_id for part in package.attributions}
    funds = tuple(
        fund_basis(c, rulings[c.contributor], pays=c.id in paying)
        for c in sorted(weighed, key=lambda c: c.id)
    )
    payers = {fund.contributor for fund in funds if fund.pays}
    effects = tuple(
        sorted(
            (effect for effect in substitutions if effect.contributor in payers),
            key=lambda effect: effect.contributor,
        )
    )
    return AllocationBasis(package.id, package.created_on, recorded_at, funds, effects)


def recorded_ruling(
    fund: FundBasis,
    *,
    on: date,
    version: PolicyVersion | None,
    observations: Iterable[Observation],
) -> Ruling:
    """The ruling the basis records, rebuilt on `on` from its version and observations alone.

    The checks are evaluated over the recorded observations only, which gives them the
    verdicts they had at the commit (each indicator they read has its one recorded value); a
    different phase means the record was altered."""
    if fund.policy_version_id is None:
        return None if fund.versions == 0 else Uncovered(fund.contributor, on)
    if version is None or version.id != fund.policy_version_id:
        raise BasisAltered(f"policy version {fund.policy_version_id} is not the one given")
    decision = decide(version, observations, on=on)
    if decision.phase.name != fund.phase:
        raise BasisAltered(
            f"{fund.contributor}'s recorded observations put {decision.phase.name!r} in force, "
            f"not the recorded {fund.phase!r}"
        )
    return decision


# -- the stored document -----------------------------------------------------------------------


def document(basis: AllocationBasis) -> str:
    """The basis as canonical JSON (sorted keys, no spaces): how it is stored."""
    return canonical_json(
        {
            "package": package_ref(basis.package_id),
            "on": basis.on.isoformat(),
            "recorded_at": basis.recorded_at.isoformat(),
            "funds": [_fund_document(fund) for fund in basis.funds],
            "substitutions": [substitution.document(s) for s in basis.substitutions],
        }
    )


def _fund_document(fund: FundBasis) -> dict[str, Any]:
    return {
        "contribution": fund.contribution_id, "contributor": fund.contributor, "pays": fund.pays,
        "versions": fund.versions, "policy_version": fund.policy_version_id, "phase": fund.phase,
        "observations": list(fund.observation_ids),
        "aid_classes": _sorted_or_none(fund.aid_classes), "areas": _sorted_or_none(fund.areas),
    }  # fmt: skip


def _sorted_or_none(values: Iterable[str] | None) -> list[str] | None:
    return None if values is None else sorted(values)


def parse(package_id: PackageId, text: str, *, with_funds: bool = True) -> AllocationBasis:
    """The basis stored for `package_id`; a document naming another package is refused.
    Without `with_funds` its funds (every contribution the allocation weighed) are left out,
    for a reader of the substitution effects only. A document that is not one (altered in
    the database) is refused as altered, naming the package."""
    try:
        return _parsed(package_id, json.loads(text), with_funds=with_funds)
    except BasisAltered:
        raise
    except (ValueError, InvalidInput, KeyError, TypeError, AttributeError) as error:
        raise BasisAltered(f"{package_ref(package_id)}: {error!r}") from error


def _parsed(package_id: PackageId, stored: Any, *, with_funds: bool) -> AllocationBasis:
    if stored["package"] != package_ref(package_id):
        raise BasisAltered(f"{package_ref(package_id)}'s document names {stored['package']}")
    funds = tuple(_parse_fund(fund) for fund in stored["funds"]) if with_funds else ()
    # absent from the bases recorded before substitution effects were
    effects = tuple(substitution.parse(s) for s in stored.get("substitutions", ()))
    return AllocationBasis(
        package_id, date.fromisoformat(stored["on"]),
        datetime.fromisoformat(stored["recorded_at"]), funds, effects,
    )  # fmt: skip


def _parse_fund(stored: Mapping[str, Any]) -> FundBasis:
    classes: Sequence[str] | None = stored["aid_classes"]
    areas: Sequence[str] | None = stored["areas"]
    return FundBasis(
        contribution_id=ContributionId(stored["contribution"]),
        contributor=ParticipantCode(stored["contributor"]), pays=stored["pays"],
        versions=stored["versions"],
        policy_version_id=None if stored["policy_version"] is None
        else PolicyVersionId(stored["policy_version"]),
        phase=stored["phase"],
        observation_ids=tuple(ObservationId(i) for i in stored["observations"]),
        aid_classes=None if classes is None else frozenset(AidClass(a) for a in classes),
        areas=None if areas is None else frozenset(areas),
    )  # fmt: skip
