"""A ledger row edited in SQL still loads, so that `verify` reports the edit against its entry,
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text

from builders import allocation_tx, pledge_tx, receipt_tx
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import ledger

UowFactory = Callable[[], SqlUnitOfWork]
RECORDED_AT = datetime(2025, 10, 20, 14, 5, 9, 654321, tzinfo=UTC)


def tamper(uow_factory: UowFactory, statement: str) -> list[ledger.Finding]:
    """Pledge, receipt (four postings) and allocation, then `statement` run on the stored rows."""
    with uow_factory() as uow:
        uow.ledger.append([pledge_tx(), receipt_tx(), allocation_tx()], recorded_at=RECORDED_AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.session.execute(text(statement)).rowcount == 1  # type: ignore[attr-defined]
        uow.commit()
    with uow_factory() as uow:
        return ledger.verify(uow.ledger.entries())


def test_an_amount_altered_in_sql_is_reported_against_its_entry(uow_factory: UowFactory) -> None:
    findings = tamper(
        uow_factory,
        "UPDATE ledger_postings SET amount_minor = amount_minor + 1"
        " WHERE entry_seq = 2 AND position = 2",
    )
    assert {(f.rule, f.seq) for f in findings if f.seq is not None} == {
        ("balanced", 2),
        ("hash", 2),
    }


def test_a_memo_altered_in_sql_is_reported_against_its_entry(uow_factory: UowFactory) -> None:
    findings = tamper(
        uow_factory, "UPDATE ledger_entries SET memo = 'nothing to see' WHERE seq = 3"
    )
    assert [(f.rule, f.seq) for f in findings] == [("hash", 3)]


def test_a_date_altered_in_sql_is_reported(uow_factory: UowFactory) -> None:
    findings = tamper(
        uow_factory,
        "UPDATE ledger_entries SET occurred_on = '2025-01-01' WHERE seq = 1",
    )
    assert [(f.rule, f.seq) for f in findings] == [("hash", 1)]
