"""Each package keeps the day its supplier accepted it, so no shipment is dated before that.

Packages accepted before this revision take the date of their acceptance on the ledger.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_on", sa.Date(), nullable=True))
    packages = sa.table("packages", sa.column("id", sa.Integer), sa.column("accepted_on", sa.Date))
    entries = sa.table(
        "ledger_entries",
        sa.column("kind", sa.String),
        sa.column("package_id", sa.Integer),
        sa.column("occurred_on", sa.Date),
    )
    accepted_on = (
        sa.select(sa.func.min(entries.c.occurred_on))
        .where(entries.c.kind == "acceptance", entries.c.package_id == packages.c.id)
        .scalar_subquery()
    )
    op.get_bind().execute(packages.update().values(accepted_on=accepted_on))


def downgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_column("accepted_on")
