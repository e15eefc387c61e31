"""A group's contribution may list its members' parts, each converted at its own rate.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contribution_members",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("usd_minor", sa.BigInteger(), nullable=False),
        sa.Column("fx_rate", sa.String(length=64), nullable=False),
        sa.Column("fx_rate_date", sa.Date(), nullable=False),
        sa.Column("fx_source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_contribution_members_contribution_id_contributions"),
        ),
        sa.PrimaryKeyConstraint(
            "contribution_id", "position", name=op.f("pk_contribution_members")
        ),
        sa.UniqueConstraint(
            "contribution_id", "member", name=op.f("uq_contribution_members_contribution_id_member")
        ),
    )
    with op.batch_alter_table("contribution_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contribution_members_member"), ["member"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contribution_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contribution_members_member"))
    op.drop_table("contribution_members")
