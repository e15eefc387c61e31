"""Attributions indexed by contribution and package: the packages a contributor's money pays
(its statement's substitution effects, its paid packages) are read from the index alone, not
by scanning every attribution ever made.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.drop_index("ix_attributions_contribution_id")
        batch_op.create_index(
            "ix_attributions_contribution_id", ["contribution_id", "package_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.drop_index("ix_attributions_contribution_id")
        batch_op.create_index("ix_attributions_contribution_id", ["contribution_id"], unique=False)
