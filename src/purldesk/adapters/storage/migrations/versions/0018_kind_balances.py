"""Totals of the ledger's running balances by kind and currency, kept by each append (built
here from the accounts' balances), so that the ledger's page and the total of a kind are read
in a row per kind, however many accounts hold money.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOW_BITS = 32
LOW_MASK = 2**LOW_BITS - 1
ROWS_PER_INSERT = 500


# The ledger's write lock (adapters/storage/rows.py LEDGER_LOCK_KEY), as of this migration.
LEDGER_LOCK_KEY = 0x7075726C_6C656467


def _hold_the_ledger() -> None:
    """On PostgreSQL, appends wait until this migration commits, so none falls between the
    sums below and the commit. (A server still running code older than this migration would
    append without moving the balances: stop it before `db upgrade`; `ledger verify` names
    any account that drifted.)"""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY})


def upgrade() -> None:
    _hold_the_ledger()
    kinds = op.create_table(
        "kind_balances",
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_high", sa.BigInteger(), nullable=False),
        sa.Column("amount_low", sa.BigInteger(), nullable=False),
        sa.Column("accounts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "currency", name=op.f("pk_kind_balances")),
    )
    assert kinds is not None
    _build(kinds)


def _build(kinds: sa.Table) -> None:
    """Each kind's total from its accounts' balances (every kind they have, one whose
    accounts are all at zero too), its halves summed apart and stored normalised, and how
    many of its accounts are not at zero."""
    connection = op.get_bind()
    summed = connection.execute(
        sa.text(
            "SELECT kind, currency, SUM(amount_high), SUM(amount_low),"
            " SUM(CASE WHEN amount_high != 0 OR amount_low != 0 THEN 1 ELSE 0 END)"
            " FROM account_balances GROUP BY kind, currency"
        )
    ).all()
    rows = []
    for kind, code, high, low, held in summed:
        minor = (int(high) << LOW_BITS) + int(low)
        rows.append({"kind": kind, "currency": code, "amount_high": minor >> LOW_BITS,
                     "amount_low": minor & LOW_MASK, "accounts": int(held)})  # fmt: skip
    for start in range(0, len(rows), ROWS_PER_INSERT):
        connection.execute(sa.insert(kinds), rows[start : start + ROWS_PER_INSERT])


def downgrade() -> None:
    op.drop_table("kind_balances")
