"""Sums of postings never overflow, on both databases: 40 postings of nearly 2**62 each (far
beyond what the bound on one amount lets in, and beyond 2**63 in total, in any order) are
summed exactly by the ledger's balances and the reports' balance queries, and kept exactly by
the running balances and their kind's total, rebuilt from them or moved by one posting at a
time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from purldesk.adapters.storage import balances
from purldesk.adapters.storage.engine import ReadSession, make_engine
from purldesk.adapters.storage.ledger import SqlLedger
from purldesk.adapters.storage.queries import SqlQueries
from purldesk.adapters.storage.tables import LedgerEntryRow, LedgerPostingRow

HUGE = 2**62 - 12_345
SIGNS = [1, 1, 1, -1] * 10  # 40 postings: a net of 20 * HUGE, with running totals past 2**63


def _huge_postings(session: Session) -> None:
    """One entry of the 40 postings, written in SQL (as a restore writes them)."""
    session.execute(insert(LedgerEntryRow).values(
        seq=1, recorded_at=datetime(2025, 8, 4, tzinfo=UTC), kind="pledge",
        occurred_on=date(2025, 8, 4), memo="", prev_hash="0" * 64, hash="1" * 64))  # fmt: skip
    session.execute(
        insert(LedgerPostingRow),
        [
            {"entry_seq": 1, "position": i, "account": "pool:C-00001", "currency": "USD",
             "amount_minor": sign * HUGE, "contribution_ref": "C-00001"}
            for i, sign in enumerate(SIGNS)
        ],
    )  # fmt: skip


def test_sums_of_postings_far_beyond_64_bits_are_exact(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        _huge_postings(session)
        balances.rebuild(session)  # the running balances of postings written without appends
        expected = sum(SIGNS) * HUGE
        assert expected > 2**63
        ledger = SqlLedger(session)
        assert ledger.balances() == {("pool:C-00001", "USD"): expected}
        assert balances.kept_kinds(session) == {("pool", "USD"): (expected, 1)}
        assert ledger.balances_of(["pool:C-00001"]) == {("pool:C-00001", "USD"): expected}
        assert ledger.contribution_balances([1]) == {("pool:C-00001", "USD"): expected}
        queries = SqlQueries(ReadSession(session))
        assert queries.balance_of_kind("pool", currency="USD") == expected
        assert queries.balance_of(["pool:C-00001"], currency="USD") == expected
        assert queries.balance_of(["pool:C-00002"], currency="USD") == 0
    engine.dispose()


def test_running_balances_moved_one_posting_at_a_time_past_64_bits_are_exact(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        _huge_postings(session)
        (entry,) = SqlLedger(session).entries()
        running = 0
        for posting in entry.transaction.postings:  # past 2**63 and back below, and past again
            balances.move(session, [posting])
            running += posting.amount.minor
            assert balances.kept(session) == {("pool:C-00001", "USD"): running}
            assert balances.kept_kinds(session) == {("pool", "USD"): (running, int(running != 0))}
        assert running > 2**63
        assert SqlLedger(session).pools_holding() == {1: running}
    engine.dispose()
