"""The substitution effects kept apart from the allocation bases: one per package and
contributor whose effect its basis holds, with the basis's allocation date and recording
instant, so that a statement pages a contributor's effects without reading one basis document
per package. Derived from the bases alone: `effects_of` is the one way to derive them, and
`findings` names each kept effect that is not what the bases hold (what a contributor's
statement would otherwise tell silently)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from purldesk.domain import substitution
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.chains import canonical_json
from purldesk.domain.ledger import Finding
from purldesk.domain.packages import PackageId, package_ref
from purldesk.domain.participants import ParticipantCode

RULE = "substitution-effect"
TABLE = "allocation_substitutions"

EffectKey = tuple[PackageId, ParticipantCode]


@dataclass(frozen=True, slots=True)
class KeptEffect:
    """One contributor's substitution effect in the allocation that made a package, as kept:
    the basis's `on` and `recorded_at`, and the effect as canonical JSON."""

    package_id: PackageId
    contributor: ParticipantCode
    allocated_on: date
    recorded_at: datetime
    document: str

    @property
    def key(self) -> EffectKey:
        return self.package_id, self.contributor


def effects_of(kept: AllocationBasis) -> list[KeptEffect]:
    """The effects the basis holds, each as it is kept: one per contributor."""
    on, at = kept.on, kept.recorded_at
    return [
        KeptEffect(kept.package_id, e.contributor, on, at, canonical_json(substitution.document(e)))
        for e in kept.substitutions
    ]


def findings(kept: Iterable[KeptEffect], held: Iterable[KeptEffect]) -> list[Finding]:
    """Each kept effect missing from `kept`, extra in it, or different from the one the bases
    hold (`held`), by package and contributor; one pass over each."""
    remaining = {effect.key: effect for effect in kept}
    found: list[tuple[EffectKey, Finding]] = []
    for effect in held:
        says = remaining.pop(effect.key, None)
        if says != effect:
            found.append((effect.key, _finding(effect.key, says, effect)))
    found += [(key, _finding(key, says, None)) for key, says in remaining.items()]
    return [finding for _key, finding in sorted(found, key=lambda pair: pair[0])]


def _finding(key: EffectKey, says: KeptEffect | None, holds: KeptEffect | None) -> Finding:
    package_id, contributor = key
    row = f"{TABLE} {package_ref(package_id)} {contributor}"
    message = f"{row} holds {_said(says, holds)}, the basis holds {_said(holds, says)}"
    return Finding(RULE, message, row=row)


def _said(effect: KeptEffect | None, other: KeptEffect | None) -> str:
    """What one side holds: no effect; an effect (its dates) where the other holds none; or
    where both hold one, the fields on which they differ."""
    if effect is None:
        return "no effect"
    if other is None:
        on, at = effect.allocated_on.isoformat(), effect.recorded_at.isoformat()
        return f"an effect allocated on {on}, recorded at {at}"
    differing = [
        (name, shown)
        for (name, value, shown), (_, theirs, _) in zip(
            _fields(effect), _fields(other), strict=True
        )
        if value != theirs
    ]
    return ", ".join(f"{name} {shown}" for name, shown in differing)


def _fields(effect: KeptEffect) -> list[tuple[str, object, str]]:
    """Each field an effect is kept with besides its key: its name, value, and as shown."""
    return [
        ("allocated on", effect.allocated_on, effect.allocated_on.isoformat()),
        ("recorded at", effect.recorded_at, effect.recorded_at.isoformat()),
        ("document", effect.document, effect.document),
    ]
