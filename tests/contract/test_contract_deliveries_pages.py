"""Deliveries are counted, filtered and paged by the reader, and the latest deliveries leave out
a restricted package's in the query: a viewer that may not see it still gets as many as it
may see. On the fake, SQLite and PostgreSQL alike, over `reader_world`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import reader_world
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.packages import PackageId
from purldesk.domain.requirements import LineId
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from purldesk.services.views import overview as overviews
from reader_world import NLD, seed

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]

ACCEPTED, DRAFT = PackageId(1), PackageId(3)  # reader_world's packages with shipments
NETHERLANDS = Actor(UserId(3), "contributor-nld", NLD, Role.CONTRIBUTOR).viewer
COORDINATOR = Actor(UserId(4), "coordinator", NLD, Role.COORDINATOR).viewer
LATEST = overviews.LATEST_SHIPMENTS


def _ship(
    uow_factory: UowFactory, package_id: PackageId, line_id: LineId, *, count: int, first: date
) -> list[Shipment]:
    """`count` more shipments of one line, a day apart from `first`, every other one received."""
    with uow_factory() as uow:
        start = max(s.id for s in uow.shipments.list()) + 1
        made = [
            Shipment(
                ShipmentId(start + n), package_id, line_id, 1, first + timedelta(days=n),
                None if n % 2 else first + timedelta(days=n + 1),
            )
            for n in range(count)
        ]  # fmt: skip
        for shipment in made:
            uow.shipments.add(shipment)
        uow.commit()
    return made


def _restrict(uow_factory: UowFactory, package_id: PackageId) -> None:
    with uow_factory() as uow:
        uow.packages.save(uow.packages.get(package_id).restricted_to([]))
        uow.commit()


def test_deliveries_are_filtered_counted_and_paged_by_id(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    first, second, third = reader_world.shipments()
    more = _ship(uow_factory, ACCEPTED, LineId(3), count=4, first=date(2025, 11, 10))
    every = [first, second, third, *more]
    with reader_factory() as reader:
        assert reader.count_deliveries() == 7
        assert reader.deliveries(offset=0, limit=100) == every
        assert reader.deliveries(offset=2, limit=3) == every[2:5]
        assert reader.deliveries(offset=7, limit=3) == []
        received = [s for s in every if s.is_confirmed]
        assert reader.count_deliveries(received=True) == len(received) == 3
        assert reader.deliveries(received=True, offset=0, limit=10) == received
        waiting = [s for s in every if not s.is_confirmed]
        assert reader.deliveries(received=False, offset=1, limit=10) == waiting[1:]
        of_accepted = [s for s in every if s.package_id == ACCEPTED]
        assert reader.count_deliveries(package_id=ACCEPTED) == 6
        assert reader.deliveries(package_id=ACCEPTED, offset=0, limit=10) == of_accepted
        assert reader.count_deliveries(excluding={ACCEPTED}) == 1
        assert reader.deliveries(excluding={ACCEPTED}, offset=0, limit=10) == [third]
        assert reader.count_deliveries(package_id=ACCEPTED, excluding={ACCEPTED}) == 0
        assert reader.deliveries(package_id=DRAFT, received=True, offset=0, limit=10) == []


def test_the_latest_deliveries_leave_out_excluded_packages_before_the_limit(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    hidden = _ship(uow_factory, DRAFT, LineId(1), count=LATEST + 3, first=date(2025, 12, 1))
    with reader_factory() as reader:
        everyone = reader.latest_shipments(LATEST)
        visible = reader.latest_shipments(LATEST, excluding={DRAFT})
    assert {s.shipment.id for s in everyone} <= {s.id for s in hidden}
    first, second, _ = reader_world.shipments()
    assert [(s.shipment, s.line_ref) for s in visible] == [(first, "L-1"), (second, "L-2")]


def test_a_viewer_not_shown_a_restricted_package_still_gets_a_full_list_of_deliveries(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    """More than a list's worth of shipments of a restricted package, the latest of all: a
    viewer not cleared for it gets every visible delivery, then a full list of them."""
    seed(uow_factory)
    _ship(uow_factory, DRAFT, LineId(1), count=LATEST + 3, first=date(2025, 12, 1))
    _restrict(uow_factory, DRAFT)
    today = date(2026, 1, 15)
    shown = overviews.overview(reader_factory(), viewer=NETHERLANDS, today=today).deliveries
    assert [(d.shipment_id, d.package_id) for d in shown] == [(1, ACCEPTED), (2, ACCEPTED)]
    _ship(uow_factory, ACCEPTED, LineId(3), count=LATEST + 2, first=date(2025, 11, 10))
    shown = overviews.overview(reader_factory(), viewer=NETHERLANDS, today=today).deliveries
    assert len(shown) == LATEST
    assert {d.package_id for d in shown} == {ACCEPTED}
    everything = overviews.overview(reader_factory(), viewer=COORDINATOR, today=today)
    assert len(everything.deliveries) == LATEST
    assert {d.package_id for d in everything.deliveries} == {DRAFT}  # the latest of all
