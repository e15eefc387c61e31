"""A top-up places additional money last, as an allocation does: a contributor whose policy says
`additional = true` pays only the shortfall the others' money cannot. Over the in-memory unit
of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from builders import make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain import ledger
from purldesk.domain.access import operator
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.participants import ParticipantKind
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services import catalog, contributions, packages, participants, policies, requirements
from purldesk.services.handle import Command, Context, handle
from purldesk.services.requirements import LineRow

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ON = date(2025, 12, 1)
LOT = Money(1_000_000, USD)  # USD 10,000 a kit
KIT = make_item(code="KIT-1", area="logistics", aid_class=AidClass.NONLETHAL, unit_price=LOT)


def korean_policy(*, additional: bool) -> str:
    return f"""format = "purldesk.policy/1"
contributor = "KOR"
title = "Non-lethal only"
valid_from = 2024-11-07
additional = {"true" if additional else "false"}

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
"""


class World:
    """One kit line; a package of one kit paid by NLD, then re-priced to twice the price, so
    one lot's price is missing; KOR (non-lethal only) and NLD each have money in the pool."""

    def __init__(self, *, additional: bool, nld_pool_minor: int) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        participants.add_many(self.uow(), participants=[
            make_participant(code="KOR"), make_participant(code="NLD"),
            make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
        ])  # fmt: skip
        catalog.import_items(self.uow(), items=[KIT])
        cycle_id = CycleId(requirements.open_cycle(self.uow(), name="c", opens_on=ON).id)
        rows = [LineRow(1, "L-1", 1, "KIT-1", 5, date(2026, 3, 1), "kits")]
        requirements.import_lines(self.uow(), cycle_id=cycle_id, rows=rows, at=AT, by="UKR")
        self.run(policies.SetPolicy(contributor="KOR", text=korean_policy(additional=additional)))
        paid_by = self.money("NLD", LOT.minor)
        draft = packages.Draft(
            cycle_id=cycle_id, name="P", package_target=Money(10**8, USD),
            lots=((LineId(1), 1),), attributions=(Attribution(paid_by, LineId(1), LOT),), on=ON,
        )  # fmt: skip
        self.package_id = PackageId(self.run(draft).id)
        self.run(packages.Propose(package_id=self.package_id))
        self.run(packages.Validate(package_id=self.package_id))
        prices = ((LineId(1), Money(2 * LOT.minor, USD)),)
        self.run(packages.Accept(package_id=self.package_id, prices=prices, on=ON))
        self.korea = self.money("KOR", 2 * LOT.minor)
        self.netherlands = self.money("NLD", nld_pool_minor)

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def money(self, contributor: str, minor: int) -> ContributionId:
        pledge = contributions.Pledge(
            contributor=contributor, amount=Money(minor, USD), pledged_on=date(2025, 9, 1)
        )
        made = self.run(pledge)
        self.run(contributions.Receive(contribution_id=made.id, on=date(2025, 9, 10)))
        return ContributionId(made.id)

    def top_up(self) -> dict[ContributionId, int]:
        """Top the package up; what each contribution pays of the shortfall."""
        before = self.pools()
        self.run(packages.TopUp(package_id=self.package_id, on=ON))
        after = self.pools()
        return {cid: before[cid] - after[cid] for cid in before if before[cid] != after[cid]}

    def pools(self) -> dict[ContributionId, int]:
        with self.uow() as uow:
            ids = (self.korea, self.netherlands)
            balances = uow.ledger.balances_of(ledger.pool(cid) for cid in ids)
            return {cid: ledger.balance(balances, ledger.pool(cid)).minor for cid in ids}


@pytest.mark.parametrize("nld_pool_minor", [LOT.minor, 3 * LOT.minor])
def test_additional_money_leaves_the_shortfall_to_the_others_when_they_can_pay_it(
    nld_pool_minor: int,
) -> None:
    world = World(additional=True, nld_pool_minor=nld_pool_minor)
    assert world.top_up() == {world.netherlands: LOT.minor}


def test_without_additional_the_restricted_money_is_spent_where_it_can_go() -> None:
    """The contrast the flag makes: the engine alone spends some of KOR's money on the kit."""
    world = World(additional=False, nld_pool_minor=LOT.minor)
    paid = world.top_up()
    assert sum(paid.values()) == LOT.minor
    assert paid.get(world.korea, 0) > 0


def test_additional_money_pays_the_shortfall_the_others_cannot() -> None:
    world = World(additional=True, nld_pool_minor=LOT.minor // 2)
    assert world.top_up() == {world.korea: LOT.minor}
