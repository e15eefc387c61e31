"""The funding forecast over the in-memory reader: a steady USD 1M a month from January to
April 2026, USD 2M of it still in the pool, and an endorsed cycle of three unfunded lines. The
days follow by hand (a month is 365.2425 / 12 days, counted up to the next whole day); only
whoever reads every fund's money may read it; the back-test compares with what came."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from fakes import FakeDatabase, FakeReader, FakeUnitOfWork
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.errors import NotPermitted
from purldesk.domain.forecast import Reach, by_month
from purldesk.domain.forecast import pace as pace_of
from purldesk.domain.ledger import LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD, Money, convert
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import Cycle, CycleId, CycleStatus, LineId, RequirementLine
from purldesk.services.views import forecast

AT = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
TODAY = AT.date()
NLD = ParticipantCode("NLD")
RADAR = CatalogItem(ItemCode("RADAR-1"), "Counter-battery radar", "air_defence",
                    AidClass.DEFENSIVE, Money(1_500_000_00, USD), 1, 10, 120)  # fmt: skip
MAY = CycleId(1)
MILLION = 1_000_000_00


def line(line_id: int, rank: int, quantity: int) -> RequirementLine:
    return RequirementLine(
        id=LineId(line_id), ref=f"L-{rank}", cycle_id=MAY, item_code=RADAR.code,
        area="air_defence", aid_class=AidClass.DEFENSIVE, quantity=quantity, rank=rank,
        needed_by=date(2026, 12, 31), justification="radar",
    )  # fmt: skip


def received(cid: int, month: int) -> Contribution:
    day = date(2026, month, 15)
    pledged = Contribution(
        id=ContributionId(cid), contributor=NLD, amount=Money(MILLION, USD), pledged_on=day
    )
    at_par = convert(pledged.amount, target="USD", rate=Decimal(1), rate_date=day, source="ECB")
    return pledged.receive(on=day, conversion=at_par)


@pytest.fixture
def database() -> FakeDatabase:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.participants.add(
            Participant(NLD, "Netherlands", ParticipantKind.ALLY, ParticipantStatus.JOINED)
        )
        uow.catalog.add(RADAR)
        uow.cycles.add(Cycle(MAY, "2026-05", date(2026, 5, 1), CycleStatus.ENDORSED))
        for requirement in (line(1, 1, 1), line(2, 2, 2), line(3, 3, 1)):
            uow.requirements.add(requirement, at=AT, by="UKR")
        for month in (1, 2, 3, 4):
            uow.contributions.add(received(month, month))
        pooled = LedgerTransaction(
            kind=TransactionKind.RECEIPT, occurred_on=date(2026, 4, 15),
            postings=(Posting("pool:C-00001", Money(2 * MILLION, USD)),
                      Posting("receivable:C-00001", Money(-2 * MILLION, USD))),
        )  # fmt: skip
        uow.ledger.append([pooled], recorded_at=AT)
        uow.commit()
    return database


def on(day: date) -> Reach:
    return Reach(0, day, day, day)


def test_the_target_and_each_rank_at_a_steady_pace(database: FakeDatabase) -> None:
    view = forecast.funding_forecast(
        FakeReader(database), viewer=OPERATOR, today=TODAY, target=Money(5 * MILLION, USD)
    )
    assert view.pool == Money(2 * MILLION, USD)
    assert view.pace is not None and (view.pace.mean_minor, view.pace.sd_minor) == (MILLION, 0)
    assert [m.on for m in view.pace.window] == [date(2026, m, 1) for m in (1, 2, 3, 4)]
    # USD 3M to come at USD 1M a month: 91.3 days, the 92nd: 2026-08-10, with no spread.
    assert view.target_reach == Reach(3 * MILLION, date(2026, 8, 10), date(2026, 8, 10),
                                      date(2026, 8, 10))  # fmt: skip
    assert [(r.rank, r.unfunded.minor) for r in view.ranks] == [
        (1, 1_500_000_00), (2, 3_000_000_00), (3, 1_500_000_00)
    ]  # fmt: skip
    first, second, third = (r.reach for r in view.ranks)
    assert first == Reach(0, TODAY, TODAY, TODAY)  # the pool pays it now
    # USD 4.5M through rank 2, 2.5M of it still to come: 76.1 days; 6M through rank 3: 121.7.
    assert second is not None and second.expected_on == date(2026, 7, 26)
    assert third is not None and third.expected_on == date(2026, 9, 9)


def test_a_funded_target_is_reached_today(database: FakeDatabase) -> None:
    view = forecast.funding_forecast(
        FakeReader(database), viewer=OPERATOR, today=TODAY, target=Money(MILLION, USD)
    )
    assert view.target_reach == on(TODAY)


def test_only_whoever_reads_every_funds_money_reads_the_forecast(database: FakeDatabase) -> None:
    contributor = Actor(UserId(2), "nl", NLD, Role.CONTRIBUTOR).viewer
    auditor = Actor(UserId(3), "audit", NLD, Role.AUDITOR).viewer
    for refused in (PUBLIC, contributor):
        with pytest.raises(NotPermitted):
            forecast.funding_forecast(FakeReader(database), viewer=refused, today=TODAY)
    assert forecast.funding_forecast(FakeReader(database), viewer=auditor, today=TODAY).pace


def test_without_two_months_of_receipts_there_is_no_forecast(database: FakeDatabase) -> None:
    view = forecast.funding_forecast(FakeReader(database), viewer=OPERATOR, today=date(2026, 2, 20))
    assert view.pace is None and view.target_reach is None
    assert all(r.reach is None for r in view.ranks)


def test_the_backtest_forecasts_from_each_past_month(database: FakeDatabase) -> None:
    result = forecast.backtest(
        FakeReader(database), viewer=OPERATOR, amount=Money(MILLION, USD), today=TODAY
    )
    # From March 1 (two months measured), April 1 and May 1: USD 1M came on the 15th.
    assert [(t.origin, t.actual_on) for t in result.trials] == [
        (date(2026, 3, 1), date(2026, 3, 15)), (date(2026, 4, 1), date(2026, 4, 15)),
        (date(2026, 5, 1), None),
    ]  # fmt: skip
    # Each forecast is a month (31 days) after its origin: 17 days after the 15th.
    assert [t.error_days for t in result.trials] == [17, 17, None]
    assert result.mean_absolute_error_days == 17


@pytest.mark.parametrize("today", [date(2026, 5, 10), date(2026, 8, 1), date(2027, 3, 3)])
@pytest.mark.parametrize("window_months", [2, 3, 6])
def test_the_pace_read_for_its_window_is_the_pace_of_every_receipt(
    database: FakeDatabase, today: date, window_months: int
) -> None:
    """The forecast reads only its window's receipts, and whether any came before: the pace
    is what the domain makes of every receipt ever made (months after the last as zero)."""
    with FakeReader(database) as reader:
        every = by_month(reader.receipts())
    view = forecast.funding_forecast(
        FakeReader(database), viewer=OPERATOR, today=today, window_months=window_months
    )
    assert view.pace == pace_of(every, as_of=today, window_months=window_months)
