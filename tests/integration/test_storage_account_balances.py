"""The running balances kept beside the postings, on SQLite and PostgreSQL: moved by every
append to the sums of the postings, built by migration 0017 for a ledger recorded before it,
and held against the postings by `verify`, which names an account whose balance was edited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.orm import Session

from builders import allocation_tx, money, pledge_tx, receipt_tx, usd
from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.balance_tables import AccountBalanceRow
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.sums import halves, joined
from purldesk.adapters.storage.tables import LedgerPostingRow
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import ledger
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.services import ledger as ledger_service

UowFactory = Callable[[], SqlUnitOfWork]
AT = datetime(2025, 10, 20, 14, 5, tzinfo=UTC)


def _history() -> list[list[LedgerTransaction]]:
    """Batches of appends: pledges in EUR and KRW, receipts converted to USD, allocations,
    a pool spent to zero, a disbursement, a refund; `append_history` then reverses the KRW
    pledge (its accounts back to zero)."""
    move = ledger.transfer
    return [
        [pledge_tx(1), pledge_tx(2, money(5_000_000, "KRW"))],
        [receipt_tx(1)],
        [allocation_tx(1, 1, usd(60_000)), allocation_tx(1, 2, usd(55_650))],  # pool 1 empty
        [pledge_tx(3), receipt_tx(3)],
        [
            move(TransactionKind.ACCEPTANCE, source=ledger.obligated(1, 1),
                 destination=ledger.payable(1, 1), amount=usd(60_000), occurred_on=AT.date(),
                 contribution_id=1, package_id=1),
            move(TransactionKind.DISBURSEMENT, source=ledger.payable(1, 1),
                 destination=ledger.disbursed(1, 1), amount=usd(60_000), occurred_on=AT.date(),
                 contribution_id=1, package_id=1),
            move(TransactionKind.REFUND, source=ledger.pool(3), destination=ledger.refunded(3),
                 amount=usd(15_000), occurred_on=AT.date(), contribution_id=3),
        ],
    ]  # fmt: skip


def append_history(uow_factory: UowFactory) -> None:
    for batch in _history():
        with uow_factory() as uow:
            uow.ledger.append(batch, recorded_at=AT)
            uow.commit()
    with uow_factory() as uow:
        (krw,) = [e for e in uow.ledger.entries() if e.transaction.contribution_id == 2]
        uow.ledger.append([ledger.reversal_of(krw, occurred_on=AT.date())], recorded_at=AT)
        uow.commit()


def posting_sums(session: Session) -> dict[tuple[str, str], int]:
    """Each account's postings summed in SQL, zeros too."""
    p = LedgerPostingRow
    rows = session.execute(
        select(p.account, p.currency, *halves(p.amount_minor)).group_by(p.account, p.currency)
    )
    return {(account, code): joined(high, low) for account, code, high, low in rows}


def stored_rows(session: Session) -> list[tuple[Any, ...]]:
    b = AccountBalanceRow
    query = select(b.account, b.currency, b.kind, b.contribution_ref, b.amount_high, b.amount_low)
    return [tuple(row) for row in session.execute(query.order_by(b.account, b.currency))]


def kept_balance_findings(uow: SqlUnitOfWork) -> list[ledger.Finding]:
    """What `verify` finds of the kept balances (the ledger here has no contribution rows,
    which it reports too)."""
    return [f for f in ledger_service.verify(uow)[1] if f.rule == "account-balance"]


def test_every_append_keeps_each_balance_the_sum_of_its_postings(uow_factory: UowFactory) -> None:
    append_history(uow_factory)
    with uow_factory() as uow:
        sums = posting_sums(uow.session)
        kept = uow.ledger.kept_balances()
        assert kept == sums
        assert 0 in kept.values()  # a row whose account went back to zero stays, at zero
        derived = ledger.balances(e.transaction for e in uow.ledger.entries())
        assert uow.ledger.balances() == derived == {k: v for k, v in sums.items() if v}
        assert uow.ledger.pools_holding() == {3: 100_650}  # pool 1 is spent, 2 never received
        assert uow.ledger.contribution_balances([1]) == {
            key: value for key, value in derived.items() if key[0].endswith(":C-00001")
        }
        rows = {row[0]: row for row in stored_rows(uow.session)}
        assert rows[ledger.obligated(2, 1)][2:4] == ("obligated", "C-00001")
        assert rows[ledger.FX_TRADING][2:4] == ("fx-trading", None)
    assert kept_balance_findings(uow_factory()) == []


