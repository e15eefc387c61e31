"""Reaching past the ports, as another writer or an auditor of the raw rows would: through the
session on the databases, through the working tables on the fake."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy.exc
from sqlalchemy import select, update

from fakes import FakeUnitOfWork, IntegrityError, Versioned
from purldesk.adapters.storage.balance_tables import AccountBalanceRow, KindBalanceRow
from purldesk.adapters.storage.sums import LOW_BITS, LOW_MASK
from purldesk.adapters.storage.tables import (
    AllocationBasisRow,
    ContributionRow,
    PackageRow,
    RankChangeRow,
)
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.services.ports import UnitOfWork

# What the database refuses without the adapter translating it (a broken foreign key, a taken
# unique column): SQLAlchemy's error on the databases, the fake's own in memory.
REFUSED_BY_THE_DATABASE = (sqlalchemy.exc.IntegrityError, IntegrityError)

VersionedEntity = Literal["contribution", "package"]


def _sql(uow: UnitOfWork) -> SqlUnitOfWork | None:
    if isinstance(uow, SqlUnitOfWork):
        return uow
    assert isinstance(uow, FakeUnitOfWork), f"no back door into {type(uow).__name__}"
    return None


def save_behind_its_back(uow: UnitOfWork) -> None:
    """Someone else saves every contribution and package: each stored version goes up by one."""
    sql = _sql(uow)
    if sql is not None:
        for table in (ContributionRow, PackageRow):
            sql.session.execute(update(table).values(version=table.version + 1))
        return
    assert isinstance(uow, FakeUnitOfWork)
    tables = uow.tables
    for key, contribution in tables.contributions.items():
        tables.contributions[key] = Versioned(contribution.record, contribution.version + 1)
    for key, package in tables.packages.items():
        tables.packages[key] = Versioned(package.record, package.version + 1)


def stored_version(uow: UnitOfWork, entity: VersionedEntity, key: int) -> int:
    """The version column of one contribution or package."""
    sql = _sql(uow)
    if sql is not None:
        table = ContributionRow if entity == "contribution" else PackageRow
        version = sql.session.scalar(select(table.version).where(table.id == key))
        assert version is not None
        return version
    assert isinstance(uow, FakeUnitOfWork)
    rows = uow.tables.contributions if entity == "contribution" else uow.tables.packages
    return rows[key].version


def stored_rank_change_instants(uow: UnitOfWork) -> list[datetime]:
    """Every rank change's instant as the table holds it."""
    sql = _sql(uow)
    if sql is not None:
        return list(sql.session.scalars(select(RankChangeRow.at).order_by(RankChangeRow.id)))
    assert isinstance(uow, FakeUnitOfWork)
    return [change.at for change in uow.tables.rank_changes]


def stored_disclosure(uow: UnitOfWork, contribution_id: int) -> tuple[bool, bool]:
    """(confidential, anonymous) as the contribution's own columns hold them."""
    sql = _sql(uow)
    if sql is not None:
        row = sql.session.scalars(
            select(ContributionRow).where(ContributionRow.id == contribution_id)
        ).one()
        return row.confidential, row.anonymous
    assert isinstance(uow, FakeUnitOfWork)
    stored = uow.tables.contributions[contribution_id].record
    return stored.confidential, stored.anonymous


def edit_kept_balance(uow: UnitOfWork, account: str, currency: str, minor: int) -> None:
    """Someone sets an account's kept balance to `minor`, leaving its postings as they are."""
    sql = _sql(uow)
    if sql is not None:
        row = AccountBalanceRow
        sql.session.execute(
            update(row)
            .where(row.account == account, row.currency == currency)
            .values(amount_high=minor >> LOW_BITS, amount_low=minor & LOW_MASK)
        )
        return
    assert isinstance(uow, FakeUnitOfWork)
    uow.tables.balances[account, currency] = minor


def edit_kept_kind_balance(
    uow: UnitOfWork, kind: str, currency: str, minor: int, accounts: int
) -> None:
    """Someone sets a kind's kept total and count of accounts not at zero, leaving the
    accounts' balances and postings as they are."""
    sql = _sql(uow)
    if sql is not None:
        row = KindBalanceRow
        sql.session.execute(
            update(row)
            .where(row.kind == kind, row.currency == currency)
            .values(amount_high=minor >> LOW_BITS, amount_low=minor & LOW_MASK, accounts=accounts)
        )
        return
    assert isinstance(uow, FakeUnitOfWork)
    uow.tables.kind_balances[kind, currency] = (minor, accounts)


def replace_basis_document(uow: UnitOfWork, package_id: int, document: str) -> None:
    """A package's stored basis document replaced, as by an edit in SQL."""
    sql = _sql(uow)
    if sql is not None:
        sql.session.execute(
            update(AllocationBasisRow)
            .where(AllocationBasisRow.package_id == package_id)
            .values(document=document)
        )
        return
    assert isinstance(uow, FakeUnitOfWork)
    assert package_id in uow.tables.bases
    uow.tables.bases[package_id] = document
