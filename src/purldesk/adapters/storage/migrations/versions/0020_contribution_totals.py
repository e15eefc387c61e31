"""The contributions' totals by contributor, currency, status and disclosure, kept by every
write of a contribution (built here from the contributions so far), so that the overviews, the
contributions' totals and the burden-sharing report read a row per combination, however many
contributions there are.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOW_BITS = 32
LOW_MASK = 2**LOW_BITS - 1
ROWS_PER_INSERT = 500

# The write lock every command holds (adapters/storage/rows.py LEDGER_LOCK_KEY), as of this
# migration.
LEDGER_LOCK_KEY = 0x7075726C_6C656467


def _hold_the_ledger() -> None:
    """On PostgreSQL, commands wait until this migration commits, so no contribution is
    written between the sums below and the commit. (A server still running code older than
    this migration would write contributions without moving the totals: stop it before
    `db upgrade`; `ledger verify` names any total that drifted.)"""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY})


def upgrade() -> None:
    _hold_the_ledger()
    totals = op.create_table(
        "contribution_totals",
        sa.Column("contributor", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("amount_high", sa.BigInteger(), nullable=False),
        sa.Column("amount_low", sa.BigInteger(), nullable=False),
        sa.Column("usd_high", sa.BigInteger(), nullable=False),
        sa.Column("usd_low", sa.BigInteger(), nullable=False),
        sa.Column("converted", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "contributor", "currency", "status", "confidential", "anonymous",
            name=op.f("pk_contribution_totals"),
        ),
    )  # fmt: skip
    assert totals is not None
    _build(totals)


def _build(totals: sa.Table) -> None:
    """Each key's count, amounts and USD values from the contributions, summed in halves (an
    integer SUM overflows on SQLite past 2**63) and stored normalised, and how many of them
    have a USD value (COUNT of the column skips NULL)."""
    connection = op.get_bind()
    summed = connection.execute(
        sa.text(
            "SELECT contributor, currency, status, confidential, anonymous, COUNT(*),"
            f" SUM(amount_minor >> {LOW_BITS}), SUM(amount_minor & {LOW_MASK}),"
            f" SUM(usd_minor >> {LOW_BITS}), SUM(usd_minor & {LOW_MASK}), COUNT(usd_minor)"
            " FROM contributions"
            " GROUP BY contributor, currency, status, confidential, anonymous"
        )
    ).all()
    rows = []
    for who, code, status, hidden, unnamed, n, high, low, usd_high, usd_low, usd_n in summed:
        minor = (int(high) << LOW_BITS) + int(low)
        usd = (int(usd_high or 0) << LOW_BITS) + int(usd_low or 0)
        rows.append({
            "contributor": who, "currency": code, "status": status,
            "confidential": bool(hidden), "anonymous": bool(unnamed), "count": int(n),
            "amount_high": minor >> LOW_BITS, "amount_low": minor & LOW_MASK,
            "usd_high": usd >> LOW_BITS, "usd_low": usd & LOW_MASK, "converted": int(usd_n),
        })  # fmt: skip
    for start in range(0, len(rows), ROWS_PER_INSERT):
        connection.execute(sa.insert(totals), rows[start : start + ROWS_PER_INSERT])


def downgrade() -> None:
    op.drop_table("contribution_totals")
