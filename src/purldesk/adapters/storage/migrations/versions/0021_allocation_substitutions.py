"""The substitution effects of the allocation bases kept apart, one row per package and
contributor (built here from the bases), so that a statement reads its contributor's effects
a page at a time without reading one basis document per package the contributor pays.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASES_PER_READ = 200


def _canonical_json(document: Any) -> str:
    """`domain/chains.canonical_json`, as of this migration: how a basis stores its effects."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def upgrade() -> None:
    kept = op.create_table(
        "allocation_substitutions",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("contributor", sa.String(length=16), nullable=False),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["allocation_bases.package_id"],
            name=op.f("fk_allocation_substitutions_package_id_allocation_bases"),
        ),
        sa.PrimaryKeyConstraint(
            "package_id", "contributor", name=op.f("pk_allocation_substitutions")
        ),
    )
    assert kept is not None
    with op.batch_alter_table("allocation_substitutions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_allocation_substitutions_contributor_recorded_at",
            ["contributor", "recorded_at"],
            unique=False,
        )
    _build(kept)


def _build(kept: sa.Table) -> None:
    """A row per effect of each basis, the bases read a chunk at a time by package id (each
    document whole: the funds are parsed here only once)."""
    connection = op.get_bind()
    after = -1
    while True:
        chunk = connection.execute(
            sa.text(
                "SELECT package_id, document FROM allocation_bases WHERE package_id > :after"
                " ORDER BY package_id LIMIT :size"
            ),
            {"after": after, "size": BASES_PER_READ},
        ).all()
        if not chunk:
            return
        rows = [row for package_id, text in chunk for row in _rows(int(package_id), text)]
        if rows:
            connection.execute(sa.insert(kept), rows)
        after = int(chunk[-1][0])


def _rows(package_id: int, text: str) -> list[dict[str, Any]]:
    stored = json.loads(text)
    on = date.fromisoformat(stored["on"])
    at = datetime.fromisoformat(stored["recorded_at"]).astimezone(UTC)  # as the app writes it
    return [
        {
            "package_id": package_id,
            "contributor": effect["contributor"],
            "allocated_on": on,
            "recorded_at": at,
            "document": _canonical_json(effect),
        }
        for effect in stored.get("substitutions", ())  # absent from the oldest bases
    ]


def downgrade() -> None:
    with op.batch_alter_table("allocation_substitutions", schema=None) as batch_op:
        batch_op.drop_index("ix_allocation_substitutions_contributor_recorded_at")
    op.drop_table("allocation_substitutions")
