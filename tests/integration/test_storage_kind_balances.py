"""The totals of the running balances by kind, on SQLite and PostgreSQL: moved by every append
to what the accounts' rows sum and count, built by migration 0018 for a ledger recorded
before it and by a restore, read by the ledger's page and the totals of a kind without the
accounts' rows or the postings, and held against the postings by `verify`, which names a
kind whose total was edited."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, case, func, inspect, select, text
from sqlalchemy.orm import Session
from test_storage_account_balances import AT, Statements, append_history

from builders import money
from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.balance_tables import HELD, AccountBalanceRow
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.sums import joined
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import ledger, reconciliation
from purldesk.domain.ledger import ACCOUNT_KINDS, LedgerTransaction, TransactionKind
from purldesk.services import ledger as ledger_service

UowFactory = Callable[[], SqlUnitOfWork]
KindBalances = dict[tuple[str, str], tuple[int, int]]


def _accounts() -> list[str]:
    """Accounts of every kind, and two of no kind (their own kind each)."""
    found = [ledger.FX_TRADING, "elsewhere", "suspense:C-00002"]
    for c in range(1, 5):
        found += [ledger.pledged(c), ledger.receivable(c), ledger.pool(c), ledger.refunded(c)]
        found += [f(p, c) for p in (1, 2) for f in (ledger.obligated, ledger.payable)]
        found.append(ledger.disbursed(1, c))
    return found


def append_many(uow_factory: UowFactory, appends: int = 80) -> dict[tuple[str, str], int]:
    """`appends` appends of one to three moves between `_accounts` in USD and EUR, one move in
    three emptying its source (back to zero): each account's balance as the moves leave it."""
    rng = random.Random(18)
    accounts, held = _accounts(), dict[tuple[str, str], int]()
    for _ in range(appends):
        batch: list[LedgerTransaction] = []
        for _move in range(rng.randint(1, 3)):
            source, destination = rng.sample(accounts, 2)
            code = rng.choice(("USD", "EUR"))
            minor = held.get((source, code), 0) if rng.random() < 1 / 3 else 0
            minor = minor if minor > 0 else rng.randint(1, 90_000)
            batch.append(
                ledger.transfer(TransactionKind.ALLOCATION, source=source, destination=destination,
                                amount=money(minor, code), occurred_on=AT.date())
            )  # fmt: skip
            held[source, code] = held.get((source, code), 0) - minor
            held[destination, code] = held.get((destination, code), 0) + minor
        with uow_factory() as uow:
            uow.ledger.append(batch, recorded_at=AT)
            uow.commit()
    return held


def of_account_rows(session: Session) -> KindBalances:
    """Each kind's total and count of accounts not at zero, summed from the accounts' rows."""
    b = AccountBalanceRow
    rows = session.execute(
        select(b.kind, b.currency, func.sum(b.amount_high), func.sum(b.amount_low),
               func.sum(case((HELD, 1), else_=0)))
        .group_by(b.kind, b.currency)
    )  # fmt: skip
    return {(kind, code): (joined(high, low), int(n)) for kind, code, high, low, n in rows}


def kind_findings(uow: SqlUnitOfWork) -> list[ledger.Finding]:
    return [f for f in ledger_service.verify(uow)[1] if f.rule == "kind-balance"]


def test_every_append_keeps_each_kind_the_total_and_count_of_its_accounts(
    uow_factory: UowFactory,
) -> None:
    held = append_many(uow_factory)
    with uow_factory() as uow:
        kept = uow.ledger.kept_kind_balances()
        assert kept == of_account_rows(uow.session)
        expected = reconciliation.kind_totals(held.items())
        assert kept == expected
        assert kept == reconciliation.kind_totals(uow.ledger.kept_balances().items())
        assert {kind for kind, _code in kept} == {*ACCOUNT_KINDS, "elsewhere", "suspense:C-00002"}
        # Accounts came back to zero, and a kind's count went down with them.
        assert 0 in held.values()
        assert any(0 < n < sum(1 for (a, c) in held if (ledger.reported_kind(a), c) == k)
                   for k, (_total, n) in kept.items())  # fmt: skip
    assert kind_findings(uow_factory()) == []


def test_an_account_at_zero_is_counted_again_when_it_holds_money_again(
    uow_factory: UowFactory,
) -> None:
    def moved(source: str, destination: str, minor: int) -> None:
        with uow_factory() as uow:
            uow.ledger.append([ledger.transfer(
                TransactionKind.ALLOCATION, source=source, destination=destination,
                amount=money(minor), occurred_on=AT.date())], recorded_at=AT)  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            kinds.append(uow.ledger.kept_kind_balances())

    kinds: list[KindBalances] = []
    moved(ledger.pledged(1), ledger.pool(1), 500)
    moved(ledger.pool(1), ledger.obligated(1, 1), 500)  # the pool back to zero
    moved(ledger.pledged(1), ledger.pool(1), 200)  # and holding money again
    moved(ledger.pool(1), ledger.pool(2), 200)  # within the kind: one out, one in
    pools = [k[("pool", "USD")] for k in kinds]
    assert pools == [(500, 1), (0, 0), (200, 1), (200, 1)]
    assert [k[("pledged", "USD")] for k in kinds] == [(-500, 1), (-500, 1), (-700, 1), (-700, 1)]
    assert kinds[-1][("obligated", "USD")] == (500, 1)


