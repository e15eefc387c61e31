"""Views run on the in-memory reader: no database. The contract suite (tests/contract/
test_contract_reader.py) holds the fake reader to what SQLite and PostgreSQL answer."""

from __future__ import annotations

from datetime import date

from fakes import FakeDatabase, FakeReader, FakeUnitOfWork
from purldesk.domain.access import OPERATOR, PUBLIC
from purldesk.domain.money import USD, Money
from purldesk.services.views.overview import overview
from purldesk.services.views.rows import ANONYMOUS
from reader_world import EUR, OCTOBER, seed

TODAY = date(2025, 11, 20)


def seeded() -> FakeReader:
    database = FakeDatabase()
    seed(lambda: FakeUnitOfWork(database))
    return FakeReader(database)


def test_the_public_overview_counts_hidden_pledges_without_summing_them() -> None:
    view = overview(seeded(), viewer=PUBLIC, today=TODAY)
    assert view.cycle is not None and view.cycle.id == OCTOBER
    # Canada's anonymous EUR would name it (its currency): it is counted in USD only.
    assert view.pledged == {EUR: Money(1_000_000_00, EUR)}
    assert view.received_usd == Money(1_320_000_00, USD)
    assert (view.counted, view.undisclosed_count) == (4, 2)
    assert [bar.label for bar in view.by_contributor] == ["Netherlands", ANONYMOUS]
    assert view.allocated_usd == Money(1_600_000_00, USD)  # the cancelled package left out
    assert view.disbursed_usd == Money(800_00, USD)
    assert [p.ref for p in view.packages] == ["P-0001", "P-0003"]
    assert (view.lines_count, view.funded_through_rank) == (3, 0)  # the radar: 1 lot of 4
    # The latest first: received on 9 November, shipped on the 5th, shipped on 20 September.
    assert [(d.shipment_id, d.line_ref) for d in view.deliveries] == [
        (1, "L-1"), (2, "L-2"), (3, "A-1")
    ]  # fmt: skip
    assert view.since == date(2025, 9, 20)


def test_the_operator_overview_sees_every_amount_and_giver() -> None:
    view = overview(seeded(), viewer=OPERATOR, today=TODAY)
    assert view.pledged == {EUR: Money(1_200_000_00, EUR), USD: Money(600_000_00, USD)}
    assert (view.counted, view.undisclosed_count) == (4, 0)
    assert [bar.label for bar in view.by_contributor] == ["Netherlands", "Canada"]
