"""Checkpoints are writes through the handler: taken on demand, after every write that changes a
package's state and on the first write of a day, each recorded in that write's audit entry,
signed over both trees' heads as they stood before it; a failed write keeps none. Over the
in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from builders import make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.adapters.signing import SigningKey, generate
from purldesk.domain import checkpoints, merkle
from purldesk.domain.access import operator
from purldesk.domain.checkpoints import Tree
from purldesk.domain.errors import Conflict, TreeOutOfStep
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services import catalog, contributions, ledger, packages, participants, requirements
from purldesk.services.handle import Command, Context, handle
from purldesk.services.requirements import LineRow

AT = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
ON = date(2025, 12, 1)
LOT = Money(1_000_000, USD)
KEY = SigningKey(generate())


class World:
    """NLD's received USD 100,000 and a one-line cycle; every write through the handler."""

    def __init__(self, *, signer: SigningKey | None = KEY) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        self.signer, self.at = signer, AT
        participants.add_many(self.uow(), participants=[make_participant(code="NLD")])
        catalog.import_items(self.uow(), items=[make_item(code="KIT-1", unit_price=LOT)])
        self.cycle = CycleId(requirements.open_cycle(self.uow(), name="c", opens_on=ON).id)
        rows = [LineRow(1, "L-1", 1, "KIT-1", 5, date(2026, 3, 1), "kits")]
        requirements.import_lines(self.uow(), cycle_id=self.cycle, rows=rows, at=AT, by="UKR")

    def run(self, command: Command[Any]) -> Any:
        context = Context(
            actor=operator("test"), at=self.at, request_id="r", fx=UsdOnlyRates(),
            signer=self.signer,
        )  # fmt: skip
        return handle(self.uow(), command, context=context).value

    def money(self) -> int:
        pledge = contributions.Pledge(
            contributor="NLD", amount=Money(10_000_000, USD), pledged_on=ON
        )
        made = self.run(pledge)
        self.run(contributions.Receive(contribution_id=made.id, on=ON))
        return int(made.id)

    def draft(self, payer: int) -> PackageId:
        part = Attribution(payer, LineId(1), Money(2 * LOT.minor, USD))
        draft = packages.Draft(
            cycle_id=self.cycle, name="P", package_target=Money(10**8, USD),
            lots=((LineId(1), 2),), attributions=(part,), on=ON,
        )  # fmt: skip
        return PackageId(self.run(draft).id)

    def stored(self) -> list[checkpoints.Checkpoint]:
        with self.uow() as uow:
            return uow.checkpoints.list()

    def audit(self) -> list[Any]:
        with self.uow() as uow:
            return uow.audit.entries()


def test_the_first_write_takes_a_checkpoint_and_later_ones_that_day_do_not() -> None:
    world = World()
    world.money()
    (first,) = world.stored()
    assert (first.seq, first.ledger.size, first.audit.size) == (1, 1, 0)
    assert world.audit()[0].changes.count('"checkpoint":{"ref":"CP-1"') == 1
    world.at = AT + timedelta(hours=23)
    world.money()
    assert len(world.stored()) == 1
    world.at = AT + timedelta(days=1)
    world.money()
    assert [c.ledger.size for c in world.stored()] == [1, 5]


def test_each_package_state_change_takes_one_covering_its_own_money() -> None:
    world = World()
    payer = world.money()
    package = world.draft(payer)
    world.run(packages.Propose(package_id=package))
    world.run(packages.Validate(package_id=package))
    taken = world.stored()
    assert [c.seq for c in taken] == [1, 2, 3, 4]
    with world.uow() as uow:
        ledger_size, audit_size = len(uow.ledger.entries()), len(uow.audit.entries())
    drafted = taken[1]
    assert drafted.ledger.size == ledger_size  # the draft's allocation entry is covered
    assert [c.audit.size for c in taken[1:]] == [audit_size - 3, audit_size - 2, audit_size - 1]
    actions = [e.action for e in world.audit() if '"checkpoint":' in e.changes]
    assert actions == [
        "contributions.pledge", "packages.create", "packages.propose", "packages.validate",
    ]  # fmt: skip


def test_a_checkpoint_signs_both_trees_heads_with_the_key() -> None:
    world = World()
    world.money()
    taken = world.run(ledger.TakeCheckpoint())
    with world.uow() as uow:
        leaves = [checkpoints.leaf(e.hash) for e in uow.ledger.entries()]
        audit_leaves = [checkpoints.leaf(e.hash) for e in uow.audit.entries()]
    assert taken.ledger == checkpoints.TreeHead(2, merkle.root_of(leaves))
    assert taken.audit == checkpoints.TreeHead(2, merkle.root_of(audit_leaves[:2]))
    assert taken.is_signed_with(KEY.key_id, KEY.verify)
    other = SigningKey(generate())
    assert not taken.is_signed_with(other.key_id, other.verify)
    assert world.audit()[-1].action == "ledger.checkpoint"
    assert world.audit()[-1].target == taken.ref == "CP-2"


def test_without_a_key_no_checkpoint_is_taken_and_none_can_be_asked_for() -> None:
    world = World(signer=None)
    world.money()
    assert world.stored() == []
    with pytest.raises(Conflict, match="no signing key"):
        world.run(ledger.TakeCheckpoint())


def test_a_write_whose_checkpoint_cannot_be_signed_writes_nothing() -> None:
    world = World()
    world.money()
    with world.uow() as uow:
        uow.tables.ledger.pop()  # an entry deleted behind the ledger's back
        uow.commit()
    before = world.audit()
    with pytest.raises(TreeOutOfStep, match="1 entries but its Merkle tree 2"):
        world.run(ledger.TakeCheckpoint())
    assert world.audit() == before
    assert len(world.stored()) == 1


def test_the_audit_tree_is_signed_as_it_stood_before_the_write() -> None:
    world = World()
    world.money()
    world.run(ledger.TakeCheckpoint())
    latest = world.stored()[-1]
    with world.uow() as uow:
        assert uow.trees.frontier(Tree.AUDIT).size == latest.audit.size + 1


def test_every_command_that_changes_a_package_signs_a_checkpoint_after_it() -> None:
    from command_world import all_commands

    commands = all_commands()
    package_actions = {
        cls.action for cls in commands.values() if cls.action.startswith("packages.")
    }
    signing = {cls.action for cls in commands.values() if cls.checkpoint_after}
    changing = package_actions | {"allocations.commit", "deliveries.ship", "deliveries.confirm"}
    assert signing == changing
    assert {"packages.accept", "packages.close", "packages.cancel"} <= signing
