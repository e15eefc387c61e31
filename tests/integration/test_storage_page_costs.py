"""A work page reads one page of its lists, not their history: the requirements page and the
ledger page issue the same SQL statements over a short and a long history, on SQLite and on
PostgreSQL, and the rows they read are bounded by their page sizes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.access import OPERATOR
from purldesk.domain.audit import AuditEvent
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.ledger import LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import Cycle, CycleId, LineId, RequirementLine
from purldesk.services.read_ports import LineFilter
from purldesk.services.views import ledger as ledger_pages
from purldesk.services.views import requirements as list_pages
from sql_costs import Cost, SqlCounter

AT = datetime(2025, 10, 1, 9, tzinfo=UTC)
KIT = CatalogItem(ItemCode("MED-1"), "Trauma kit", "medical", AidClass.HUMANITARIAN,
                  Money(2_000_00, USD), 10, 500, 14)  # fmt: skip


def _receipt(account: str, amount: Money) -> LedgerTransaction:
    return LedgerTransaction(
        kind=TransactionKind.RECEIPT, occurred_on=date(2025, 10, 2),
        postings=(Posting(account, amount), Posting("fx-trading", -amount)),
    )  # fmt: skip


def _grow(uow_factory: Callable[[], SqlUnitOfWork], *, lines: int, entries: int) -> None:
    """`lines` lines on cycle 1, `entries` ledger entries and as many audit entries."""
    with uow_factory() as uow:
        if uow.cycles.find_by_name("2025-10") is None:
            uow.catalog.add(KIT)
            uow.cycles.add(Cycle(CycleId(1), "2025-10", date(2025, 10, 1)))
        known = len(uow.requirements.list(CycleId(1)))
        for n in range(known + 1, known + lines + 1):
            uow.requirements.add(
                RequirementLine(
                    id=LineId(n), ref=f"L-{n}", cycle_id=CycleId(1), item_code=KIT.code,
                    area="medical", aid_class=AidClass.HUMANITARIAN, quantity=10, rank=n,
                    needed_by=date(2026, 1, 31), justification=f"need {n}",
                ),
                at=AT, by="UKR",
            )  # fmt: skip
        moved = Money(1_00, USD)
        receipts = [_receipt(f"pool:C-{n:05d}", moved) for n in range(1, entries + 1)]
        uow.ledger.append(receipts, recorded_at=AT)
        for n in range(entries):
            uow.audit.append(AuditEvent("area.verb", f"T-{n}", {"n": n}, f"req-{n}"), at=AT)
        uow.commit()


def _pages(engine: Engine) -> tuple[Cost, int, int, int]:
    """What reading both pages costs, and the lines, entries and accounts they hold."""
    sessions = session_factory(engine)
    query = list_pages.ListQuery(matching=LineFilter(text="need"), page=2, size=25)

    def read() -> tuple[int, int, int]:
        listed = list_pages.requirements(
            SqlReader(sessions), viewer=OPERATOR, cycle_name="2025-10", query=query
        )
        ledger = ledger_pages.ledger_page(
            SqlReader(sessions), viewer=OPERATOR, asked=ledger_pages.LedgerAsked(entries=2)
        )
        return len(listed.lines), len(ledger.entries), len(ledger.accounts)

    shown, cost = SqlCounter(engine).measure(read)
    return cost, *shown


def test_the_work_pages_cost_the_same_however_long_the_history(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    _grow(uow_factory, lines=60, entries=60)
    short = _pages(engine)
    _grow(uow_factory, lines=600, entries=600)
    long = _pages(engine)
    assert short[1:] == long[1:] == (25, 25, 50)  # a page of each list
    assert short[0] == long[0]  # as many statements, fetching as many rows
