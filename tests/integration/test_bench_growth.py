"""bench/growth.py grows a database through the commands, as the product is used: a small month
leaves a history with every write audited, its packages' states kept, and a ledger that
verifies, on both databases."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select

from purldesk import bootstrap
from purldesk.adapters.storage.history_tables import PackageReleaseRow
from purldesk.adapters.storage.tables import AuditEntryRow, ContributionRow, PackageRow
from purldesk.config import Settings
from purldesk.domain.access import operator
from purldesk.services import audit, ledger

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import growth


def count(app: bootstrap.Application, table: type) -> int:
    with app.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def test_a_grown_month_is_audited_verifiable_and_has_package_histories(database_url: str) -> None:
    app = bootstrap.build(Settings(database_url=database_url))
    shape = growth.Month(lines=30, pledges=12, funded_percent=70, package_usd=500_000_000,
                         capacity=1)  # fmt: skip
    try:
        contributors, items = growth.set_up(app, capacity=1, at=_at(1))
        timer = growth.Timer(app.engine)
        timer.month = 1
        growth.grow_one_month(
            app, timer, month=1, months=1, contributors=contributors, items=items, shape=shape,
            advance=lambda: None,
        )  # fmt: skip
        packages = count(app, PackageRow)
        assert packages >= 1
        assert count(app, ContributionRow) == 12
        # Set-up (3), the cycle (4), 12 pledges and receipts, the allocation, and per package
        # at least propose, validate, accept, one shipment and its receipt, and close.
        assert count(app, AuditEntryRow) >= 3 + 4 + 24 + 1 + 6 * packages
        assert count(app, PackageReleaseRow) >= 4 * packages
        checked, findings = ledger.verify(app.uow(), signer=app.signer)
        assert checked > 24 and findings == []
        audited, broken = audit.verify(app.uow(), actor=operator("test"))
        assert audited == count(app, AuditEntryRow) and broken == []
    finally:
        app.close()


def _at(month: int) -> growth.datetime:
    first = growth.month_start(month, month)
    return growth.datetime(first.year, first.month, 1, 9, tzinfo=growth.UTC)
