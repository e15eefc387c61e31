"""The substitution effects kept apart from the allocation bases: derived from a basis, one per
contributor, and what `verify` finds where the kept ones are not the bases' or a basis cannot
be read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from purldesk.domain import basis, substitution
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.chains import canonical_json
from purldesk.domain.kept_substitutions import (
    HeldEffects,
    KeptEffect,
    UnreadableBasis,
    effects_of,
    findings,
    held,
)
from purldesk.domain.ledger import Finding
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Shift, Standing, Substitution

NLD, CAN = ParticipantCode("NLD"), ParticipantCode("CAN")
ON = date(2025, 12, 5)
AT = datetime(2025, 12, 5, 9, 30, tzinfo=UTC)


def _effect(who: ParticipantCode, minor: int) -> Substitution[LineId]:
    return Substitution(
        who, Standing.RESTRICTED, took_over=(Shift(LineId(1), minor, (PackageId(7),)),),
        went_to=(Shift(LineId(2), minor, (PackageId(7),)),),
    )  # fmt: skip


BASIS = AllocationBasis(PackageId(7), ON, AT, (), (_effect(CAN, 100), _effect(NLD, 300)))
CANADIAN, DUTCH = effects_of(BASIS)


def test_a_basis_holds_one_effect_per_contributor_with_its_dates_and_document() -> None:
    assert [e.key for e in effects_of(BASIS)] == [(7, CAN), (7, NLD)]
    document = canonical_json(substitution.document(_effect(NLD, 300)))
    assert effects_of(BASIS)[1] == KeptEffect(PackageId(7), NLD, ON, AT, document)
    assert effects_of(replace(BASIS, substitutions=())) == []


def test_the_effects_the_bases_hold_kept_as_they_are_give_no_finding() -> None:
    assert findings([DUTCH, CANADIAN], HeldEffects([CANADIAN, DUTCH])) == []
    # The same instant in another zone is the same instant.
    elsewhere = replace(DUTCH, recorded_at=AT.astimezone(timezone(timedelta(hours=2))))
    assert findings([elsewhere, CANADIAN], HeldEffects([CANADIAN, DUTCH])) == []
    assert findings([], HeldEffects([])) == []


ROW = "allocation_substitutions P-0007 NLD"


def test_a_missing_kept_effect_is_named() -> None:
    assert findings([CANADIAN], HeldEffects([CANADIAN, DUTCH])) == [
        Finding(
            "substitution-effect",
            f"{ROW} holds no effect, the basis holds an effect allocated on 2025-12-05, "
            "recorded at 2025-12-05T09:30:00+00:00",
            row=ROW,
        )
    ]


def test_an_extra_kept_effect_is_named() -> None:
    extra = replace(DUTCH, package_id=PackageId(8))
    assert findings([CANADIAN, DUTCH, extra], HeldEffects([CANADIAN, DUTCH])) == [
        Finding(
            "substitution-effect",
            "allocation_substitutions P-0008 NLD holds an effect allocated on 2025-12-05, "
            "recorded at 2025-12-05T09:30:00+00:00, the basis holds no effect",
            row="allocation_substitutions P-0008 NLD",
        )
    ]


def test_a_different_kept_effect_names_the_fields_that_differ() -> None:
    altered = replace(DUTCH, document='{"altered":true}', allocated_on=date(2025, 12, 4))
    (finding,) = findings([altered, CANADIAN], HeldEffects([CANADIAN, DUTCH]))
    assert finding.message == (
        f'{ROW} holds allocated on 2025-12-04, document {{"altered":true}}, the basis holds '
        f"allocated on 2025-12-05, document {DUTCH.document}"
    )
    later = replace(DUTCH, recorded_at=AT + timedelta(seconds=1))
    (finding,) = findings([later, CANADIAN], HeldEffects([CANADIAN, DUTCH]))
    assert finding.message == (
        f"{ROW} holds recorded at 2025-12-05T09:30:01+00:00, the basis holds recorded at "
        "2025-12-05T09:30:00+00:00"
    )


def test_findings_are_by_package_and_contributor() -> None:
    other = effects_of(replace(BASIS, package_id=PackageId(3)))
    found = findings([DUTCH, *other], HeldEffects([CANADIAN, *other[:1]]))
    assert [f.row for f in found] == [
        "allocation_substitutions P-0003 NLD",
        "allocation_substitutions P-0007 CAN",
        "allocation_substitutions P-0007 NLD",
    ]


NOT_A_BASIS = "{not json"
UNREADABLE = UnreadableBasis(
    PackageId(7),
    "allocation basis altered: P-0007: JSONDecodeError('Expecting property name enclosed in "
    "double quotes: line 1 column 2 (char 1)')",
)


def test_held_sets_aside_each_stored_basis_that_is_not_one_and_reads_the_rest() -> None:
    other = replace(BASIS, package_id=PackageId(3))
    stored = [(PackageId(3), basis.document(other)), (PackageId(7), NOT_A_BASIS)]
    assert held(stored) == HeldEffects(effects_of(other), [UNREADABLE])
    assert held([]) == HeldEffects([], [])


def test_an_unreadable_basis_is_one_finding_naming_its_package_and_why() -> None:
    """Not also one per kept effect of its package, which there is no basis to compare with;
    the other packages' effects are compared as ever."""
    other = effects_of(replace(BASIS, package_id=PackageId(3)))
    found = findings([CANADIAN, DUTCH, *other[1:]], HeldEffects(other, [UNREADABLE]))
    assert found == [
        Finding(
            "substitution-effect",
            "allocation_substitutions P-0003 CAN holds no effect, the basis holds an effect "
            "allocated on 2025-12-05, recorded at 2025-12-05T09:30:00+00:00",
            row="allocation_substitutions P-0003 CAN",
        ),
        Finding("basis-unreadable", UNREADABLE.reason, row="allocation_bases P-0007"),
    ]
    assert findings([], HeldEffects([], [UNREADABLE])) == found[1:]


def test_an_unreadable_basis_is_named_without_its_document() -> None:
    """A reason as long as a document (a parser quoting a huge field) is cut short."""
    long = UnreadableBasis(PackageId(7), "allocation basis altered: P-0007: " + "x" * 10_000)
    (finding,) = findings([], HeldEffects([], [long]))
    assert len(finding.message) == 200 and finding.message.endswith("x…")
