"""The contributions page, the contributions' totals and a page of deliveries read a page and
sums, not the history: they issue the same SQL statements, fetching as many rows, over a short
and a long history, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import Engine

import reader_world
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.services.views import contributions as contribution_pages
from sql_costs import Cost, SqlCounter

RECIPIENT = Actor(UserId(1), "mod@ukr", ParticipantCode("UKR"), Role.RECIPIENT).viewer


def _grow(uow_factory: Callable[[], SqlUnitOfWork], *, count: int) -> None:
    """`count` more contributions, copies of the world's (same givers, currencies and
    disclosure), and as many shipments of package 1."""
    with uow_factory() as uow:
        known = uow.contributions.list()
        shipped = uow.shipments.list()
        for n in range(count):
            model = reader_world.contributions()[n % 4]
            uow.contributions.add(replace(model, id=ContributionId(len(known) + n + 1)))
            uow.shipments.add(
                Shipment(
                    ShipmentId(len(shipped) + n + 1), PackageId(1), LineId(3), 1,
                    date(2025, 11, 1) + timedelta(days=n % 60),
                )
            )  # fmt: skip
        uow.commit()


def _pages(engine: Engine) -> tuple[Cost, int, int]:
    sessions = session_factory(engine)

    def read() -> tuple[int, int]:
        page = contribution_pages.contributions(SqlReader(sessions), viewer=RECIPIENT, size=10)
        contribution_pages.contribution_totals(SqlReader(sessions), viewer=RECIPIENT)
        with SqlReader(sessions) as reader:
            reader.count_deliveries(excluding={PackageId(3)})
            found = reader.deliveries(excluding={PackageId(3)}, offset=5, limit=10)
        return len(page.rows), len(found)

    shown, cost = SqlCounter(engine).measure(read)
    return cost, *shown


def test_the_contribution_and_delivery_pages_cost_the_same_however_long_the_history(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    reader_world.seed(uow_factory)
    _grow(uow_factory, count=30)
    short = _pages(engine)
    _grow(uow_factory, count=400)
    long = _pages(engine)
    assert short[1:] == long[1:] == (10, 10)  # a page of each list
    assert short[0] == long[0]  # as many statements, fetching as many rows
