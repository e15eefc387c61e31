"""National policies and dated indicator observations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributor", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor"],
            ["participants.code"],
            name=op.f("fk_policy_versions_contributor_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint(
            "contributor", "version", name=op.f("uq_policy_versions_contributor_version")
        ),
    )
    op.create_table(
        "indicator_observations",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supersedes"],
            ["indicator_observations.id"],
            name=op.f("fk_indicator_observations_supersedes_indicator_observations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_observations")),
        sa.UniqueConstraint("supersedes", name=op.f("uq_indicator_observations_supersedes")),
    )
    with op.batch_alter_table("indicator_observations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_observations_name"), ["name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indicator_observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_observations_name"))

    op.drop_table("indicator_observations")
    op.drop_table("policy_versions")
