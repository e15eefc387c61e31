"""The basis of a committed allocation on the in-memory unit of work: one per package, with
what ruled each contribution it weighed; a package's explanation is read from it, whatever is
recorded (or back-dated) later (tests/contract/test_contract_bases.py holds the storage to it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from builders import make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.basis import AllocationBasis, FundBasis
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionId
from purldesk.domain.indicators import ObservationId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package
from purldesk.domain.participants import ParticipantCode, ParticipantKind
from purldesk.domain.requirements import CycleId
from purldesk.domain.substitution import Standing, Substitution
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    eligibility,
    indicators,
    participants,
    policies,
    requirements,
)
from purldesk.services.handle import Command, Context, handle
from purldesk.services.policies import Explanation
from purldesk.services.requirements import LineRow

AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)
EARLIER = AT - timedelta(days=30)
ON = date(2025, 12, 5)
TROOPS = "dprk_troops_in_theatre"
LOT = Money(1_000_000, USD)
POLICY = """\
contributor = "KOR"
valid_from = 2024-11-07

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= 20000"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
areas = ["medical", "air_defence"]
"""
HUMANITARIAN_AND_NONLETHAL = frozenset({AidClass.HUMANITARIAN, AidClass.NONLETHAL})


class World:
    """KOR (baseline: no defensive aid, 14,000 troops observed) and NLD (no policy), USD 10,000
    each; the endorsed cycle asks for one air-defence lot (rank 1) and one medical lot."""

    def __init__(self) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        participants.add_many(
            self.uow(),
            participants=[
                make_participant(code="KOR", kind=ParticipantKind.PARTNER),
                make_participant(code="NLD"),
                make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
            ],
        )
        catalog.import_items(
            self.uow(),
            items=[
                make_item(code="A", area="air_defence", unit_price=LOT),
                make_item(
                    code="M", area="medical", aid_class=AidClass.HUMANITARIAN, unit_price=LOT
                ),
            ],
        )
        self.troops = self.observe(14_000, date(2025, 4, 15), at=EARLIER)
        version = policies.set_policy(
            self.uow(), contributor="KOR", document=POLICY, filename="KOR.toml", at=EARLIER
        )
        self.version_id = version.id
        cycle = requirements.open_cycle(self.uow(), name="2025-09", opens_on=date(2025, 9, 1))
        self.cycle_id = CycleId(cycle.id)
        rows = [
            LineRow(1, "L-1", 1, "A", 1, date(2026, 3, 1), "air"),
            LineRow(2, "L-2", 2, "M", 1, date(2026, 3, 1), "medical"),
        ]
        requirements.import_lines(self.uow(), cycle_id=cycle.id, rows=rows, at=EARLIER, by="UKR")
        self.korean, self.dutch = self.pledge("KOR"), self.pledge("NLD")
        self.run(requirements.SubmitCycle(cycle="2025-09"))
        self.run(requirements.EndorseCycle(cycle="2025-09"))

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def observe(self, troops: int, on: date, *, at: datetime) -> ObservationId:
        recorded = indicators.record(
            self.uow(), name=TROOPS, value=Decimal(troops), observed_on=on,
            source="https://example.org", at=at,
        )  # fmt: skip
        return recorded.id

    def pledge(self, contributor: str) -> ContributionId:
        pledge = contributions.Pledge(
            contributor=contributor, amount=LOT, pledged_on=date(2025, 9, 1)
        )
        made = self.run(pledge)
        self.run(contributions.Receive(contribution_id=made.id, on=date(2025, 9, 10)))
        return ContributionId(made.id)

    def commit(self) -> tuple[Package, ...]:
        command = allocations.Commit(cycle_id=self.cycle_id, package_target=LOT, on=ON)
        committed: tuple[Package, ...] = self.run(command).committed
        return committed

    def explain(self, package: Package) -> Explanation:
        return policies.explain_package(self.uow(), contributor="KOR", package_id=package.id)


@pytest.fixture
def world() -> World:
    return World()


def test_a_commit_records_one_basis_per_package_with_what_ruled_each_fund(world: World) -> None:
    air, medical = world.commit()
    assert {p.contribution_id for p in air.attributions} == {world.dutch}
    assert {p.contribution_id for p in medical.attributions} == {world.korean}
    korean = FundBasis(
        contribution_id=world.korean, contributor=ParticipantCode("KOR"), pays=False,
        versions=1, policy_version_id=world.version_id, phase="baseline",
        observation_ids=(world.troops,), aid_classes=HUMANITARIAN_AND_NONLETHAL,
        areas=frozenset({"medical", "air_defence"}),
    )  # fmt: skip
    dutch = FundBasis(
        contribution_id=world.dutch, contributor=ParticipantCode("NLD"), pays=True, versions=0,
        policy_version_id=None, phase=None, observation_ids=(), aid_classes=None, areas=None,
    )  # fmt: skip
    with world.uow() as uow:
        assert uow.bases.find(air.id) == AllocationBasis(air.id, ON, AT, (korean, dutch))
        # With the package Korea's money pays, its substitution effect: none in this world.
        assert uow.bases.find(medical.id) == AllocationBasis(
            medical.id, ON, AT, (replace(korean, pays=True), replace(dutch, pays=False)),
            (Substitution(ParticipantCode("KOR"), Standing.RESTRICTED),),
        )  # fmt: skip
        assert len(uow.tables.bases) == 2


def test_a_committed_explanation_is_read_from_the_basis_whatever_is_back_dated(
    world: World,
) -> None:
    air, _ = world.commit()
    before = world.explain(air)
    assert before.basis is not None and before.basis.recorded
    assert before.view.decision is not None and before.view.decision.phase.name == "baseline"
    # 25,000 troops "observed" in June, recorded after the commit, then its recording moved
    # back before it, as a clock set backwards would have recorded it.
    late = world.observe(25_000, date(2025, 6, 1), at=AT + timedelta(hours=1))
    with world.uow() as uow:
        stored = uow.tables.observations[late]
        uow.tables.observations[late] = replace(stored, recorded_at=EARLIER)
        uow.commit()
    assert world.explain(air) == before
    derived = policies.explain(
        world.uow(), contributor="KOR", on=ON, cycle_id=world.cycle_id,
        assumptions=eligibility.Assumptions(known_at=AT),
    )  # fmt: skip
    assert derived.view.decision is not None and derived.view.decision.phase.name == "defensive"


def test_a_package_without_a_basis_is_explained_as_derived_and_says_so(world: World) -> None:
    air, _ = world.commit()
    with world.uow() as uow:
        del uow.tables.bases[air.id]
        uow.commit()
    explained = world.explain(air)
    assert explained.basis is not None and not explained.basis.recorded
    assert "committed before allocation bases were recorded" in explained.basis.note
    assert explained.view.decision is not None
    assert explained.view.decision.phase.name == "baseline"
