"""The supplier's units per cycle bound the allocation, both passes of additional money,
packages drawn by hand, and never a top-up (which adds money, not units)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from builders import make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.allocation import AidClass, AllocationProblem, Fund, Line
from purldesk.allocation.problem import FundId, LineId
from purldesk.domain.access import operator
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import Conflict
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId, PackageStatus
from purldesk.domain.participants import ParticipantKind
from purldesk.domain.requirements import CycleId
from purldesk.domain.requirements import LineId as RequirementLineId
from purldesk.services import (
    additionality,
    allocations,
    catalog,
    contributions,
    packages,
    participants,
    requirements,
)
from purldesk.services.handle import Command, Context, handle
from purldesk.services.requirements import LineRow

# -- the two passes of additional money, on the engine's problem -----------------------------

BLANKETS = Line(LineId("L1"), 1, AidClass.HUMANITARIAN, "winter", 100, 10, "BLANKET", 2)
MORE_BLANKETS = Line(LineId("L2"), 2, AidClass.HUMANITARIAN, "winter", 100, 10, "BLANKET", 2)
ANYTHING = Fund(FundId("C-1"), "DEU", 600)
HUMANITARIAN_ONLY = Fund(
    FundId("C-2"), "KOR", 1_500, aid_classes=frozenset({AidClass.HUMANITARIAN})
)
TWO_PASSES = AllocationProblem(
    currency="USD", lines=(BLANKETS, MORE_BLANKETS), funds=(ANYTHING, HUMANITARIAN_ONLY),
    exponent=2, units_available={"BLANKET": 24},
)  # fmt: skip


def test_additional_money_sees_only_the_units_the_first_pass_left() -> None:
    # First pass: DEU's 600 buys 6 lots of L1 (12 units). Second: KOR's money buys L1's last
    # 4 lots (8 units) and then only 2 lots of L2: 24 units in all, never more.
    result = additionality.solve(TWO_PASSES, additional={"KOR"})
    assert [(x.id, x.funded_lots) for x in result.lines] == [("L1", 10), ("L2", 2)]
    blocked = result.lines[1].blocked_by
    assert blocked is not None
    assert blocked.reason == "capacity_reached"
    assert blocked.competing_lines == ("L1",)
    assert blocked.message == (
        "Supplier capacity for BLANKET is reached: 24 unit(s) available this cycle (lots of 2), "
        "20 taken by higher-ranked L1; 2 of 10 lot(s) funded, USD 8.00 short."
    )


def test_units_the_first_pass_gave_lower_ranked_lines_are_named() -> None:
    # DEU cannot afford a lot of the dear L1, so the first pass gives L2 the units first.
    dear = Line(LineId("L1"), 1, AidClass.HUMANITARIAN, "winter", 300, 5, "BLANKET", 1)
    cheap = Line(LineId("L2"), 2, AidClass.HUMANITARIAN, "winter", 100, 5, "BLANKET", 1)
    problem = AllocationProblem(
        currency="USD", lines=(dear, cheap), exponent=2, units_available={"BLANKET": 4},
        funds=(Fund(FundId("C-1"), "DEU", 250), HUMANITARIAN_ONLY),
    )  # fmt: skip
    result = additionality.solve(problem, additional={"KOR"})
    assert [x.funded_lots for x in result.lines] == [2, 2]
    blocked = result.lines[0].blocked_by
    assert blocked is not None and blocked.reason == "capacity_reached"
    assert blocked.message == (
        "Supplier capacity for BLANKET is reached: 4 unit(s) available this cycle (lots of 1), "
        "2 taken by lower-ranked lines paid before additional money; "
        "2 of 5 lot(s) funded, USD 9.00 short."
    )


# -- the cycle's packages, over the in-memory unit of work -----------------------------------

AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)
ON = date(2025, 12, 1)
UNIT = Money(100_000, USD)  # USD 1,000 a unit; a lot is 4 units, 24 units a cycle
PAC = make_item(code="PAC-3", unit_price=UNIT, lot_size=4, available_per_cycle=24)
LOT = PAC.lot_price.minor


class World:
    """NLD's USD 1M, received; an endorsed cycle asking for L-1: 5 lots and L-2: 3 lots of the
    item PAC-3, of which the supplier has 24 units a cycle (6 lots)."""

    def __init__(self) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        participants.add_many(self.uow(), participants=[
            make_participant(code="NLD"),
            make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
        ])  # fmt: skip
        catalog.import_items(self.uow(), items=[PAC])
        cycle = requirements.open_cycle(self.uow(), name="c", opens_on=date(2025, 9, 1))
        self.cycle_id = CycleId(cycle.id)
        rows = [
            LineRow(1, "L-1", 1, "PAC-3", 20, date(2026, 3, 1), "interceptors"),
            LineRow(2, "L-2", 2, "PAC-3", 12, date(2026, 3, 1), "more interceptors"),
        ]
        requirements.import_lines(self.uow(), cycle_id=self.cycle_id, rows=rows, at=AT, by="UKR")
        self.run(requirements.SubmitCycle(cycle="c"))
        self.run(requirements.EndorseCycle(cycle="c"))
        pledge = contributions.Pledge(
            contributor="NLD", amount=Money(100_000_000, USD), pledged_on=date(2025, 9, 1)
        )
        self.money = ContributionId(self.run(pledge).id)
        self.run(contributions.Receive(contribution_id=self.money, on=date(2025, 9, 10)))

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def draft(self, *lots: tuple[int, int]) -> packages.Draft:
        """A package of (line, lots) pairs, paid by NLD."""
        parts = tuple(
            Attribution(self.money, RequirementLineId(line), Money(count * LOT, USD))
            for line, count in lots
        )
        return packages.Draft(
            cycle_id=self.cycle_id, name="P", package_target=Money(10**9, USD),
            lots=tuple((RequirementLineId(line), count) for line, count in lots),
            attributions=parts, on=ON,
        )  # fmt: skip

    def held(self) -> tuple[int, int]:
        with self.uow() as uow:
            return len(uow.ledger.entries()), len(uow.packages.list())

    def propose(self) -> allocations.Proposal:
        return allocations.propose(
            self.uow(), cycle_id=self.cycle_id, on=ON, target=Money(10**9, USD)
        )


@pytest.fixture
def world() -> World:
    return World()


def test_a_package_drawn_by_hand_may_not_take_more_units_than_are_left(world: World) -> None:
    world.run(world.draft((1, 5)))  # 20 of the 24 units
    before = world.held()
    with pytest.raises(Conflict) as raised:
        world.run(world.draft((2, 2)))
    assert str(raised.value) == (
        "PAC-3: the package asks for 8 unit(s), but only 4 of the 24 the supplier makes "
        "available per cycle are left in cycle c"
    )
    assert world.held() == before
    assert world.run(world.draft((2, 1))).status is PackageStatus.DRAFT


def test_one_package_may_not_exceed_the_units_either(world: World) -> None:
    with pytest.raises(Conflict, match="asks for 32 unit"):
        world.run(world.draft((1, 5), (2, 3)))


def test_a_cancelled_package_gives_its_units_back(world: World) -> None:
    first = world.run(world.draft((1, 5)))
    world.run(packages.Cancel(package_id=first.id, on=ON))
    assert world.run(world.draft((1, 3), (2, 3))).status is PackageStatus.DRAFT


def test_the_allocation_sees_only_the_units_earlier_packages_left(world: World) -> None:
    world.run(world.draft((1, 2)))  # 8 units
    proposal = world.propose()
    problem = proposal.inputs.problem
    assert problem.units_available == {"PAC-3": 16}
    assert {(x.id, x.item, x.units_per_lot, x.lots) for x in problem.lines} == {
        ("L-1", "PAC-3", 4, 3),
        ("L-2", "PAC-3", 4, 3),
    }
    assert [x.funded_lots for x in proposal.result.lines] == [3, 1]
    blocked = proposal.result.lines[1].blocked_by
    assert blocked is not None and blocked.reason == "capacity_reached"
    assert blocked.message.startswith(
        "Supplier capacity for PAC-3 is reached: 16 unit(s) available this cycle (lots of 4), "
        "12 taken by higher-ranked L-1; 1 of 3 lot(s) funded"
    )


def test_a_committed_allocation_leaves_no_units_for_the_next(world: World) -> None:
    world.run(allocations.Commit(cycle_id=world.cycle_id, package_target=Money(10**9, USD)))
    again = world.propose()
    assert again.inputs.problem.units_available == {"PAC-3": 0}
    assert again.packages == ()
    (short,) = again.result.lines
    assert short.blocked_by is not None
    assert short.blocked_by.message.startswith(
        "Supplier capacity for PAC-3 is reached: 0 unit(s) available this cycle"
    )


def test_a_top_up_of_a_package_at_capacity_adds_money_not_units(world: World) -> None:
    package = world.run(world.draft((1, 5), (2, 1)))  # all 24 units
    package_id = PackageId(package.id)
    world.run(packages.Propose(package_id=package_id))
    world.run(packages.Validate(package_id=package_id))
    dearer = Money(LOT + 100_000, USD)
    repriced = world.run(
        packages.Accept(package_id=package_id, prices=((RequirementLineId(1), dearer),), on=ON)
    )
    assert repriced.status is PackageStatus.VALIDATED
    topped = world.run(packages.TopUp(package_id=package_id, on=ON))
    assert topped.status is PackageStatus.FUNDED
