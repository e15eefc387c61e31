"""Substitution effects kept in an allocation basis: only the paying contributors', read back
exactly, absent from bases recorded before them, and refused when altered."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from builders import make_attribution, make_package
from purldesk.domain import basis
from purldesk.domain.basis import BasisAltered, KnownRuling
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Shift, Standing, Substitution

AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)
KOR, NLD = ParticipantCode("KOR"), ParticipantCode("NLD")


def contribution(number: int, contributor: ParticipantCode) -> Contribution:
    return Contribution(
        id=ContributionId(number), contributor=contributor, amount=Money(100_000, USD),
        pledged_on=date(2025, 11, 1), status=ContributionStatus.RECEIVED,
        received_on=date(2025, 11, 2),
    )  # fmt: skip


def effect(contributor: ParticipantCode) -> Substitution[LineId]:
    return Substitution(
        contributor, Standing.RESTRICTED, took_over=(Shift(LineId(1), 700, (PackageId(1),)),),
        went_to=(Shift(LineId(2), 500, (PackageId(1),)),), unallocated_minor=200,
    )  # fmt: skip


def korean_package_basis() -> basis.AllocationBasis:
    paid = make_package(id=1, attributions=[make_attribution(contribution_id=1, line_id=1)])
    rulings = {KOR: KnownRuling(None, 0), NLD: KnownRuling(None, 0)}
    return basis.package_basis(
        paid, weighed=[contribution(1, KOR), contribution(2, NLD)], rulings=rulings,
        recorded_at=AT, substitutions=[effect(KOR), effect(NLD)],
    )  # fmt: skip


def test_a_basis_keeps_the_effects_of_the_contributors_paying_its_package_only() -> None:
    kept = korean_package_basis()
    assert kept.substitutions == (effect(KOR),)
    assert basis.parse(PackageId(1), basis.document(kept)) == kept


def test_a_basis_read_without_its_funds_keeps_everything_else() -> None:
    kept = korean_package_basis()
    assert kept.funds
    lean = basis.parse(PackageId(1), basis.document(kept), with_funds=False)
    assert lean == replace(kept, funds=())


def test_a_basis_recorded_before_substitution_effects_reads_with_none() -> None:
    stored = json.loads(basis.document(korean_package_basis()))
    del stored["substitutions"]
    assert basis.parse(PackageId(1), json.dumps(stored)).substitutions == ()


def test_an_effect_altered_so_it_no_longer_balances_is_refused() -> None:
    stored = json.loads(basis.document(korean_package_basis()))
    stored["substitutions"][0]["unallocated_minor"] = 0
    with pytest.raises(BasisAltered, match="KOR's substitution does not balance"):
        basis.parse(PackageId(1), json.dumps(stored))
