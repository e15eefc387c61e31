"""The reader: a read-only transaction that never waits for the write lock, and whose queries
all see one moment, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.money import USD, Money
from purldesk.services import catalog


def item(code: str) -> CatalogItem:
    return CatalogItem(
        ItemCode(code), f"Kit {code}", "medical", AidClass.HUMANITARIAN, Money(250_000, USD), 2,
        50, 30,
    )  # fmt: skip


def test_a_reader_reads_while_a_writer_holds_the_write_lock(engine: Engine) -> None:
    sessions = session_factory(engine)
    catalog.import_items(SqlUnitOfWork(sessions), items=[item("MED-1")])
    writer = SqlUnitOfWork(sessions)
    with writer:
        writer.ledger.lock()  # PostgreSQL's advisory lock; SQLite's BEGIN IMMEDIATE holds it
        writer.catalog.add(item("MED-2"))
        # With BEGIN IMMEDIATE the reader would wait here until the busy timeout.
        with SqlReader(sessions) as reader:
            seen = list(reader.items())
    assert seen == ["MED-1"]


def test_every_query_of_a_reader_sees_one_moment(engine: Engine) -> None:
    sessions = session_factory(engine)
    catalog.import_items(SqlUnitOfWork(sessions), items=[item("MED-1")])
    with SqlReader(sessions) as reader:
        before = list(reader.items())
        # A writer commits meanwhile; a reader holds no lock, so it does not wait for it.
        writer = threading.Thread(
            target=lambda: catalog.import_items(SqlUnitOfWork(sessions), items=[item("MED-2")])
        )
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive()
        after = list(reader.items())
    assert before == after == ["MED-1"]
    with SqlReader(sessions) as reader:
        assert list(reader.items()) == ["MED-1", "MED-2"]
