"""A package's contents can be restricted, with the organizations cleared to see them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contents_restricted", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "package_clearances",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("organization", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["participants.code"],
            name=op.f("fk_package_clearances_organization_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_clearances_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "organization", name=op.f("pk_package_clearances")),
    )


def downgrade() -> None:
    op.drop_table("package_clearances")
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_column("contents_restricted")
