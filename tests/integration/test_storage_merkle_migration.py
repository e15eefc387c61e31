"""Migration 0014 builds the Merkle trees of a ledger and an audit log recorded before it, so
that a database upgraded from 0012 proves what it already held; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Engine

from builders import allocation_tx, pledge_tx, receipt_tx
from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import checkpoints, merkle
from purldesk.domain.access import operator
from purldesk.domain.audit import AuditEvent
from purldesk.domain.checkpoints import Tree

AT = datetime(2025, 10, 20, 14, 5, tzinfo=UTC)


def test_upgrading_from_0012_builds_both_trees_from_the_entries(
    empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    with SqlUnitOfWork(sessions) as uow:
        uow.ledger.append([pledge_tx(), receipt_tx(), allocation_tx()], recorded_at=AT)
        for n in range(5):
            uow.audit.append(AuditEvent("test.write", "T", {"n": n}, "r", operator("o")), at=AT)
        uow.commit()
    command.downgrade(migrate.alembic_config(empty_database_url), "0012")
    migrate.upgrade(empty_database_url)
    with SqlUnitOfWork(sessions) as uow:
        for tree, entries in (
            (Tree.LEDGER, uow.ledger.entries()),
            (Tree.AUDIT, uow.audit.entries()),
        ):
            leaves = [checkpoints.leaf(e.hash) for e in entries]
            frontier = uow.trees.frontier(tree)
            assert (frontier.size, frontier.root) == (len(leaves), merkle.root_of(leaves))
            stored = uow.trees.nodes(tree, merkle.inclusion_nodes(1, len(leaves)))
            proof = merkle.inclusion_proof(1, len(leaves), stored.__getitem__)
            leaf = merkle.leaf_hash(leaves[1])
            assert merkle.verify_inclusion(1, len(leaves), leaf, proof, frontier.root)
        uow.ledger.append([pledge_tx(contribution_id=2)], recorded_at=AT)  # and it grows on
        assert uow.trees.frontier(Tree.LEDGER).size == 4
