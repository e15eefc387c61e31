"""A contribution remembers the digest of the file row it was imported from, once.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contributions_import_digest"), ["import_digest"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_import_digest"))
        batch_op.drop_column("import_digest")
