"""Nations' GDP figures imported for the burden-sharing report.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gdp_figures",
        sa.Column("nation", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("gdp_usd", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nation"], ["participants.code"], name=op.f("fk_gdp_figures_nation_participants")
        ),
        sa.PrimaryKeyConstraint("nation", "year", name=op.f("pk_gdp_figures")),
    )


def downgrade() -> None:
    op.drop_table("gdp_figures")
