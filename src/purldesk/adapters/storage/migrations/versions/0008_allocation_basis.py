"""Each package an allocation commits keeps the basis it was allocated on.

Packages committed before this revision have none; their explanation is derived from what
was recorded by the time their allocation reached the ledger, and says so.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation_bases",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_allocation_bases_package_id_packages")
        ),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_allocation_bases")),
    )


def downgrade() -> None:
    op.drop_table("allocation_bases")
