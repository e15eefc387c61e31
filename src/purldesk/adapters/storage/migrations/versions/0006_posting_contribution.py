"""Each ledger posting names the contribution its account belongs to, indexed, so a write reads
one contribution's balances without summing the whole ledger.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _contribution_of(account: str) -> str | None:
    """`ledger.account_contribution` as of this revision: the last part if it is "C-…"."""
    _, colon, last = account.rpartition(":")
    return last if colon and last.startswith("C-") else None


def upgrade() -> None:
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contribution_ref", sa.String(length=40), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_ledger_postings_contribution_ref"), ["contribution_ref"], unique=False
        )
    postings = sa.table(
        "ledger_postings", sa.column("account", sa.String), sa.column("contribution_ref", sa.String)
    )
    connection = op.get_bind()
    accounts = connection.execute(sa.select(postings.c.account).distinct()).scalars().all()
    filled = [
        {"key": account, "ref": ref}
        for account in accounts
        if (ref := _contribution_of(account)) is not None
    ]
    if filled:
        connection.execute(
            postings.update()
            .where(postings.c.account == sa.bindparam("key"))
            .values(contribution_ref=sa.bindparam("ref")),
            filled,
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_postings_contribution_ref"))
        batch_op.drop_column("contribution_ref")
