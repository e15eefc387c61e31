"""Allocation bases are written once with their package and read back exactly, with the
substitution effects they keep; the database refuses a second basis for a package or one for a
package that does not exist, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from storage_backdoor import REFUSED_BY_THE_DATABASE

from builders import make_cycle, make_package, make_participant
from purldesk.domain.basis import AllocationBasis, FundBasis
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import AlreadyExists
from purldesk.domain.indicators import ObservationId
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import PolicyVersionId
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Shift, Standing, Substitution
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 12, 5, 12, 0, 0, 250000, tzinfo=UTC)


def recorded(package_id: int) -> AllocationBasis:
    ruled = FundBasis(
        contribution_id=ContributionId(14), contributor=ParticipantCode("KOR"), pays=True,
        versions=2, policy_version_id=PolicyVersionId(3), phase="baseline",
        observation_ids=(ObservationId(7), ObservationId(9)),
        aid_classes=frozenset({AidClass.HUMANITARIAN, AidClass.NONLETHAL}), areas=None,
    )  # fmt: skip
    free = FundBasis(
        contribution_id=ContributionId(15), contributor=ParticipantCode("NLD"), pays=False,
        versions=0, policy_version_id=None, phase=None, observation_ids=(),
        aid_classes=None, areas=frozenset({"air_defence"}),
    )  # fmt: skip
    return AllocationBasis(
        PackageId(package_id), date(2025, 12, 5), AT, (ruled, free), (korean_effect(package_id),)
    )


def korean_effect(package_id: int) -> Substitution[LineId]:
    """Korea's money took over line 3 and the money that paid it went to lines 5 and 8."""
    package = (PackageId(package_id),)
    return Substitution(
        ParticipantCode("KOR"), Standing.RESTRICTED,
        took_over=(Shift(LineId(3), 600_000_000, package),),
        left=(Shift(LineId(9), 48_000_000),),
        went_to=(Shift(LineId(5), 500_000_000, package), Shift(LineId(8), 140_000_000)),
        unallocated_minor=8_000_000,
    )  # fmt: skip


def seed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.participants.add(make_participant(code="UKR"))
        uow.cycles.add(make_cycle())
        uow.packages.add(make_package(id=1))
        uow.packages.add(make_package(id=2))
        uow.commit()


def test_a_basis_reads_back_exactly_and_only_for_its_package(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.bases.find(PackageId(1)) is None
        uow.bases.add(recorded(1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bases.find(PackageId(1)) == recorded(1)
        assert uow.bases.find(PackageId(2)) is None


def test_a_basis_not_committed_is_not_kept(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.bases.add(recorded(1))
    with uow_factory() as uow:
        assert uow.bases.find(PackageId(1)) is None


def test_a_second_basis_for_a_package_is_refused(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.bases.add(recorded(1))
        with pytest.raises(AlreadyExists, match="allocation basis P-0001 already exists"):
            uow.bases.add(recorded(1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.bases.find(PackageId(1)) == recorded(1)
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.bases.add(recorded(9))
