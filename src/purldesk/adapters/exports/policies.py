"""JSON views of policies, indicator observations and eligibility (shapes in docs/CLI.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.policies import Eligibility, Phase, PhaseDecision, PolicyVersion

if TYPE_CHECKING:
    from purldesk.services.policies import PolicyView


def observation(
    o: Observation, *, superseded_by: Mapping[ObservationId, ObservationId] | None = None
) -> dict[str, Any]:
    """An observation; `value` is an exact decimal string, `superseded_by` null if in force,
    `late` true if recorded more than a week after the day it describes."""
    later = (superseded_by or {}).get(o.id)
    return {
        "id": o.id, "name": o.name, "value": str(o.value), "observed_on": o.observed_on.isoformat(),
        "source": o.source, "note": o.note, "supersedes": o.supersedes, "superseded_by": later,
        "recorded_at": o.recorded_at.isoformat(), "late": o.is_late,
    }  # fmt: skip


def phase(p: Phase) -> dict[str, Any]:
    return {
        "name": p.name,
        "when": p.when_text or None,
        "aid_classes": sorted(a.value for a in p.aid_classes),
        "areas": None if p.areas is None else sorted(p.areas),
        "cap_per_package_minor": None if p.cap_per_package is None else p.cap_per_package.minor,
        "cap_per_cycle_minor": None if p.cap_per_cycle is None else p.cap_per_cycle.minor,
        "currency": "USD",
        "note": p.note,
    }


def policy_version(v: PolicyVersion) -> dict[str, Any]:
    policy = v.policy
    return {
        "contributor": v.contributor, "version": v.version,
        "valid_from": policy.valid_from.isoformat(),
        "valid_until": None if policy.valid_until is None else policy.valid_until.isoformat(),
        "title": policy.title, "source": policy.source, "filename": v.filename,
        "recorded_at": v.recorded_at.isoformat(),
        "parameters": {name: str(value) for name, value in policy.parameters},
        "phases": [phase(p) for p in policy.phases], "default": phase(policy.default),
        "additional": policy.additional,
    }  # fmt: skip


def policy_version_as_set(v: PolicyVersion) -> dict[str, Any]:
    """`policy_version` with the TOML `document` exactly as it was set, comments and all."""
    return {**policy_version(v), "document": v.document}


def decision(d: PhaseDecision) -> dict[str, Any]:
    """The phase in force, why, and every conditional phase checked before it."""
    return {
        "on": d.on.isoformat(), "policy_version": d.version.version, "phase": d.phase.name,
        "is_default": d.is_default, "forced": d.forced, "explanation": d.explain(),
        "evidence": [observation(o) for o in d.evidence],
        "checks": [
            {
                "phase": c.phase, "when": c.when, "holds": c.verdict.value,
                "observations": [o.id for o in c.verdict.evidence],
                "missing": list(c.verdict.missing),
            }
            for c in d.checks
        ],
    }  # fmt: skip


def eligibility(e: Eligibility) -> dict[str, Any]:
    return {
        "allowed": e.allowed,
        "reasons": [
            {
                "rule": r.rule, "message": r.message, "phase": r.phase,
                "policy_version": r.policy_version, "observations": [o.id for o in r.observations],
            }
            for r in e.reasons
        ],
    }  # fmt: skip


def policy_view(view: PolicyView) -> dict[str, Any]:
    """A contributor's policy on a day, as `purldesk policy show ORG --json` prints it and
    `GET /policies/{org}` answers (docs/CLI.md)."""
    return {
        "contributor": view.contributor,
        "on": view.on.isoformat(),
        "versions": view.versions,
        "policy": None if view.version is None else policy_version(view.version),
        "in_force": None if view.decision is None else decision(view.decision),
        "not_covered": None if view.uncovered is None else view.uncovered.explain(),
        "known_on": None if view.known_on is None else view.known_on.isoformat(),
    }
