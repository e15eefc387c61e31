"""Running balances of the ledger's accounts, kept by each append (built here from the
postings recorded so far), so that current balances are read in a row per account.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As of this revision (`domain/ledger.py: ACCOUNT_KINDS`): what the ledger's page sums
# an account under, the first kind it starts with (`kind:`), else the account itself.
KINDS = ("pledged", "receivable", "fx-trading", "pool", "obligated", "payable", "disbursed",
         "refunded")  # fmt: skip
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
    balances = op.create_table(
        "account_balances",
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("contribution_ref", sa.String(length=40), nullable=True),
        sa.Column("amount_high", sa.BigInteger(), nullable=False),
        sa.Column("amount_low", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account", "currency", name=op.f("pk_account_balances")),
    )
    assert balances is not None
    held = sa.text("amount_high != 0 OR amount_low != 0")
    with op.batch_alter_table("account_balances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_balances_contribution_ref"), ["contribution_ref"], unique=False
        )
        batch_op.create_index(
            "ix_account_balances_held_kind_currency", ["kind", "currency"], unique=False,
            sqlite_where=held, postgresql_where=held,
        )  # fmt: skip
    _build(balances)


def _build(balances: sa.Table) -> None:
    """Each account's balance from its postings, summed in halves (an integer SUM overflows
    on SQLite past 2**63, whatever the balance) and stored normalised."""
    connection = op.get_bind()
    summed = connection.execute(
        sa.text(
            f"SELECT account, currency, SUM(amount_minor >> {LOW_BITS}),"
            f" SUM(amount_minor & {LOW_MASK}) FROM ledger_postings GROUP BY account, currency"
        )
    ).all()
    rows = [_row(account, code, (int(high) << LOW_BITS) + int(low))
            for account, code, high, low in summed]  # fmt: skip
    for start in range(0, len(rows), ROWS_PER_INSERT):
        connection.execute(sa.insert(balances), rows[start : start + ROWS_PER_INSERT])


def _row(account: str, currency: str, minor: int) -> dict[str, Any]:
    _, colon, last = account.rpartition(":")
    return {
        "account": account,
        "currency": currency,
        "kind": next((k for k in KINDS if account.startswith(f"{k}:")), account),
        "contribution_ref": last if colon and last.startswith("C-") else None,
        "amount_high": minor >> LOW_BITS,
        "amount_low": minor & LOW_MASK,
    }


def downgrade() -> None:
    with op.batch_alter_table("account_balances", schema=None) as batch_op:
        batch_op.drop_index("ix_account_balances_held_kind_currency")
        batch_op.drop_index(batch_op.f("ix_account_balances_contribution_ref"))
    op.drop_table("account_balances")
