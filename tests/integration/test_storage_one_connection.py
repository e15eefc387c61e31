"""A command holds one connection: the reference rates it converts money at are read in its own
transaction, not through a second connection (with every connection of a pool held by writers
waiting for the ledger lock, the one holding it would wait for a second one for ever). And a
pool with no connection free answers "unavailable", not an internal error. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, event

from database_world import CHEAP_PASSWORDS
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.demo.scenario import DEMO_OPERATOR
from purldesk.domain.errors import StorageUnavailable
from purldesk.domain.money import Money
from purldesk.services import contributions

DAY = date(2025, 12, 5)


@pytest.fixture
def wired(demo_url: str) -> Iterator[Application]:
    app = build(load_settings(database_url=demo_url), passwords=CHEAP_PASSWORDS)
    yield app
    app.close()


def _pledge_and_receive(app: Application, request: str) -> None:
    pledge = contributions.Pledge(
        contributor="NLD", amount=Money.of(1_000_000, "EUR"), pledged_on=DAY
    )
    made = app.run(pledge, actor=DEMO_OPERATOR, request_id=request)
    received = contributions.Receive(contribution_id=made.id, on=DAY)
    done = app.run(received, actor=DEMO_OPERATOR, request_id=request)
    assert done.usd is not None and done.usd.currency == "USD"


def test_a_receipt_converts_at_rates_read_on_its_own_connection(wired: Application) -> None:
    held = {"now": 0, "most": 0}

    def out(*_args: object) -> None:
        held["now"] += 1
        held["most"] = max(held["most"], held["now"])

    def back(*_args: object) -> None:
        held["now"] -= 1

    event.listen(wired.engine, "checkout", out)
    event.listen(wired.engine, "checkin", back)
    _pledge_and_receive(wired, "one-connection")
    assert held["most"] == 1


def test_a_pool_with_no_connection_free_answers_unavailable(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    sessions = session_factory(engine)
    try:
        first = SqlUnitOfWork(sessions)
        with first:
            first.participants.list()  # holds the pool's one connection
            second = SqlUnitOfWork(sessions)
            unavailable = pytest.raises(StorageUnavailable, match="no database connection free")
            with unavailable, second:
                second.participants.list()
    finally:
        engine.dispose()
