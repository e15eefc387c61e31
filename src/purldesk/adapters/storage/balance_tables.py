"""The ledger's running balances: one row per account and currency, moved by every append in
its transaction, so that current balances are read in as many rows as there are accounts
however many postings made them (`balances.py`); and their totals, one row per kind and
currency, moved with them, so that the ledger's page and the totals of a kind are read in a
row per kind however many accounts there are. Derived: `verify` holds every row against the
postings, and a restore rebuilds both tables from them. Beside them, the contributions' totals
by every column a viewer's masking depends on (`ContributionTotalRow`), kept by every write of
a contribution and rebuilt from the contributions.

On the same declarative base as `tables.py` (so in the same metadata, which the migrations
environment imports with this module)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ColumnClause, Index, String, literal_column, or_
from sqlalchemy.orm import Mapped, mapped_column

from purldesk.adapters.storage.tables import CODE, ITEM, NAME, STATUS, Base


class AccountBalanceRow(Base):
    """A balance in halves, `amount_high * 2**32 + amount_low` with `0 <= amount_low < 2**32`
    (`sums.py`): exact at any size on either database, where one BIGINT added to would fail
    on PostgreSQL past 2**63 and turn into a float on SQLite. A row at zero stays."""

    __tablename__ = "account_balances"

    account: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    # What the ledger's page sums it under: the account's kind among the kinds there are,
    # else the account itself (`balances.reported_kind`).
    kind: Mapped[str] = mapped_column(String(NAME))
    # The contribution the account belongs to (`ledger.account_contribution`), as postings keep it.
    contribution_ref: Mapped[str | None] = mapped_column(String(ITEM), index=True)
    amount_high: Mapped[int] = mapped_column(BigInteger)
    amount_low: Mapped[int] = mapped_column(BigInteger)


# A balance that is not zero (its halves are normalised, so both are 0 exactly when it is).
# Zero is written out, not bound: a planner matches a partial index to a query's constants,
# and PostgreSQL's generic plans know no bound value.
_ZERO: ColumnClause[int] = literal_column("0", BigInteger)
HELD = or_(AccountBalanceRow.amount_high != _ZERO, AccountBalanceRow.amount_low != _ZERO)

# Only the accounts that hold money, by kind: the pools that may still be spent are found
# without reading those of every contribution ever received and spent.
Index(
    "ix_account_balances_held_kind_currency",
    AccountBalanceRow.kind,
    AccountBalanceRow.currency,
    sqlite_where=HELD,
    postgresql_where=HELD,
)


class KindBalanceRow(Base):
    """The accounts of one kind (`AccountBalanceRow.kind`) in one currency: their balances
    summed, in halves as theirs are, and how many of them are not at zero. A row at zero
    stays, as the accounts' rows do."""

    __tablename__ = "kind_balances"

    kind: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount_high: Mapped[int] = mapped_column(BigInteger)
    amount_low: Mapped[int] = mapped_column(BigInteger)
    # The accounts of the kind and currency whose balance is not zero.
    accounts: Mapped[int] = mapped_column(BigInteger)


class ContributionTotalRow(Base):
    """The contributions of one contributor in one currency, status and disclosure (every
    column the reads mask or filter by: a viewer sees everything of a contribution by its
    contributor alone): how many, their amounts and USD values summed in halves as a balance
    is, and how many have a USD value. Moved by every write of a contribution in its
    transaction (`contribution_totals.py`); a row at zero stays."""

    __tablename__ = "contribution_totals"

    contributor: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    status: Mapped[str] = mapped_column(String(STATUS), primary_key=True)
    confidential: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    amount_high: Mapped[int] = mapped_column(BigInteger)
    amount_low: Mapped[int] = mapped_column(BigInteger)
    usd_high: Mapped[int] = mapped_column(BigInteger)
    usd_low: Mapped[int] = mapped_column(BigInteger)
    # How many have a USD value: none, and their USD sum is no sum at all.
    converted: Mapped[int] = mapped_column(BigInteger)
