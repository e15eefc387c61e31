"""Each package's state after every write that changed it, for its Open Contracting releases.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "package_releases",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("ledger_seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_package_releases_package_id_packages")
        ),
        sa.PrimaryKeyConstraint("package_id", "number", name=op.f("pk_package_releases")),
    )
    with op.batch_alter_table("package_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_releases_audit_seq"), ["audit_seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("package_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_releases_audit_seq"))
    op.drop_table("package_releases")
