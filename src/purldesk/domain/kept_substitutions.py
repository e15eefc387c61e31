"""The substitution effects kept apart from the allocation bases: one per package and
contributor whose effect its basis holds, with the basis's allocation date and recording
instant, so that a statement pages a contributor's effects without reading one basis document
per package. Derived from the bases alone: `effects_of` is the one way to derive them, `held`
reads them from the stored basis documents (setting aside each that is not one), and
`findings` names each kept effect that is not what the bases hold (what a contributor's
statement would otherwise tell silently) and each basis that cannot be read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from purldesk.domain import basis, substitution
from purldesk.domain.basis import AllocationBasis, BasisAltered
from purldesk.domain.chains import canonical_json
from purldesk.domain.ledger import Finding
from purldesk.domain.packages import PackageId, package_ref
from purldesk.domain.participants import ParticipantCode

RULE = "substitution-effect"
UNREADABLE_RULE = "basis-unreadable"
TABLE = "allocation_substitutions"
BASES_TABLE = "allocation_bases"
# Characters of why a basis cannot be read that a finding shows: enough for the parser's
# complaint, never a whole altered document.
REASON_SHOWN = 200

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


@dataclass(frozen=True, slots=True)
class UnreadableBasis:
    """A stored basis that is not a basis document (altered in the database): its package and
    why, as `basis.parse` refused it (BasisAltered's message, which names the package)."""

    package_id: PackageId
    reason: str


@dataclass(frozen=True, slots=True)
class HeldEffects:
    """The effects the readable bases hold, and each basis that could not be read."""

    effects: Sequence[KeptEffect]
    unreadable: Sequence[UnreadableBasis] = ()


def held(stored: Iterable[tuple[PackageId, str]]) -> HeldEffects:
    """The effects held by the stored basis documents (package id, document), each read
    without its funds; a document that is not a basis is set aside, not raised."""
    effects: list[KeptEffect] = []
    unreadable: list[UnreadableBasis] = []
    for package_id, document in stored:
        try:
            effects += effects_of(basis.parse(package_id, document, with_funds=False))
        except BasisAltered as error:
            unreadable.append(UnreadableBasis(package_id, str(error)))
    return HeldEffects(effects, unreadable)


def effects_of(kept: AllocationBasis) -> list[KeptEffect]:
    """The effects the basis holds, each as it is kept: one per contributor."""
    on, at = kept.on, kept.recorded_at
    return [
        KeptEffect(kept.package_id, e.contributor, on, at, canonical_json(substitution.document(e)))
        for e in kept.substitutions
    ]


def findings(kept: Iterable[KeptEffect], held: HeldEffects) -> list[Finding]:
    """Each basis that cannot be read, once; and each kept effect missing from `kept`, extra
    in it, or different from the one the bases hold, by package and contributor (one pass over
    each). The kept effects of an unreadable basis's package are not compared: there is
    nothing to compare them with, and the basis's finding already names the package."""
    unreadable = {u.package_id: u for u in held.unreadable}
    remaining = {effect.key: effect for effect in kept if effect.package_id not in unreadable}
    found: list[tuple[EffectKey, Finding]] = [
        ((package_id, ParticipantCode("")), _unreadable_finding(u))
        for package_id, u in unreadable.items()
    ]
    for effect in held.effects:
        says = remaining.pop(effect.key, None)
        if says != effect:
            found.append((effect.key, _finding(effect.key, says, effect)))
    found += [(key, _finding(key, says, None)) for key, says in remaining.items()]
    return [finding for _key, finding in sorted(found, key=lambda pair: pair[0])]


def _unreadable_finding(unreadable: UnreadableBasis) -> Finding:
    row = f"{BASES_TABLE} {package_ref(unreadable.package_id)}"
    reason = unreadable.reason  # "allocation basis altered: P-…: why"
    shown = reason if len(reason) <= REASON_SHOWN else reason[: REASON_SHOWN - 1] + "…"
    return Finding(UNREADABLE_RULE, shown, row=row)


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
