"""The history's ports, the same on the fake, SQLite and PostgreSQL: packages' kept states
(appended, read back whole, in order), payments to the supplier, the audit log from a sequence
number on, and balances over the entries recorded before an instant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from test_contract_ledger_balances import move
from test_contract_restricted_contents import _seed

from purldesk.domain import ledger
from purldesk.domain.access import operator
from purldesk.domain.audit import AuditEvent
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.errors import AlreadyExists
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.domain.package_history import PackageRelease, PackageState
from purldesk.domain.packages import Attribution, PackageId, PackageStatus
from purldesk.domain.requirements import LineId
from purldesk.services.history_ports import Disbursement
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]
AT = datetime(2025, 10, 5, 9, 30, 15, 250_000, tzinfo=UTC)


def test_kept_states_read_back_whole_and_in_order(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    package = _seed(uow_factory)
    paid = replace(
        package, attributions=(Attribution(ContributionId(1), LineId(1), Money(2_000, USD)),)
    )
    shipped = (
        Shipment(ShipmentId(7), package.id, LineId(1), 2, date(2025, 10, 6), date(2025, 10, 7)),
    )
    states = [
        PackageRelease(package.id, 1, AT, 5, 0, PackageState.of(package, ())),
        PackageRelease(
            package.id, 2, AT + timedelta(hours=1), 9, 3,
            PackageState(replace(paid, status=PackageStatus.DELIVERED,
                                 accepted_on=date(2025, 10, 6)), shipped),
        ),
    ]  # fmt: skip
    with uow_factory() as uow:
        assert uow.releases.latest(package.id) is None
        for state in states:
            uow.releases.add(state)
        uow.commit()
    with uow_factory() as uow:
        assert uow.releases.latest(package.id) == states[1]
        with pytest.raises(AlreadyExists):
            uow.releases.add(replace(states[0], audit_seq=11))
    with reader_factory() as reader:
        assert reader.releases({package.id}) == states
        assert reader.releases({PackageId(99)}) == []
        assert reader.release_count() == 2
        assert reader.release_keys(offset=0, limit=10) == [(package.id, 1), (package.id, 2)]
        assert reader.release_keys(offset=1, limit=1) == [(package.id, 2)]


def test_a_page_s_states_are_read_with_the_one_before_and_the_latest(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    package = _seed(uow_factory)
    states = [
        PackageRelease(package.id, number, AT + timedelta(hours=number), number, 0,
                       PackageState.of(replace(package, name=f"state {number}"), ()))
        for number in range(1, 8)
    ]  # fmt: skip
    with uow_factory() as uow:
        for state in states:
            uow.releases.add(state)
        uow.commit()
    with reader_factory() as reader:
        assert reader.releases_around([(package.id, 3), (package.id, 4)]) == [
            states[1], states[2], states[3], states[6]]  # fmt: skip
        assert reader.releases_around([(package.id, 1)]) == [states[0], states[6]]
        assert reader.releases_around([(package.id, 7)]) == states[5:]
        assert reader.releases_around([(PackageId(99), 1)]) == []
        assert reader.releases_around([]) == []


def test_payments_to_the_supplier_are_the_postings_to_disbursed_accounts(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    paid_on = date(2025, 10, 20)
    with uow_factory() as uow:
        uow.ledger.append([
            move(ledger.pledged(1), ledger.pool(1), 1_000, 1),
            ledger.transfer(TransactionKind.DISBURSEMENT, source=ledger.payable(3, 1),
                            destination=ledger.disbursed(3, 1), amount=Money(600, USD),
                            occurred_on=paid_on, contribution_id=1, package_id=3),
            ledger.transfer(TransactionKind.DISBURSEMENT, source=ledger.payable(4, 2),
                            destination=ledger.disbursed(4, 2), amount=Money(50, USD),
                            occurred_on=paid_on, contribution_id=2, package_id=4),
        ], recorded_at=AT)  # fmt: skip
        uow.commit()
    with reader_factory() as reader:
        assert reader.disbursements({PackageId(3)}) == [
            Disbursement(PackageId(3), ContributionId(1), Money(600, USD), paid_on, 2)
        ]
        assert [d.package_id for d in reader.disbursements({PackageId(3), PackageId(4)})] == [3, 4]
        assert reader.disbursements({PackageId(1)}) == []


def test_the_audit_log_is_read_after_a_sequence_number(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    with uow_factory() as uow:
        for number in range(5):
            event = AuditEvent("test.write", f"T-{number}", {"n": number}, "r", operator("t"))
            uow.audit.append(event, at=AT + timedelta(seconds=number))
        uow.commit()
    with reader_factory() as reader:
        assert [e.target for e in reader.audit_since(0, limit=10)] == [
            "T-0", "T-1", "T-2", "T-3", "T-4"]  # fmt: skip
        assert [e.seq for e in reader.audit_since(2, limit=2)] == [3, 4]
        assert reader.audit_since(5, limit=10) == []
        with uow_factory() as uow:
            assert reader.audit_since(0, limit=10) == uow.audit.entries()


def test_balances_count_the_entries_recorded_before_an_instant(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    later = AT + timedelta(days=1)
    with uow_factory() as uow:
        uow.ledger.append([move(ledger.pledged(1), ledger.pool(1), 1_000, 1)], recorded_at=AT)
        uow.ledger.append([move(ledger.pool(1), ledger.obligated(2, 1), 400, 1)], recorded_at=later)
        uow.commit()
    with reader_factory() as reader:
        assert reader.balances_recorded_before(AT) == {}
        assert reader.balances_recorded_before(AT + timedelta(microseconds=1)) == {
            (ledger.pledged(1), "USD"): -1_000, (ledger.pool(1), "USD"): 1_000}  # fmt: skip
        with uow_factory() as uow:
            everything = uow.ledger.balances()
        assert reader.balances_recorded_before(later + timedelta(seconds=1)) == everything
        assert reader.balances_recorded_before(later)[ledger.pool(1), "USD"] == 1_000


def test_shipments_are_read_by_id(uow_factory: UowFactory, reader_factory: ReaderFactory) -> None:
    package = _seed(uow_factory)
    shipments = [
        Shipment(ShipmentId(number), package.id, LineId(1), 1, date(2025, 10, 6))
        for number in (3, 5)
    ]
    with uow_factory() as uow:
        for shipment in shipments:
            uow.shipments.add(shipment)
        uow.commit()
    with reader_factory() as reader:
        assert reader.shipments_by_id({5, 3, 9}) == shipments
        assert reader.shipments_by_id(set()) == []
