"""A requirement line may carry on a line of an earlier cycle.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requirement_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_from", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_requirement_lines_carried_from"), ["carried_from"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_requirement_lines_carried_from_requirement_lines"),
            "requirement_lines",
            ["carried_from"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("requirement_lines", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_requirement_lines_carried_from_requirement_lines"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_requirement_lines_carried_from"))
        batch_op.drop_column("carried_from")
