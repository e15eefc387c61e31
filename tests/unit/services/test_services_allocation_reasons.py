"""Each line an allocation leaves short names its binding cause: money left over that may not
pay it (whose, how much, and the policy phase with its observation, the earmark or the cap that
forbids it), money exhausted, or the engine's own limit passed through. Over the in-memory unit
of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

import pytest

from builders import make_earmark, make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.allocation import AllocationProblem, AllocationResult, Blocked, LineAllocation
from purldesk.allocation.problem import BlockReason, Line, LineId
from purldesk.domain.access import operator
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import Contribution, ContributionId, Earmark
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution
from purldesk.domain.participants import ParticipantKind
from purldesk.domain.requirements import CycleId
from purldesk.domain.requirements import LineId as RequirementLineId
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    indicators,
    packages,
    participants,
    policies,
    reasons,
    requirements,
    whatif,
)
from purldesk.services.handle import Command, Context, handle
from purldesk.services.reasons import LineReason, SetAside
from purldesk.services.requirements import LineRow

AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)
ON = date(2025, 12, 1)
LOT = Money(1_000_000, USD)  # USD 10,000 a lot of one
KIT = make_item(code="KIT-1", area="logistics", aid_class=AidClass.NONLETHAL, unit_price=LOT)
SHELL = make_item(code="SHELL-1", area="artillery", aid_class=AidClass.LETHAL, unit_price=LOT)
TROOPS = "dprk_troops_in_theatre"
PHASED = """format = "purldesk.policy/1"
contributor = "KOR"
valid_from = 2024-11-07

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= 20000"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
"""
CAPPED = """format = "purldesk.policy/1"
contributor = "KOR"
valid_from = 2024-11-07

