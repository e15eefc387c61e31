"""A package drafted by hand obeys the rules the allocator obeys: each payer's policy and
earmark (aid class, area), an earmark for another package, and the phase's cap per package.
Over the in-memory unit of work; a refused draft writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from builders import make_earmark, make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionId, Earmark
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.participants import ParticipantKind
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    packages,
    participants,
    policies,
    requirements,
)
from purldesk.services.handle import Command, Context, handle
from purldesk.services.requirements import LineRow

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ON = date(2025, 12, 1)
LOT = Money(1_000_000, USD)  # USD 10,000 a lot of one
KIT = make_item(code="KIT-1", area="logistics", aid_class=AidClass.NONLETHAL, unit_price=LOT)
SHELL = make_item(code="SHELL-1", area="artillery", aid_class=AidClass.LETHAL, unit_price=LOT)
POLICY = """format = "purldesk.policy/1"
contributor = "KOR"
title = "Non-lethal only, at most USD 20,000 a package"
valid_from = 2024-11-07

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
cap_per_package = "USD 20,000"
"""


class World:
    """KOR (non-lethal only, capped) and NLD (no policy); L-1 a kit, L-2 a shell, 5 lots each."""

    def __init__(self) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        participants.add_many(self.uow(), participants=[
            make_participant(code="KOR"), make_participant(code="NLD"),
            make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
        ])  # fmt: skip
        catalog.import_items(self.uow(), items=[KIT, SHELL])
        self.cycle_id = CycleId(requirements.open_cycle(self.uow(), name="c", opens_on=ON).id)
        rows = [
            LineRow(1, "L-1", 1, "KIT-1", 5, date(2026, 3, 1), "kits"),
            LineRow(2, "L-2", 2, "SHELL-1", 5, date(2026, 3, 1), "shells"),
        ]
        requirements.import_lines(self.uow(), cycle_id=self.cycle_id, rows=rows, at=AT, by="UKR")
        self.run(policies.SetPolicy(contributor="KOR", text=POLICY))

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def money(
        self, contributor: str, earmark: Earmark | None = None, *, minor: int = 10_000_000
    ) -> ContributionId:
        pledge = contributions.Pledge(
            contributor=contributor, amount=Money(minor, USD), pledged_on=date(2025, 9, 1),
            **({} if earmark is None else {"earmark": earmark}),
        )  # fmt: skip
        made = self.run(pledge)
        self.run(contributions.Receive(contribution_id=made.id, on=date(2025, 9, 10)))
        return ContributionId(made.id)

    def draft(self, line: int, lots: int, *payers: ContributionId) -> packages.Draft:
        """A draft of `lots` of line `line`, its cost split evenly among `payers`."""
        share = LOT.minor * lots // len(payers)
        parts = tuple(Attribution(p, LineId(line), Money(share, USD)) for p in payers)
        return packages.Draft(
            cycle_id=self.cycle_id, name="P", package_target=Money(10**8, USD),
            lots=((LineId(line), lots),), attributions=parts, on=ON,
        )  # fmt: skip

    def refused(self, command: Command[Any]) -> str:
        with self.uow() as uow:
            before = len(uow.ledger.entries()), len(uow.packages.list())
        with pytest.raises(InvalidInput) as raised:
            self.run(command)
        with self.uow() as uow:
            assert (len(uow.ledger.entries()), len(uow.packages.list())) == before
        return str(raised.value)


@pytest.fixture
def world() -> World:
    return World()


def test_money_under_a_non_lethal_policy_pays_no_lethal_line(world: World) -> None:
    korea = world.money("KOR")
    message = world.refused(world.draft(2, 1, korea))
    assert message.startswith("attributions: C-00001 may not pay L-2: lethal is not allowed")
    assert world.run(world.draft(1, 1, korea)).attributions[0].contribution_id == korea


def test_money_without_a_policy_pays_any_line(world: World) -> None:
    assert world.run(world.draft(2, 1, world.money("NLD"))).status == "draft"


def test_an_earmark_for_an_area_is_kept(world: World) -> None:
    earmarked = world.money("NLD", make_earmark(areas=["artillery"]))
    message = world.refused(world.draft(1, 1, earmarked))
    assert message == (
        "attributions: C-00001 may not pay L-1: the contribution is earmarked for areas artillery"
    )


def test_money_earmarked_for_one_package_pays_no_other(world: World) -> None:
    first = world.run(world.draft(1, 1, world.money("NLD"))).id
    earmarked = world.money("NLD", make_earmark(package_id=first))
    message = world.refused(world.draft(1, 1, earmarked))
    assert message == "attributions: C-00002 is earmarked for P-0001; it pays no other package"


def reprice(world: World, package_id: PackageId) -> None:
    """Propose, validate and accept the package at twice the lot price of L-1: short a lot."""
    world.run(packages.Propose(package_id=package_id))
    world.run(packages.Validate(package_id=package_id))
    prices = ((LineId(1), Money(2 * LOT.minor, USD)),)
    world.run(packages.Accept(package_id=package_id, prices=prices, on=ON))


def test_money_earmarked_for_a_package_pays_that_package_only(world: World) -> None:
    first = world.run(world.draft(1, 1, world.money("NLD", minor=LOT.minor))).id
    earmarked = world.money("NLD", make_earmark(package_id=first), minor=LOT.minor)
    other = world.run(world.draft(1, 1, world.money("NLD", minor=LOT.minor))).id
    with world.uow() as uow:
        inputs = allocations.build_inputs(uow, cycle_id=world.cycle_id, on=ON)
    assert "C-00002" not in {fund.id for fund in inputs.problem.funds}
    assert world.refused(world.draft(1, 1, earmarked)).startswith("attributions: C-00002 is")
    reprice(world, other)
    with pytest.raises(Conflict):
        world.run(packages.TopUp(package_id=other, on=ON))
    reprice(world, first)
    topped = world.run(packages.TopUp(package_id=first, on=ON))
    assert Attribution(earmarked, LineId(1), LOT) in topped.attributions


def test_the_phase_cap_per_package_is_kept(world: World) -> None:
    korea = world.money("KOR")
    assert world.run(world.draft(1, 2, korea)).cost == Money(2_000_000, USD)  # at the cap
    message = world.refused(world.draft(1, 3, korea))
    assert message.startswith(
        "attributions: KOR would pay USD 30,000.00 of P-0002, over its cap of USD 20,000.00 per "
        "package; "
    )
