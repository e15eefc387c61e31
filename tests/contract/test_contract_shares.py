"""The burden-sharing and forecast queries, and the GDP figures, on the fake, SQLite and
PostgreSQL alike: received money by giver as each viewer may see it (hidden amounts only
counted), the undisclosed money summed, receipts by day, and GDP figures that a
later import of the same nation and year replaces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from storage_backdoor import REFUSED_BY_THE_DATABASE

from member_world import NORDIC, seed
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId
from purldesk.domain.burden import HiddenReceived, ReceivedBy
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.forecast import Receipts
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.money import USD, Money, convert
from purldesk.domain.participants import ParticipantCode
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]
LIVE = frozenset(ContributionStatus)
NLD, CAN = ParticipantCode("NLD"), ParticipantCode("CAN")
LOADED = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
# What the two worlds received: the Netherlands EUR 1M at 1.1 on 2025-10-10, Canada EUR 200k
# at 1.1 anonymously that day; the Nordic group USD 510,794,953.87 in public, USD 6,500 in
# confidence and USD 4,000 anonymously, all on 2025-10-02.
NETHERLANDS, CANADA = 1_100_000_00, 220_000_00
NORDIC_PUBLIC, NORDIC_CONFIDENTIAL, NORDIC_ANONYMOUS = 510_794_953_87, 6_500_00, 4_000_00


def test_received_money_by_giver_as_the_public_and_the_operator_see_it(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with reader_factory() as reader:
        public = reader.received_by_giver(PUBLIC, statuses=LIVE)
        everything = reader.received_by_giver(OPERATOR, statuses=LIVE)
    assert public == [
        ReceivedBy(None, CANADA + NORDIC_ANONYMOUS, 0),  # anonymous givers as one, first
        ReceivedBy(NLD, NETHERLANDS, 0),
        ReceivedBy(NORDIC, NORDIC_PUBLIC, 1),  # its confidential gift only counted
    ]
    assert everything == [
        ReceivedBy(CAN, CANADA, 0),
        ReceivedBy(NLD, NETHERLANDS, 0),
        ReceivedBy(NORDIC, NORDIC_PUBLIC + NORDIC_CONFIDENTIAL + NORDIC_ANONYMOUS, 0),
    ]


def test_the_group_sees_its_own_confidential_money(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    nordic = Actor(UserId(3), "nordic", NORDIC, Role.CONTRIBUTOR).viewer
    with reader_factory() as reader:
        found = reader.received_by_giver(nordic, statuses=LIVE)
        hidden = reader.hidden_received(nordic, statuses=LIVE)
    assert ReceivedBy(NORDIC, NORDIC_PUBLIC + NORDIC_CONFIDENTIAL + NORDIC_ANONYMOUS, 0) in found
    assert hidden == HiddenReceived(0, 0, 0)


def test_the_undisclosed_money_is_summed_with_its_givers_counted(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with reader_factory() as reader:
        hidden = reader.hidden_received(PUBLIC, statuses=LIVE)
        none = reader.hidden_received(OPERATOR, statuses=LIVE)
        pledged_only = reader.hidden_received(PUBLIC, statuses={ContributionStatus.PLEDGED})
    # Germany's confidential pledges are not received: only the Nordic gift is hidden money.
    assert hidden == HiddenReceived(NORDIC_CONFIDENTIAL, 1, 1)
    assert none == HiddenReceived(0, 0, 0)
    assert pledged_only == HiddenReceived(0, 0, 0)


def test_receipts_by_day(uow_factory: UowFactory, reader_factory: ReaderFactory) -> None:
    seed(uow_factory)
    with reader_factory() as reader:
        daily = reader.receipts()
    assert daily == [
        Receipts(date(2025, 10, 2), NORDIC_PUBLIC + NORDIC_CONFIDENTIAL + NORDIC_ANONYMOUS, 3),
        Receipts(date(2025, 10, 10), NETHERLANDS + CANADA, 2),
    ]
    with reader_factory() as reader:
        assert reader.receipts(since=date(2025, 10, 2)) == daily
        assert reader.receipts(since=date(2025, 10, 3)) == daily[1:]
        assert reader.receipts(since=date(2025, 10, 11)) == []
        assert reader.received_before(date(2025, 10, 3))
        assert not reader.received_before(date(2025, 10, 2))


def refunded(cid: int, usd_minor: int, *, on: date) -> Contribution:
    """A gift in USD received `on` and refunded."""
    pledge = Contribution(
        ContributionId(cid), NLD, Money(usd_minor, USD), date(2025, 10, 1),
        purpose="support", source="press release",
    )  # fmt: skip
    conversion = convert(pledge.amount, target=USD, rate=Decimal(1), rate_date=on, source="ECB")
    received = pledge.receive(on=on, conversion=conversion)
    return received.move_to(ContributionStatus.REFUNDED)


def test_refunded_money_is_no_receipt_even_on_a_day_of_its_own(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(refunded(91, 7_000_00, on=date(2025, 10, 5)))
        uow.contributions.add(refunded(92, 3_000_00, on=date(2025, 10, 10)))
        uow.commit()
    with reader_factory() as reader:
        assert reader.receipts(since=date(2025, 10, 3)) == [
            Receipts(date(2025, 10, 10), NETHERLANDS + CANADA, 2)
        ]
        assert not reader.received_before(date(2025, 10, 2))


def figure(nation: str, year: int, gdp_usd: int, source: str = "World Bank") -> GdpFigure:
    return GdpFigure(
        ParticipantCode(nation), year, gdp_usd, source, "https://data.worldbank.org", LOADED
    )


def test_a_gdp_figure_of_the_same_nation_and_year_replaces_the_stored_one(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.gdp.put([figure("NLD", 2023, 1_118_100_000_000), figure("CAN", 2023, 2)]) == 0
        uow.commit()
    with uow_factory() as uow:
        revised = figure("NLD", 2023, 1_154_000_000_000, source="IMF WEO")
        assert uow.gdp.put([revised, figure("NLD", 2024, 1_200_000_000_000)]) == 1
        uow.commit()
    with reader_factory() as reader:
        found = reader.gdp_figures()
    assert found == [
        figure("CAN", 2023, 2),
        revised,
        figure("NLD", 2024, 1_200_000_000_000),
    ]


def test_a_gdp_figure_of_an_unknown_nation_is_refused_and_nothing_is_stored(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with pytest.raises(REFUSED_BY_THE_DATABASE), uow_factory() as uow:
        uow.gdp.put([figure("NLD", 2023, 1), figure("XXA", 2023, 1)])
        uow.commit()
    with reader_factory() as reader:
        assert reader.gdp_figures() == []
