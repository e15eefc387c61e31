"""The work pages' queries of the Reader port (`page_queries`, `ledger_queries`) give the same
answers on the fake, SQLite and PostgreSQL: lines searched, filtered and paged; shipments
awaiting confirmation; the ledger's entries, balances as of a day and the audit log, paged."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from purldesk.domain.audit import AuditEvent
from purldesk.domain.catalog import AidClass
from purldesk.domain.ledger import FX_TRADING, LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import PackageId
from purldesk.domain.requirements import LineId, LineStatus
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Balance, Funding, LineCounts, LineFilter, Reader
from reader_world import AT, CAN, DEU, EUR, NLD, OCTOBER, SEPTEMBER, seed

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]
EVERY = LineFilter()
DAY = timedelta(days=1)
END_OF_FIRST_DAY = datetime(2025, 10, 2, tzinfo=UTC)  # AT is on 1 October
END_OF_SECOND_DAY = END_OF_FIRST_DAY + DAY
HIDING_P1 = (PackageId(1),)  # a viewer not shown the contents of package P-0001


def _moved(on: date, *moves: tuple[str, int]) -> LedgerTransaction:
    return LedgerTransaction(
        kind=TransactionKind.REFUND, occurred_on=on,
        postings=tuple(Posting(account, Money(minor, USD)) for account, minor in moves),
    )  # fmt: skip


@pytest.fixture
def reader(uow_factory: UowFactory, reader_factory: ReaderFactory) -> Iterable[Reader]:
    """`reader_world` (recorded at AT), with L-2 funded and L-3 withdrawn, two ledger entries
    recorded a day and two days later, each dated long after (the second empties an account),
    and three audit entries."""
    seed(uow_factory)
    with uow_factory() as uow:
        for line_id, status in ((LineId(3), LineStatus.FUNDED), (LineId(4), LineStatus.WITHDRAWN)):
            uow.requirements.save(replace(uow.requirements.get(line_id), status=status),
                                  at=AT, by="UKR")  # fmt: skip
        uow.ledger.append([_moved(date(2025, 11, 1), ("pool:C-00009", 7), (FX_TRADING, -7))],
                          recorded_at=AT + DAY)  # fmt: skip
        uow.ledger.append(
            [_moved(date(2025, 11, 12), ("disbursed:P-0001:C-00001", -500_00),
                    ("refunded:C-00001", 500_00))],
            recorded_at=AT + 2 * DAY,
        )  # fmt: skip
        for n in (1, 2, 3):
            uow.audit.append(AuditEvent(f"area.verb{n}", f"T-{n}", {"n": n}, f"req-{n}"), at=AT)
        uow.commit()
    with reader_factory() as opened:
        yield opened


def refs(reader: Reader, wanted: LineFilter, excluding: tuple[PackageId, ...] = ()) -> list[str]:
    found = reader.held_lines(OCTOBER, matching=wanted, excluding=excluding, offset=0, limit=50)
    return [held.line.ref for held in found]


def test_lines_come_by_rank_withdrawn_last_with_the_lots_each_viewer_is_shown(
    reader: Reader,
) -> None:
    every = reader.held_lines(OCTOBER, matching=EVERY, offset=0, limit=10)
    assert [(h.line.ref, h.lots_shown, h.lots_hidden) for h in every] == [
        ("L-1", 1, 0), ("L-2", 2, 0), ("L-3", 0, 0),
    ]  # fmt: skip
    hiding = reader.held_lines(OCTOBER, matching=EVERY, excluding=HIDING_P1, offset=0, limit=10)
    assert [(h.line.ref, h.lots_shown, h.lots_hidden) for h in hiding] == [
        ("L-1", 0, 1), ("L-2", 0, 2), ("L-3", 0, 0),
    ]  # fmt: skip
    assert [h.line.ref for h in reader.held_lines(OCTOBER, matching=EVERY, offset=1, limit=1)] == [
        "L-2"
    ]
    assert reader.count_lines(OCTOBER, matching=EVERY) == LineCounts(matching=3, active=2)
    assert reader.count_lines(SEPTEMBER, matching=EVERY) == LineCounts(matching=1, active=1)


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (LineFilter(text="RADAR"), ["L-1"]),  # the item's name, whatever the case
        (LineFilter(text="need l-2"), ["L-2"]),  # the justification
        (LineFilter(text=" l-3 "), ["L-3"]),  # the ref
        (LineFilter(text="%"), []),  # a wildcard is a character like any other
        (LineFilter(area="medical"), ["L-2", "L-3"]),
        (LineFilter(aid_class=AidClass.DEFENSIVE), ["L-1"]),
        (LineFilter(status=LineStatus.FUNDED), ["L-2"]),
        (LineFilter(status=LineStatus.WITHDRAWN), ["L-3"]),
        (LineFilter(funding=Funding.FULLY), ["L-2"]),  # two lots of the one needed
        (LineFilter(funding=Funding.PARTLY), ["L-1"]),  # one of four
        (LineFilter(funding=Funding.UNFUNDED), []),  # L-3 is withdrawn, not unfunded
        (LineFilter(area="medical", funding=Funding.FULLY, text="kit"), ["L-2"]),
    ],
)
def test_a_filter_keeps_the_lines_that_meet_every_criterion_set(
    reader: Reader, wanted: LineFilter, expected: list[str]
) -> None:
    assert refs(reader, wanted) == expected
    assert reader.count_lines(OCTOBER, matching=wanted).matching == len(expected)


def test_a_viewer_not_shown_a_package_filters_on_the_status_and_funding_it_is_shown(
    reader: Reader,
) -> None:
    # L-2 is funded by P-0001 alone: to a viewer not shown P-0001 it is open and unfunded.
    assert refs(reader, LineFilter(status=LineStatus.FUNDED), HIDING_P1) == []
    assert refs(reader, LineFilter(status=LineStatus.OPEN), HIDING_P1) == ["L-1", "L-2"]
    assert refs(reader, LineFilter(funding=Funding.UNFUNDED), HIDING_P1) == ["L-1", "L-2"]
    wanted = LineFilter(status=LineStatus.OPEN)
    assert reader.count_lines(OCTOBER, matching=wanted, excluding=HIDING_P1).matching == 2


def test_shipments_awaiting_confirmation_come_earliest_shipped_first(reader: Reader) -> None:
    waiting = reader.unconfirmed_shipments(limit=10)
    assert [(s.shipment.id, s.line_ref, s.item_name) for s in waiting] == [
        (3, "A-1", "Trauma kit"), (2, "L-2", "Trauma kit"),
    ]  # fmt: skip
    assert [s.shipment.id for s in reader.unconfirmed_shipments(limit=1)] == [3]
    assert reader.count_unconfirmed_shipments() == 2


def test_givers_are_the_contributors_by_code(reader: Reader) -> None:
    assert reader.givers() == [CAN, DEU, NLD]


def test_ledger_entries_come_newest_first_in_pages_of_sequence_numbers(reader: Reader) -> None:
    assert reader.ledger_size() == 5
    newest = reader.ledger_entries(upto=5, limit=2)
    assert [e.seq for e in newest] == [5, 4]
    assert (newest[0].kind, newest[0].occurred_on, newest[0].recorded_at) == (
        "refund", date(2025, 11, 12), AT + 2 * DAY,
    )  # fmt: skip
    assert [(p.account, p.currency, p.amount_minor) for p in newest[0].postings] == [
        ("disbursed:P-0001:C-00001", USD, -500_00), ("refunded:C-00001", USD, 500_00),
    ]  # fmt: skip
    assert [e.seq for e in reader.ledger_entries(upto=2, limit=5)] == [2, 1]
    assert len({e.hash for e in reader.ledger_entries(upto=5, limit=5)}) == 5


def test_balances_by_kind_and_by_account_recorded_before_an_instant_leave_out_zeros(
    reader: Reader,
) -> None:
    assert reader.kind_balances() == [
        Balance("disbursed", USD, 300_00), Balance("fx-trading", USD, -7),
        Balance("pledged", EUR, -1_000_000_00), Balance("pool", USD, -800_00 + 7),
        Balance("receivable", EUR, 1_000_000_00), Balance("refunded", USD, 500_00),
    ]  # fmt: skip
    # What was recorded before an instant, whatever day it is dated: before the refund was
    # recorded, P-0001's disbursement to C-00001 still stands.
    second_day = reader.kind_balances(before=END_OF_SECOND_DAY)
    assert Balance("disbursed", USD, 800_00) in second_day
    assert Balance("pool", USD, -800_00 + 7) in second_day
    assert all(b.account != "refunded" for b in second_day)
    assert reader.kind_balances(before=END_OF_FIRST_DAY) == [
        Balance("disbursed", USD, 800_00), Balance("pledged", EUR, -1_000_000_00),
        Balance("pool", USD, -800_00), Balance("receivable", EUR, 1_000_000_00),
    ]  # fmt: skip
    assert reader.kind_balances(before=AT) == []  # strictly before
    accounts = reader.account_balances(offset=0, limit=20)
    assert [(b.account, b.balance_minor) for b in accounts] == [
        ("disbursed:P-0001:C-00003", 300_00), ("fx-trading", -7),
        ("pledged:C-00001", -1_000_000_00), ("pool:C-00001", -500_00), ("pool:C-00003", -300_00),
        ("pool:C-00009", 7), ("receivable:C-00001", 1_000_000_00), ("refunded:C-00001", 500_00),
    ]  # fmt: skip
    assert reader.count_accounts() == 8
    assert reader.account_balances(offset=2, limit=2) == accounts[2:4]
    then = reader.account_balances(before=END_OF_SECOND_DAY, offset=0, limit=20)
    assert Balance("disbursed:P-0001:C-00001", USD, 500_00) in then
    assert reader.count_accounts(before=END_OF_SECOND_DAY) == len(then) == 8


def test_audit_entries_come_newest_first_in_pages_of_sequence_numbers(reader: Reader) -> None:
    assert reader.audit_size() == 3
    assert [(e.seq, e.action, e.target) for e in reader.audit_entries(upto=2, limit=5)] == [
        (2, "area.verb2", "T-2"), (1, "area.verb1", "T-1"),
    ]  # fmt: skip
    assert [e.seq for e in reader.audit_entries(upto=3, limit=1)] == [3]


def test_a_balance_is_zero_or_not_exactly_whatever_the_halves_it_is_summed_in(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    big = 2**33 + 2**32  # past the low half: each sum carries into the high one
    with uow_factory() as uow:
        uow.ledger.append(
            [_moved(date(2025, 1, 1), ("pool:C-00001", big), ("pool:C-00002", -big))],
            recorded_at=AT,
        )
        uow.ledger.append(
            [_moved(date(2025, 1, 2), ("pool:C-00001", -big), ("pool:C-00002", big - 1),
                    ("pool:C-00003", 1))],
            recorded_at=AT + DAY,
        )  # fmt: skip
        uow.commit()
    with reader_factory() as reader:
        assert reader.account_balances(offset=0, limit=5) == [
            Balance("pool:C-00002", USD, -1), Balance("pool:C-00003", USD, 1),
        ]  # fmt: skip
        assert reader.kind_balances() == []
        assert reader.count_accounts(before=AT + DAY) == 2  # the first entry alone