def test_migration_0017_builds_the_balances_of_a_ledger_recorded_before_it(
    empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    append_history(lambda: SqlUnitOfWork(sessions))
    with SqlUnitOfWork(sessions) as uow:
        appended = stored_rows(uow.session)
    command.downgrade(migrate.alembic_config(empty_database_url), "0016")
    with engines(empty_database_url).connect() as connection:
        assert "account_balances" not in inspect(connection).get_table_names()
    migrate.upgrade(empty_database_url)
    with SqlUnitOfWork(sessions) as uow:
        assert stored_rows(uow.session) == appended  # the same rows the appends kept
        assert uow.ledger.kept_balances() == posting_sums(uow.session)
        uow.ledger.append([allocation_tx(3, 3, usd(1))], recorded_at=AT)  # and it moves on
        assert uow.ledger.balances_of([ledger.pool(3)]) == {(ledger.pool(3), "USD"): 100_649}


@pytest.mark.parametrize(
    ("statement", "account", "says", "sums"),
    [
        ("UPDATE account_balances SET amount_low = amount_low + 1 WHERE account = 'pool:C-00003'",
         "pool:C-00003", 100_651, 100_650),
        ("DELETE FROM account_balances WHERE account = 'refunded:C-00003'",
         "refunded:C-00003", 0, 15_000),
        ("INSERT INTO account_balances (account, currency, kind, contribution_ref, amount_high,"
         " amount_low) VALUES ('pool:C-00009', 'USD', 'pool', 'C-00009', 0, 7)",
         "pool:C-00009", 7, 0),
    ],
)  # fmt: skip
def test_verify_names_an_account_whose_kept_balance_was_edited_in_sql(
    uow_factory: UowFactory, statement: str, account: str, says: int, sums: int
) -> None:
    append_history(uow_factory)
    assert kept_balance_findings(uow_factory()) == []
    with uow_factory() as uow:
        assert uow.session.execute(text(statement)).rowcount == 1  # type: ignore[attr-defined]
        uow.commit()
    (finding,) = kept_balance_findings(uow_factory())
    assert (finding.row, finding.contribution) == (
        f"account_balances {account} USD",
        ledger.account_contribution(account),
    )
    assert finding.message == (
        f"account_balances {account} USD holds {says}, the postings to {account} in USD sum "
        f"to {sums}"
    )


class Statements:
    """The SQL text of every statement run on an engine while recording."""

    def __init__(self, engine: Engine) -> None:
        self.seen: list[str] = []
        self.parameters: list[Any] = []
        event.listen(engine, "before_cursor_execute", self._ran)

    def _ran(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
        self.seen.append(sql)
        self.parameters.append(parameters)

    def of(self, work: Callable[[], object]) -> list[str]:
        self.seen, self.parameters = [], []
        work()
        return self.seen


def test_current_balances_never_read_the_postings_and_balances_of_a_day_do(
    engine: Engine, uow_factory: UowFactory
) -> None:
    append_history(uow_factory)
    statements = Statements(engine)
    sessions = session_factory(engine)
    with SqlReader(sessions) as reader, uow_factory() as uow:
        current: list[Callable[[], object]] = [
            reader.kind_balances, reader.count_accounts,
            lambda: reader.account_balances(offset=0, limit=5),
            uow.ledger.balances, uow.ledger.pools_holding, uow.ledger.kept_balances,
            lambda: uow.ledger.balances_of([ledger.pool(3)]),
            lambda: uow.ledger.contribution_balances([1, 3]),
        ]  # fmt: skip
        for read in current:
            ran = statements.of(read)
            assert ran and not [sql for sql in ran if "ledger_postings" in sql], ran
        before = AT + timedelta(days=1)
        as_of_a_day: list[Callable[[], object]] = [
            lambda: reader.kind_balances(before=before),
            lambda: reader.count_accounts(before=before),
            lambda: reader.account_balances(before=before, offset=0, limit=5),
        ]
        for read in as_of_a_day:
            assert [sql for sql in statements.of(read) if "ledger_postings" in sql]
        assert reader.kind_balances(before=before) == reader.kind_balances()
        assert reader.count_accounts(before=before) == reader.count_accounts()
        assert reader.account_balances(before=before, offset=1, limit=4) == (
            reader.account_balances(offset=1, limit=4)
        )


def test_the_pools_holding_money_are_found_by_the_index_of_accounts_that_hold_money(
    engine: Engine,
) -> None:
    statements = Statements(engine)
    with SqlUnitOfWork(session_factory(engine)) as uow:
        *_begun, sql = statements.of(uow.ledger.pools_holding)
        parameters = statements.parameters[-1]
        connection = uow.session.connection()
        explain = "EXPLAIN QUERY PLAN"
        if engine.dialect.name == "postgresql":
            explain = "EXPLAIN"
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # else, with no rows
        plan = connection.exec_driver_sql(f"{explain} {sql}", parameters)
        assert "ix_account_balances_held_kind_currency" in " ".join(str(r[-1]) for r in plan)


@pytest.mark.parametrize(
    "column, value",
    [("kind", "refunded"), ("contribution_ref", "C-00009"), ("contribution_ref", None)],
)
def test_verify_names_a_balance_filed_under_another_kind_or_contribution(
    uow_factory: UowFactory, column: str, value: str | None
) -> None:
    """A pool filed under another kind would be missed by the allocation's pools, one under
    another contribution by that contribution's balances: verify names it."""
    append_history(uow_factory)
    account = ledger.pool(3)
    with uow_factory() as uow:
        moved = uow.session.execute(  # type: ignore[attr-defined]
            text(f"UPDATE account_balances SET {column} = :value WHERE account = :account"),
            {"value": value, "account": account},
        )
        assert moved.rowcount == 1
        uow.commit()
    (finding,) = kept_balance_findings(uow_factory())
    assert finding.row == f"account_balances {account} USD"
    assert "another kind or contribution" in finding.message
    assert finding.contribution == ledger.account_contribution(account)
