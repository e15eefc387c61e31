"""The confidential contributions indexed apart: who pays money a viewer may not see (the costs
withheld from it on every overview and package list) is found from them, not from every
attribution ever made.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    confidential = sa.text("confidential = true")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_confidential", ["contributor"], unique=False,
            sqlite_where=sa.text("confidential = 1"), postgresql_where=confidential,
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_confidential")
