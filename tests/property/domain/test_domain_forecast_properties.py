"""Properties of the funding forecast: over any history of monthly receipts, a larger amount is
never expected sooner (nor its interval's ends); the interval always holds the expected day;
more money already in the pool never makes a day later; the back-test scores only what it
can know; and receipts by day sum into the same months, however they are read."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from purldesk.domain.forecast import (
    HORIZON_DAYS,
    Pace,
    Reach,
    Receipts,
    add_months,
    backtest,
    by_month,
    pace,
    reach,
)

START = date(2025, 1, 1)
TODAY = date(2026, 3, 17)
USD_10B = 10**12  # in cents


@st.composite
def histories(draw: st.DrawFn) -> list[Receipts]:
    """Two to eighteen months of receipts before TODAY's month, starting with a month money came
    in (as the history does), some months without any."""
    months = draw(st.integers(min_value=2, max_value=18))
    first_sum = draw(st.integers(min_value=1, max_value=USD_10B))
    rest = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(min_value=1, max_value=USD_10B)),
            min_size=months - 1, max_size=months - 1,
        )
    )  # fmt: skip
    sums = [first_sum, *rest]
    first = add_months(TODAY.replace(day=1), -months)
    return [
        Receipts(add_months(first, i), minor, 1 if minor else 0)
        for i, minor in enumerate(sums)
        if minor
    ]


def later_or_same(a: date | None, b: date | None) -> bool:
    """a is on or after b, where None is later than every day."""
    return a is None or (b is not None and a >= b)


def paces() -> st.SearchStrategy[Pace]:
    return (
        histories()
        .map(lambda h: pace(h, as_of=TODAY, window_months=12))
        .filter(lambda p: p is not None)
    )  # type: ignore[return-value]


AMOUNTS = st.integers(min_value=0, max_value=USD_10B)


@st.composite
def days_of_receipts(draw: st.DrawFn) -> list[Receipts]:
    """Receipts on distinct days of three years from START, oldest first, as the reader gives
    them: each day with money, from one contribution or more."""
    offsets = draw(st.lists(st.integers(min_value=0, max_value=3 * 366), unique=True))
    return [
        Receipts(
            START + timedelta(days=offset), draw(st.integers(min_value=0, max_value=USD_10B)),
            draw(st.integers(min_value=1, max_value=400)),
        )
        for offset in sorted(offsets)
    ]  # fmt: skip


@given(days_of_receipts())
def test_receipts_by_day_sum_into_their_months(daily: list[Receipts]) -> None:
    monthly = by_month(daily)
    assert [m.on for m in monthly] == sorted({d.on.replace(day=1) for d in daily})
    for month in monthly:
        days = [d for d in daily if d.on.replace(day=1) == month.on]
        assert month.usd_minor == sum(d.usd_minor for d in days)
        assert month.count == sum(d.count for d in days)


@given(days_of_receipts(), st.randoms(use_true_random=False))
def test_the_months_do_not_depend_on_the_order_the_days_come_in(
    daily: list[Receipts], shuffler: random.Random
) -> None:
    shuffled = list(daily)
    shuffler.shuffle(shuffled)
    assert by_month(shuffled) == by_month(daily)


@given(days_of_receipts(), st.integers(min_value=-1, max_value=40))
def test_the_days_read_from_a_month_on_sum_into_the_same_months(
    daily: list[Receipts], months: int
) -> None:
    """What the forecast relies on: reading only the days of its window, from the window's
    first month on, gives the months of every day read, from that month on."""
    since = add_months(START, months)
    window = by_month([d for d in daily if d.on >= since])
    assert window == [m for m in by_month(daily) if m.on >= since]


@given(paces(), AMOUNTS, AMOUNTS)
def test_a_larger_amount_is_never_expected_sooner(found: Pace, a: int, b: int) -> None:
    small, large = sorted((a, b))
    first = reach(small, pace=found, start=TODAY)
    second = reach(large, pace=found, start=TODAY)
    assert later_or_same(second.expected_on, first.expected_on)
    assert later_or_same(second.earliest_on, first.earliest_on)
    assert later_or_same(second.latest_on, first.latest_on)


@given(paces(), AMOUNTS)
def test_the_interval_holds_the_expected_day(found: Pace, amount: int) -> None:
    forecast = reach(amount, pace=found, start=TODAY)
    assert later_or_same(forecast.expected_on, forecast.earliest_on)
    assert later_or_same(forecast.latest_on, forecast.expected_on)
    if forecast.earliest_on is not None:
        assert forecast.earliest_on >= TODAY


@given(paces(), AMOUNTS, st.integers(min_value=0, max_value=USD_10B))
def test_more_money_in_the_pool_is_never_later(found: Pace, target: int, more: int) -> None:
    pool = target // 3
    now = reach(target - pool, pace=found, start=TODAY)
    richer = reach(target - pool - more, pace=found, start=TODAY)
    assert later_or_same(now.expected_on, richer.expected_on)
    assert later_or_same(now.earliest_on, richer.earliest_on)
    assert later_or_same(now.latest_on, richer.latest_on)


@given(histories())
def test_the_pace_is_the_mean_of_the_windows_months_counting_empty_ones(
    history: list[Receipts],
) -> None:
    found = pace(history, as_of=TODAY, window_months=24)
    assert found is not None
    assert found.window[-1].on == add_months(TODAY.replace(day=1), -1)
    assert found.window[0].on == history[0].on  # none before the first month money came in
    assert math.isclose(found.mean_minor * found.months, sum(m.usd_minor for m in history))


@given(histories(), st.integers(min_value=1, max_value=USD_10B))
def test_the_backtest_scores_only_what_happened_by_its_last_day(
    history: list[Receipts], amount: int
) -> None:
    result = backtest(history, amount_minor=amount, until=TODAY)
    for trial in result.trials:
        assert trial.origin.day == 1 and trial.origin <= TODAY
        if trial.actual_on is not None:
            assert trial.origin <= trial.actual_on <= TODAY
            came = sum(d.usd_minor for d in history if trial.origin <= d.on <= trial.actual_on)
            assert came >= amount
        if trial.error_days is not None:
            assert trial.forecast.expected_on is not None
    assert len(result.scored) <= len(result.trials)
    coverage = result.coverage
    assert coverage is None or 0 <= coverage <= 1


def test_a_steady_pace_has_no_spread_and_a_day_for_each_amount() -> None:
    history = [Receipts(add_months(date(2025, 1, 1), i), 300_000_000_00, 1) for i in range(6)]
    found = pace(history, as_of=date(2025, 7, 1))
    assert found is not None and found.sd_minor == 0
    forecast = reach(600_000_000_00, pace=found, start=date(2025, 7, 1))
    # Two months of USD 300M: 60.87 days, the 61st day.
    assert forecast == Reach(
        600_000_000_00, date(2025, 8, 31), date(2025, 8, 31), date(2025, 8, 31)
    )


def test_without_receipts_in_the_window_there_is_no_day() -> None:
    history = [Receipts(date(2025, 1, 1), 500_000_000_00, 1)]
    found = pace(history, as_of=date(2026, 1, 1))
    assert found is not None and found.mean_minor == 0
    assert reach(1, pace=found, start=date(2026, 1, 1)) == Reach(1, None, None, None)
    assert pace(history, as_of=date(2025, 2, 1)) is None  # one month: no spread to measure


def test_a_day_beyond_the_horizon_is_not_at_this_pace() -> None:
    history = [Receipts(date(2025, 1, 1), 1, 1), Receipts(date(2025, 2, 1), 1, 1)]
    found = pace(history, as_of=date(2025, 3, 1))
    assert found is not None
    far = reach(10**9, pace=found, start=date(2025, 3, 1))
    assert far.expected_on is None
    near = reach(1, pace=found, start=date(2025, 3, 1))
    assert near.expected_on is not None
    assert near.expected_on - date(2025, 3, 1) <= timedelta(days=HORIZON_DAYS)


def test_a_backtest_on_a_known_history() -> None:
    # USD 200M on the 10th of each month from January to June 2025.
    days = [Receipts(date(2025, m, 10), 200_000_000_00, 1) for m in range(1, 7)]
    result = backtest(days, amount_minor=200_000_000_00, until=date(2025, 6, 30))
    origins = [t.origin for t in result.trials]
    assert origins == [date(2025, m, 1) for m in range(3, 7)]  # two months measured at least
    assert [t.actual_on for t in result.trials] == [date(2025, m, 10) for m in range(3, 7)]
    # A steady pace of USD 200M a month: each forecast is a month after its origin.
    assert [t.forecast.expected_on for t in result.trials] == [
        date(2025, 3, 1) + timedelta(days=31), date(2025, 4, 1) + timedelta(days=31),
        date(2025, 5, 1) + timedelta(days=31), date(2025, 6, 1) + timedelta(days=31),
    ]  # fmt: skip
    assert result.mean_absolute_error_days == 22  # each is 22 days after the 10th
    assert result.coverage == 0  # no spread, no interval: the exact day was missed