def test_migration_0018_builds_the_totals_the_appends_keep(
    empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    factory = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    append_history(factory)
    append_many(factory, appends=30)
    with factory() as uow:
        appended = uow.ledger.kept_kind_balances()
    command.downgrade(migrate.alembic_config(empty_database_url), "0017")
    with engines(empty_database_url).connect() as connection:
        assert "kind_balances" not in inspect(connection).get_table_names()
    migrate.upgrade(empty_database_url)
    with factory() as uow:
        assert uow.ledger.kept_kind_balances() == appended  # the rows the appends kept
        assert appended["pledged", "KRW"] == (0, 0)  # a kind whose accounts are all at zero too
        pool = appended["pool", "USD"]
        uow.ledger.append([ledger.transfer(
            TransactionKind.ALLOCATION, source=ledger.pool(3), destination=ledger.pool(9),
            amount=money(1), occurred_on=AT.date())], recorded_at=AT)  # fmt: skip
        uow.commit()
    with factory() as uow:  # and it moves on
        assert uow.ledger.kept_kind_balances()["pool", "USD"] == (pool[0], pool[1] + 1)
    assert kind_findings(factory()) == []


def test_a_restore_rebuilds_the_totals_from_the_postings(
    uow_factory: UowFactory, empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    append_history(uow_factory)
    append_many(uow_factory, appends=30)
    with uow_factory() as uow:
        kept = uow.ledger.kept_kind_balances()
        dumped = uow.rows.dump()
    assert "kind_balances" not in dumped and "account_balances" not in dumped
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    with SqlUnitOfWork(sessions) as uow:
        uow.rows.load(dumped)
        uow.commit()
    with SqlUnitOfWork(sessions) as uow:
        assert uow.ledger.kept_kind_balances() == kept == of_account_rows(uow.session)
    assert kind_findings(SqlUnitOfWork(sessions)) == []


def test_the_ledger_pages_current_totals_are_read_from_the_kinds_alone(
    engine: Engine, uow_factory: UowFactory
) -> None:
    append_history(uow_factory)
    held = append_many(uow_factory, appends=20)
    statements = Statements(engine)
    with SqlReader(session_factory(engine)) as reader, uow_factory() as uow:
        current: list[Callable[[], object]] = [
            reader.kind_balances, reader.count_accounts,
            lambda: reader.balance_of_kind("disbursed", currency="USD"),
            lambda: reader.balance_of_kind("pool", currency="USD"),
        ]  # fmt: skip
        for read in current:
            ran = statements.of(read)
            assert [sql for sql in ran if "kind_balances" in sql], ran
            assert not [s for s in ran if "account_balances" in s or "ledger_postings" in s], ran
        later = AT + timedelta(days=1)
        assert reader.kind_balances() == reader.kind_balances(before=later)
        assert reader.count_accounts() == reader.count_accounts(before=later)
        kept = uow.ledger.kept_balances()
        assert reader.count_accounts() == sum(1 for value in kept.values() if value)
        for kind in ACCOUNT_KINDS:
            for code in ("USD", "EUR", "KRW", "JPY"):
                of_kind = [
                    v for (a, c), v in kept.items() if (ledger.reported_kind(a), c) == (kind, code)
                ]
                assert reader.balance_of_kind(kind, currency=code) == sum(of_kind)
        assert reader.balance_of_kind("disbursed", currency="USD") == 60_000 + sum(
            v for (a, c), v in held.items() if c == "USD" and a.startswith("disbursed:")
        )


@pytest.mark.parametrize(
    ("statement", "kind", "says", "sums"),
    [
        ("UPDATE kind_balances SET amount_low = amount_low + 1"
         " WHERE kind = 'pool' AND currency = 'USD'", "pool", (100_651, 1), (100_650, 1)),
        ("UPDATE kind_balances SET accounts = accounts + 1"
         " WHERE kind = 'disbursed' AND currency = 'USD'", "disbursed", (60_000, 2), (60_000, 1)),
        ("DELETE FROM kind_balances WHERE kind = 'refunded' AND currency = 'USD'",
         "refunded", (0, 0), (15_000, 1)),
        ("INSERT INTO kind_balances (kind, currency, amount_high, amount_low, accounts)"
         " VALUES ('elsewhere', 'USD', 0, 7, 1)", "elsewhere", (7, 1), (0, 0)),
    ],
)  # fmt: skip
def test_verify_names_a_kind_whose_total_was_edited_in_sql(
    uow_factory: UowFactory,
    statement: str,
    kind: str,
    says: tuple[int, int],
    sums: tuple[int, int],
) -> None:
    append_history(uow_factory)
    assert kind_findings(uow_factory()) == []
    with uow_factory() as uow:
        assert uow.session.execute(text(statement)).rowcount == 1  # type: ignore[attr-defined]
        uow.commit()
    (finding,) = kind_findings(uow_factory())
    assert (finding.row, finding.contribution) == (f"kind_balances {kind} USD", None)
    assert finding.message == (
        f"kind_balances {kind} USD holds {says[0]} in {says[1]} accounts not at zero, the "
        f"postings to the {kind} accounts in USD sum to {sums[0]} in {sums[1]}"
    )
    # The accounts' rows still agree with the postings: only the kind's row is named.
    assert [f for f in ledger_service.verify(uow_factory())[1] if f.rule == "account-balance"] == []
