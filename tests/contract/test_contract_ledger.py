"""The stored ledger reads back exactly as sealed, continues its chain across transactions and
sums its balances, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from purldesk.domain import ledger
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.domain.money import USD, Money, convert, currency
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
RECORDED_AT = datetime(2025, 10, 20, 14, 5, 9, 654321, tzinfo=UTC)
KRW_PLEDGE = Money(75_000_000_000, currency("KRW"))


def pledge_to_package() -> list[LedgerTransaction]:
    """Pledge in KRW, receipt converted to USD at an exact rate, part allocated to a package."""
    conversion = convert(
        KRW_PLEDGE, target="USD", rate=Decimal("0.000712340"), rate_date=date(2025, 10, 17),
        source="ECB",
    )  # fmt: skip
    return [
        ledger.transfer(
            TransactionKind.PLEDGE, source=ledger.pledged(1), destination=ledger.receivable(1),
            amount=KRW_PLEDGE, occurred_on=date(2025, 10, 2), memo="pledge", contribution_id=1,
        ),
        ledger.receipt(1, conversion, occurred_on=date(2025, 10, 20)),
        ledger.transfer(
            TransactionKind.ALLOCATION, source=ledger.pool(1), destination=ledger.obligated(1, 1),
            amount=Money(40_000_000_00, USD), occurred_on=date(2025, 10, 20),
            memo="to P-0001 — ünïcode ok", contribution_id=1, package_id=1,
        ),
    ]  # fmt: skip


def appended(
    uow_factory: UowFactory, recorded_at: datetime = RECORDED_AT
) -> list[ledger.LedgerEntry]:
    with uow_factory() as uow:
        entries = uow.ledger.append(pledge_to_package(), recorded_at=recorded_at)
        uow.commit()
    return entries


def test_entries_read_back_equal_to_what_was_sealed(uow_factory: UowFactory) -> None:
    sealed = appended(uow_factory)
    with uow_factory() as uow:
        stored = uow.ledger.entries()
        assert stored == sealed
        assert uow.ledger.head() == sealed[-1]
        assert uow.ledger.head_seq() == sealed[-1].seq
    assert [e.seq for e in stored] == [1, 2, 3]
    assert stored[1].transaction.conversion is not None
    assert str(stored[1].transaction.conversion.rate) == "0.000712340"
    assert ledger.verify(stored) == []


def test_recorded_at_in_any_zone_is_sealed_and_read_back_in_utc(uow_factory: UowFactory) -> None:
    kyiv = RECORDED_AT.astimezone(timezone(timedelta(hours=3)))
    sealed = appended(uow_factory, recorded_at=kyiv)
    assert sealed[0].recorded_at.isoformat() == "2025-10-20T14:05:09.654321+00:00"
    with uow_factory() as uow:
        stored = uow.ledger.entries()
    assert [e.recorded_at.isoformat() for e in stored] == [RECORDED_AT.isoformat()] * 3
    assert [e.hash for e in stored] == [
        ledger.entry_hash(e.seq, e.recorded_at, e.transaction, e.prev_hash) for e in stored
    ]


def test_a_naive_recorded_at_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError, match="timezone-aware"):
        uow.ledger.append(pledge_to_package(), recorded_at=datetime(2025, 10, 20))


def test_appends_continue_the_chain_across_transactions(uow_factory: UowFactory) -> None:
    first = appended(uow_factory)
    with uow_factory() as uow:
        reversal = ledger.reversal_of(first[2], occurred_on=date(2025, 10, 22))
        (second,) = uow.ledger.append([reversal], recorded_at=RECORDED_AT + timedelta(days=2))
        assert uow.ledger.append([], recorded_at=RECORDED_AT) == []
        uow.commit()
    assert (second.seq, second.prev_hash) == (4, first[-1].hash)
    with uow_factory() as uow:
        entries = uow.ledger.entries()
        assert entries[3].transaction.reverses == 3
        assert ledger.verify(entries) == []


def test_balances_are_summed_per_account_and_currency(uow_factory: UowFactory) -> None:
    appended(uow_factory)
    with uow_factory() as uow:
        entries = uow.ledger.entries()
        sums = uow.ledger.balances()
    assert sums == ledger.balances(e.transaction for e in entries)
    assert sums[ledger.obligated(1, 1), USD] == 40_000_000_00
    assert (ledger.receivable(1), "KRW") not in sums  # settled to zero, so not listed
    assert all(type(value) is int for value in sums.values())


def test_an_empty_ledger_has_no_head_entries_or_balances(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.ledger.head() is None
        assert uow.ledger.head_seq() == 0
        assert uow.ledger.entries() == []
        assert uow.ledger.balances() == {}


def test_an_append_not_committed_leaves_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.ledger.append(pledge_to_package(), recorded_at=RECORDED_AT)
    with uow_factory() as uow:
        assert uow.ledger.entries() == []
    assert appended(uow_factory)[0].seq == 1
