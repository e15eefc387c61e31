"""Merkle trees over the ledger and the audit log (built here for the entries already
recorded), and the signed checkpoints of both.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from purldesk.domain import merkle
from purldesk.domain.checkpoints import leaf

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NODES_PER_INSERT = 10_000


def upgrade() -> None:
    op.create_table(
        "merkle_trees",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_merkle_trees")),
    )
    nodes = op.create_table(
        "merkle_nodes",
        sa.Column("tree", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("tree", "level", "position", name=op.f("pk_merkle_nodes")),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ledger_size", sa.BigInteger(), nullable=False),
        sa.Column("ledger_root", sa.String(length=64), nullable=False),
        sa.Column("audit_size", sa.BigInteger(), nullable=False),
        sa.Column("audit_root", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_checkpoints")),
    )
    assert nodes is not None
    trees = sa.table("merkle_trees", sa.column("name"), sa.column("size"), sa.column("frontier"))
    for tree, entries in (("ledger", "ledger_entries"), ("audit", "audit_entries")):
        _build(tree, entries, trees, nodes)


def _build(tree: str, entries: str, trees: sa.TableClause, nodes: sa.Table) -> None:
    """The tree of the entries recorded so far, from their stored hashes in sequence; none
    for a log with no entry (its tree's row is written with its first append)."""
    connection = op.get_bind()
    hashes = connection.execute(sa.text(f"SELECT hash FROM {entries} ORDER BY seq")).scalars()
    frontier, completed = merkle.extend(merkle.Frontier(), (leaf(h) for h in hashes))
    if not frontier.size:
        return
    for start in range(0, len(completed), NODES_PER_INSERT):
        connection.execute(
            sa.insert(nodes),
            [
                {"tree": tree, "level": level, "position": position, "hash": digest}
                for (level, position), digest in completed[start : start + NODES_PER_INSERT]
            ],
        )
    connection.execute(
        sa.insert(trees).values(name=tree, size=frontier.size, frontier=b"".join(frontier.hashes))
    )


def downgrade() -> None:
    op.drop_table("ledger_checkpoints")
    op.drop_table("merkle_nodes")
    op.drop_table("merkle_trees")
