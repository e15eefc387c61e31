"""A contributor may give anonymously; every edit of a requirement line is kept.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "line_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["requirement_lines.id"],
            name=op.f("fk_line_changes_line_id_requirement_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_changes")),
    )
    with op.batch_alter_table("line_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_changes_line_id"), ["line_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("line_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_changes_line_id"))
    op.drop_table("line_changes")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_column("anonymous")
