"""The Merkle trees grow with the ledger and the audit log in the same transaction, give the
nodes a proof names, refuse to grow out of step with their log, and checkpoints are kept in
order; on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from builders import allocation_tx, pledge_tx, receipt_tx
from fakes import FakeUnitOfWork
from purldesk.adapters.storage.tables import LedgerEntryRow, LedgerPostingRow
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import checkpoints, ledger, merkle
from purldesk.domain.access import operator
from purldesk.domain.audit import AuditEvent
from purldesk.domain.checkpoints import Checkpoint, Tree, TreeHead
from purldesk.domain.errors import NotFound, TreeOutOfStep
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 20, 14, 5, 9, 654321, tzinfo=UTC)


def another_pledge(contribution_id: int) -> ledger.LedgerTransaction:
    return ledger.transfer(
        TransactionKind.PLEDGE, source=ledger.pledged(contribution_id),
        destination=ledger.receivable(contribution_id), amount=Money(1_000, USD),
        occurred_on=date(2025, 10, 1), contribution_id=contribution_id,
    )  # fmt: skip


def grow(uow_factory: UowFactory, batches: list[int]) -> list[ledger.LedgerEntry]:
    """Append batches of pledges (of contributions 1, 2, 1, 2, ...), one transaction each."""
    for number, size in enumerate(batches):
        with uow_factory() as uow:
            uow.ledger.append(
                [another_pledge(1 + (number + i) % 2) for i in range(size)],
                recorded_at=AT + timedelta(seconds=number),
            )
            uow.commit()
    with uow_factory() as uow:
        return uow.ledger.entries()


def test_the_ledger_tree_is_the_tree_of_its_entries_and_gives_each_proof(
    uow_factory: UowFactory,
) -> None:
    entries = grow(uow_factory, [1, 4, 2, 6])
    leaves = [checkpoints.leaf(e.hash) for e in entries]
    with uow_factory() as uow:
        frontier = uow.trees.frontier(Tree.LEDGER)
        assert (frontier.size, frontier.root) == (13, merkle.root_of(leaves))
        for index in range(13):
            needed = merkle.inclusion_nodes(index, 13)
            stored = uow.trees.nodes(Tree.LEDGER, needed)
            assert stored.keys() == needed
            proof = merkle.inclusion_proof(index, 13, stored.__getitem__)
            leaf = merkle.leaf_hash(leaves[index])
            assert merkle.verify_inclusion(index, 13, leaf, proof, frontier.root)
        old = merkle.root_of(leaves[:5])
        stored = uow.trees.nodes(Tree.LEDGER, merkle.consistency_nodes(5, 13))
        proof = merkle.consistency_proof(5, 13, stored.__getitem__)
        assert merkle.verify_consistency(5, 13, old, frontier.root, proof)
        assert uow.trees.nodes(Tree.AUDIT, needed) == {}


def test_a_rolled_back_append_leaves_the_tree_as_it_was(uow_factory: UowFactory) -> None:
    grow(uow_factory, [3])
    with uow_factory() as uow:
        before = uow.trees.frontier(Tree.LEDGER)
        uow.ledger.append([another_pledge(3)], recorded_at=AT)
        assert uow.trees.frontier(Tree.LEDGER).size == 4
    with uow_factory() as uow:
        assert uow.trees.frontier(Tree.LEDGER) == before
        assert uow.trees.nodes(Tree.LEDGER, {(0, 3)}) == {}


def test_the_audit_tree_grows_with_the_audit_log(uow_factory: UowFactory) -> None:
    for request in ("r1", "r2", "r3"):
        with uow_factory() as uow:
            event = AuditEvent("test.write", "T-1", {"n": request}, request, operator("ops"))
            uow.audit.append(event, at=AT)
            uow.commit()
    with uow_factory() as uow:
        leaves = [checkpoints.leaf(e.hash) for e in uow.audit.entries()]
        frontier = uow.trees.frontier(Tree.AUDIT)
        assert (frontier.size, frontier.root) == (3, merkle.root_of(leaves))
        assert uow.trees.frontier(Tree.LEDGER) == merkle.Frontier()


def remove_last_entry(uow: UnitOfWork) -> None:
    """Delete the ledger's last entry and its postings behind the adapter's back."""
    if isinstance(uow, SqlUnitOfWork):
        last = uow.ledger.entries()[-1].seq
        uow.session.execute(delete(LedgerPostingRow).where(LedgerPostingRow.entry_seq == last))
        uow.session.execute(delete(LedgerEntryRow).where(LedgerEntryRow.seq == last))
        return
    assert isinstance(uow, FakeUnitOfWork)
    uow.tables.ledger.pop()


def test_a_tree_out_of_step_with_its_log_refuses_to_grow(uow_factory: UowFactory) -> None:
    grow(uow_factory, [3])
    with uow_factory() as uow:
        remove_last_entry(uow)
        uow.commit()
    with (
        uow_factory() as uow,
        pytest.raises(TreeOutOfStep, match="2 entries but its Merkle tree 3"),
    ):
        uow.ledger.append([another_pledge(1)], recorded_at=AT)


def test_entries_of_a_contribution_are_its_own_in_sequence(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.ledger.append(
            [pledge_tx(), another_pledge(2), receipt_tx(), allocation_tx()], recorded_at=AT
        )
        uow.commit()
    with uow_factory() as uow:
        assert [e.seq for e in uow.ledger.entries_of(1)] == [1, 3, 4]
        assert [e.seq for e in uow.ledger.entries_of(2)] == [2]
        assert uow.ledger.entries_of(3) == []
        assert uow.ledger.entries_of(1) == [e for e in uow.ledger.entries() if e.seq != 2]


def checkpoint(seq: int, size: int) -> Checkpoint:
    return Checkpoint(
        seq=seq, at=AT + timedelta(days=seq), ledger=TreeHead(size, bytes([seq]) * 32),
        audit=TreeHead(size + 1, bytes([seq + 1]) * 32), key_id="0123456789abcdef",
        signature=bytes([seq]) * 64,
    )  # fmt: skip


def test_checkpoints_read_back_in_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.checkpoints.latest() is None
        assert uow.checkpoints.count() == 0
        for seq in (1, 2, 3):
            uow.checkpoints.add(checkpoint(seq, size=10 * seq))
        uow.commit()
    with uow_factory() as uow:
        assert uow.checkpoints.latest() == checkpoint(3, 30)
        assert uow.checkpoints.get(2) == checkpoint(2, 20)
        assert uow.checkpoints.list() == [checkpoint(1, 10), checkpoint(2, 20), checkpoint(3, 30)]
        assert uow.checkpoints.list(offset=1, limit=1) == [checkpoint(2, 20)]
        assert uow.checkpoints.count() == 3
        with pytest.raises(NotFound, match="CP-4"):
            uow.checkpoints.get(4)


def test_a_head_is_signed_only_while_the_tree_is_in_step_with_its_log(
    uow_factory: UowFactory,
) -> None:
    entries = grow(uow_factory, [3])
    with uow_factory() as uow:
        leaves = [checkpoints.leaf(e.hash) for e in entries]
        assert uow.trees.head(Tree.LEDGER) == TreeHead(3, merkle.root_of(leaves))
        assert uow.trees.head(Tree.AUDIT) == checkpoints.EMPTY
        remove_last_entry(uow)
        with pytest.raises(TreeOutOfStep, match="2 entries but its Merkle tree 3"):
            uow.trees.head(Tree.LEDGER)