[default]
name = "capped"
aid_classes = ["humanitarian", "nonlethal"]
cap_per_cycle = "USD 20,000"
"""


class World:
    """KOR (a policy: no lethal aid) and NLD (none); the endorsed list asks for L-1, five kits
    (non-lethal), then L-2, five shells (lethal), USD 10,000 a lot."""

    def __init__(self, policy: str = PHASED) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        participants.add_many(self.uow(), participants=[
            make_participant(code="KOR", name="Republic of Korea"),
            make_participant(code="NLD", name="Netherlands"),
            make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
        ])  # fmt: skip
        catalog.import_items(self.uow(), items=[KIT, SHELL])
        self.troops = indicators.record(
            self.uow(), name=TROOPS, value=Decimal(14_000), observed_on=date(2025, 4, 15),
            source="https://example.org/troops", at=AT,
        )  # fmt: skip
        self.run(policies.SetPolicy(contributor="KOR", text=policy))
        self.cycle_id = CycleId(requirements.open_cycle(self.uow(), name="c", opens_on=ON).id)
        rows = [
            LineRow(1, "L-1", 1, "KIT-1", 5, date(2026, 3, 1), "kits"),
            LineRow(2, "L-2", 2, "SHELL-1", 5, date(2026, 3, 1), "shells"),
        ]
        requirements.import_lines(self.uow(), cycle_id=self.cycle_id, rows=rows, at=AT, by="UKR")
        self.run(requirements.SubmitCycle(cycle="c"))
        self.run(requirements.EndorseCycle(cycle="c"))

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def money(self, contributor: str, usd: int, earmark: Earmark | None = None) -> str:
        """USD `usd` pledged on 1 September and received on 10 September; its ref."""
        pledge = contributions.Pledge(
            contributor=contributor, amount=Money(usd * 100, USD), pledged_on=date(2025, 9, 1),
            **({} if earmark is None else {"earmark": earmark}),
        )  # fmt: skip
        made = self.run(pledge)
        self.run(contributions.Receive(contribution_id=made.id, on=date(2025, 9, 10)))
        return str(made.ref)

    def reasons(self) -> dict[str, LineReason]:
        proposal = allocations.propose(
            self.uow(), cycle_id=self.cycle_id, on=ON, target=Money(10**9, USD)
        )
        return {reason.line: reason for reason in proposal.reasons}


@pytest.fixture
def world() -> World:
    return World()


def usd(amount: int) -> Money:
    return Money(amount * 100, USD)


def contribution_id(ref: str) -> ContributionId:
    return ContributionId(int(ref.removeprefix("C-")))


def test_money_a_policy_forbids_is_named_with_its_phase_and_observation(world: World) -> None:
    korea = world.money("KOR", 100_000)
    found = world.reasons()
    assert list(found) == ["L-2"]
    shells = found["L-2"]
    assert (shells.cause, shells.engine_reason) == ("money_not_allowed", "no_eligible_money")
    assert (shells.funded_lots, shells.lots, shells.short) == (0, 5, usd(50_000))
    [held] = shells.held_back
    assert (held.contributor, held.name, held.left, held.contributions) == (
        "KOR", "Republic of Korea", usd(50_000), (korea,),
    )  # fmt: skip
    assert (held.rule, held.phase, held.policy_version) == ("policy.aid_classes", "baseline", 1)
    assert held.observations == (world.troops,)
    assert shells.message.startswith(
        "USD 50,000.00 is left that may not pay lethal/artillery lines: 0 of 5 lot(s) funded, "
        "USD 50,000.00 short. Republic of Korea (KOR), USD 50,000.00 left in C-00001: "
        "lethal is not allowed (allowed: humanitarian, nonlethal); KOR policy v1: "
        "phase 'baseline' is in force on 2025-12-01 (the default)"
    )
    assert "dprk_troops_in_theatre = 14000 on 2025-04-15" in shells.message
    assert "minor units" not in shells.message


def test_money_left_is_summed_per_contributor_and_rule_largest_first(world: World) -> None:
    first, second = world.money("KOR", 30_000), world.money("KOR", 40_000)
    dutch = world.money("NLD", 30_000, make_earmark(areas=["logistics"]))
    # The kits (USD 50,000) are paid by both in proportion: USD 35,000 and 15,000.
    [korea, netherlands] = world.reasons()["L-2"].held_back
    assert (korea.contributor, korea.left, korea.contributions) == (
        "KOR", usd(35_000), (first, second),
    )  # fmt: skip
    assert (netherlands.contributor, netherlands.rule, netherlands.left) == (
        "NLD", "earmark.areas", usd(15_000),
    )  # fmt: skip
    assert netherlands.contributions == (dutch,)
    assert netherlands.message == "the contribution is earmarked for areas logistics"
    assert netherlands.phase is None and netherlands.observations == ()


def test_an_expired_earmark_keeps_the_money_out_and_says_when(world: World) -> None:
    world.money("NLD", 20_000, make_earmark(expires_on=date(2025, 11, 30)))
    found = world.reasons()
    for ref in ("L-1", "L-2"):
        [held] = found[ref].held_back
        assert (held.rule, held.left) == ("earmark.expired", usd(20_000))
        assert held.message == "its earmark expired on 2025-11-30"
        assert found[ref].cause == "money_not_allowed"


def test_money_received_after_the_allocation_date_is_named_with_its_receipt(
    world: World,
) -> None:
    world.money("NLD", 20_000)  # received on 10 September
    proposal = allocations.propose(
        world.uow(), cycle_id=world.cycle_id, on=date(2025, 9, 5), target=usd(10_000_000)
    )
    [held] = proposal.reasons[0].held_back
    assert (held.rule, held.left, held.message) == (
        "not_received", usd(20_000), "received on 2025-09-10, after the allocation date",
    )  # fmt: skip


def test_money_earmarked_to_a_package_is_named_with_it(world: World) -> None:
    other = world.money("NLD", 10_000)  # pays P-0001, drafted by hand: one kit
    kit = RequirementLineId(1)
    draft = packages.Draft(
        cycle_id=world.cycle_id, name="P", package_target=usd(1_000_000), lots=((kit, 1),),
        attributions=(Attribution(contribution_id(other), kit, LOT),), on=ON,
    )  # fmt: skip
    package = world.run(draft)
    world.money("NLD", 50_000, make_earmark(package_id=package.id))
    [held] = world.reasons()["L-2"].held_back
    assert (held.rule, held.left, held.message) == (
        "earmark.package", usd(50_000), "earmarked to package P-0001; it pays no other",
    )  # fmt: skip


def test_a_cap_per_cycle_is_named_where_it_keeps_allowed_money_back() -> None:
    world = World(policy=CAPPED)
    korea = world.money("KOR", 100_000)
    found = world.reasons()
    [kits] = found["L-1"].held_back  # may pay kits, but only USD 20,000 a cycle
    assert (found["L-1"].funded_lots, kits.rule, kits.left) == (2, "cap.per_cycle", usd(80_000))
    assert kits.message.startswith(
        "its cap of USD 20,000.00 per cycle is reached (USD 0.00 of it attributed in this "
        "cycle already); KOR policy v1: phase 'capped'"
    )
    [shells] = found["L-2"].held_back  # may not pay shells at all: the policy, not the cap
    assert (shells.rule, shells.left, shells.contributions) == (
        "policy.aid_classes", usd(80_000), (korea,),
    )  # fmt: skip


def test_a_line_short_only_because_the_money_is_spent_says_exhausted(world: World) -> None:
    world.money("NLD", 30_000)
    found = world.reasons()
    kits = found["L-1"]
    assert (kits.cause, kits.engine_reason, kits.held_back) == (
        "money_exhausted", "eligible_money_exhausted", (),
    )  # fmt: skip
    assert kits.message == (
        "Money eligible for nonlethal/logistics is exhausted: 3 of 5 lot(s) funded, "
        "USD 20,000.00 short."
    )


def test_money_left_that_cannot_buy_one_lot_is_not_the_cause(world: World) -> None:
    world.money("KOR", 59_999)  # pays the kits, and USD 9,999 is left: less than a shell
    shells = world.reasons()["L-2"]
    assert (shells.cause, shells.held_back) == ("money_exhausted", ())
    assert shells.message.startswith("No contribution may pay for lethal/artillery lines")


def test_a_whatif_explains_under_its_own_assumptions(world: World) -> None:
    world.money("KOR", 100_000)
    scenario = whatif.Scenario(
        phases=(("KOR", "defensive"),), pledges=(whatif.Pledge("KOR", usd(20_000)),)
    )
    answer = whatif.whatif(
        world.uow(), UsdOnlyRates(), cycle_id=world.cycle_id, on=ON, scenario=scenario, at=AT
    )
    [held] = {r.line: r for r in answer.reasons}["L-2"].held_back
    assert (held.phase, held.left, held.contributions) == (
        "defensive", usd(70_000), ("C-00001", "C-00002"),
    )  # fmt: skip
    assert "(assumed for this what-if)" in held.message
    assert held.observations == ()  # a phase set by hand rests on no observation


# -- the engine's own reasons pass through ------------------------------------------------------


@dataclass(frozen=True)
class Weighed:
    problem: AllocationProblem
    on: date = ON
    contributions: dict[str, Contribution] = field(default_factory=dict)
    pooled: dict[str, int] = field(default_factory=dict)
    set_aside: tuple[SetAside, ...] = ()


@pytest.mark.parametrize(
    ("engine", "cause"),
    [
        ("capacity_reached", "capacity"),
        ("cap_reached", "package_target"),
        ("a_reason_added_later", "a_reason_added_later"),
    ],
)
def test_a_limit_of_the_engine_is_its_cause_in_its_own_words(
    world: World, engine: str, cause: str
) -> None:
    line = Line(LineId("L-9"), 1, AidClass.LETHAL, "artillery", 100, 4)
    blocked = Blocked(cast(BlockReason, engine), 300, (LineId("L-8"),), "The engine says so.")
    result = AllocationResult(
        currency="USD", lines=(LineAllocation(line.id, 1, 100, (), blocked),), funds=()
    )
    weighed = Weighed(AllocationProblem(currency="USD", lines=(line,), funds=()))
    [reason] = reasons.explain(world.uow(), weighed=weighed, result=result)
    assert (reason.cause, reason.engine_reason, reason.message) == (
        cause, engine, "The engine says so.",
    )  # fmt: skip
    assert (reason.short, reason.competing_lines, reason.held_back) == (
        Money(300, USD), ("L-8",), (),
    )  # fmt: skip


def test_a_fully_funded_allocation_has_no_reasons(world: World) -> None:
    world.money("NLD", 100_000)
    assert world.reasons() == {}
