"""Balances of some accounts, read by index, agree with the balances of the whole ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import Engine, text

from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import ledger
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.domain.money import USD, Money

UowFactory = Callable[[], SqlUnitOfWork]
AT = datetime(2025, 10, 20, 14, tzinfo=UTC)
ON = date(2025, 10, 20)


def usd(minor: int) -> Money:
    return Money(minor, USD)


def move(source: str, destination: str, minor: int, contribution_id: int) -> LedgerTransaction:
    return ledger.transfer(
        TransactionKind.ALLOCATION, source=source, destination=destination, amount=usd(minor),
        occurred_on=ON, contribution_id=contribution_id,
    )  # fmt: skip


def two_contributions_in_two_packages() -> list[LedgerTransaction]:
    return [
        move(ledger.pledged(1), ledger.pool(1), 1_000, 1),
        move(ledger.pledged(12), ledger.pool(12), 500, 12),
        move(ledger.pool(1), ledger.obligated(1, 1), 600, 1),
        move(ledger.pool(1), ledger.obligated(2, 1), 400, 1),
        move(ledger.pool(12), ledger.obligated(2, 12), 500, 12),
        move(ledger.obligated(1, 1), ledger.payable(1, 1), 600, 1),
        move(ledger.payable(1, 1), ledger.disbursed(1, 1), 600, 1),
    ]


def test_migration_0006_names_the_contribution_of_postings_made_before_it(
    database_url: str, engine: Engine
) -> None:
    config = migrate.alembic_config(database_url)
    command.downgrade(config, "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ledger_entries (seq, recorded_at, kind, occurred_on, memo, prev_hash,"
                " hash) VALUES (1, :at, 'allocation', :on, '', :prev, :hash)"
            ),
            {"at": AT, "on": ON, "prev": "0" * 64, "hash": "1" * 64},
        )
        for position, account in enumerate(
            [ledger.obligated(3, 7), ledger.pool(7), ledger.FX_TRADING, "odd:C-"]
        ):
            connection.execute(
                text(
                    "INSERT INTO ledger_postings (entry_seq, position, account, currency,"
                    " amount_minor) VALUES (1, :position, :account, 'USD', 0)"
                ),
                {"position": position, "account": account},
            )
    migrate.upgrade(database_url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT account, contribution_ref FROM ledger_postings ORDER BY position")
        ).all()
    assert [tuple(row) for row in found] == [
        (ledger.obligated(3, 7), "C-00007"),
        (ledger.pool(7), "C-00007"),
        (ledger.FX_TRADING, None),
        ("odd:C-", "C-"),
    ]
