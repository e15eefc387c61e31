"""Reads that must agree with each other (an export) see the database as of one moment, on
SQLite and on PostgreSQL, even while another writer commits."""

from __future__ import annotations

import threading
from collections.abc import Callable

from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.money import USD, Money
from purldesk.services import catalog, exports

UowFactory = Callable[[], SqlUnitOfWork]


def item(code: str) -> CatalogItem:
    return CatalogItem(
        ItemCode(code), f"Kit {code}", "medical", AidClass.HUMANITARIAN, Money(250_000, USD), 2,
        50, 30,
    )  # fmt: skip


def test_a_writer_committing_meanwhile_is_not_seen_by_a_reader_of_one_moment(
    uow_factory: UowFactory,
) -> None:
    catalog.import_items(uow_factory(), items=[item("MED-1")])
    failed: list[BaseException] = []

    def write() -> None:
        try:
            catalog.import_items(uow_factory(), items=[item("MED-2")])
        except BaseException as error:  # reported by the assertion below
            failed.append(error)

    reader = uow_factory()
    with reader:
        reader.read_one_moment()
        before = [i.code for i in reader.catalog.list()]
        # The writer commits while the reader is open: a reader holds no write lock (on SQLite
        # a writer kept waiting would give up after the busy timeout, and fail here).
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=60)
        after = [i.code for i in reader.catalog.list()]
    assert not writer.is_alive()
    assert failed == []
    assert before == after == ["MED-1"]
    assert [i.code for i in exports.snapshot(uow_factory()).catalog] == ["MED-1", "MED-2"]
