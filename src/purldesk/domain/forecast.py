"""Funding forecast: when the money received reaches an amount at the current pace, with an
interval, and how such forecasts fared on the history (docs/FORECAST.md states the method).

The pace is the mean of the monthly receipts (USD) over the complete months of a trailing
window, a month without receipts counting as zero. Cumulative receipts are read as a random
walk with that drift (the "drift method"): after h months they are expected to have grown by
h·m, with a standard deviation of s·√(h·(1 + h/n)) for n months measured with a standard
deviation s of their monthly sums (the second term is the uncertainty of m itself). The date
an amount A is expected is when h·m = A; the interval runs from when the upper bound of the
growth reaches A to when its lower bound does, at the level LEVEL (a normal quantile). Where
the lower bound never reaches A, the interval has no end.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_MONTH = 365.2425 / 12
WINDOW_MONTHS = 6
MIN_MONTHS = 2  # a spread needs two months at least
LEVEL = 0.8  # of the interval: 80%, one forecast in five is expected to fall outside it
HORIZON_DAYS = 36_525  # a century: a date further off is "not at this pace"


@dataclass(frozen=True, slots=True)
class Receipts:
    """Money received (USD) in one period: a month (its first day) or a day."""

    on: date
    usd_minor: int
    count: int


@dataclass(frozen=True, slots=True)
class Pace:
    """The monthly receipts of the window measured, oldest first, and their mean and spread."""

    window: tuple[Receipts, ...]
    mean_minor: float
    sd_minor: float

    @property
    def months(self) -> int:
        return len(self.window)

    @property
    def per_day_minor(self) -> float:
        return self.mean_minor / DAYS_PER_MONTH


@dataclass(frozen=True, slots=True)
class Reach:
    """When `needed_minor` more is expected in, from `start`: None is not at this pace (no end
    of the interval, or further off than HORIZON_DAYS)."""

    needed_minor: int
    expected_on: date | None
    earliest_on: date | None
    latest_on: date | None


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def by_month(daily: Iterable[Receipts]) -> list[Receipts]:
    """Receipts by day summed into their months (each on its first day), oldest first."""
    months: dict[date, Receipts] = {}
    for day in daily:
        month = month_of(day.on)
        known = months.get(month, Receipts(month, 0, 0))
        months[month] = Receipts(month, known.usd_minor + day.usd_minor, known.count + day.count)
    return [months[m] for m in sorted(months)]


def pace(
    monthly: Iterable[Receipts], *, as_of: date, window_months: int = WINDOW_MONTHS
) -> Pace | None:
    """The pace over the complete months before `as_of`'s month: the last `window_months` of
    them, none before the first month money came in; None with fewer than MIN_MONTHS."""
    current = month_of(as_of)
    measured = {month_of(m.on): m for m in monthly if m.on < current}
    if not measured:
        return None
    month = max(min(measured), add_months(current, -window_months))
    window: list[Receipts] = []
    while month < current:
        window.append(measured.get(month, Receipts(month, 0, 0)))
        month = add_months(month, 1)
    if len(window) < MIN_MONTHS:
        return None
    values = [m.usd_minor for m in window]
    return Pace(tuple(window), statistics.fmean(values), statistics.stdev(values))


def z_of(level: float) -> float:
    """The normal quantile that leaves (1 - level) / 2 on each side."""
    return statistics.NormalDist().inv_cdf(0.5 + level / 2)


def reach(needed_minor: int, *, pace: Pace, start: date, level: float = LEVEL) -> Reach:
    """When `needed_minor` more money is expected in at `pace`, counted from `start`."""
    if needed_minor <= 0:
        return Reach(0, start, start, start)
    if pace.mean_minor <= 0:
        return Reach(needed_minor, None, None, None)
    # In units of the amount needed, so the squares stay small.
    m, s = pace.mean_minor / needed_minor, pace.sd_minor / needed_minor
    point = 1 / m
    earliest, latest = _crossings(m, s, pace.months, z_of(level))
    # The crossings bracket the point exactly; min and max only absorb rounding.
    earliest = min(earliest, point)
    latest = None if latest is None else max(latest, point)
    return Reach(
        needed_minor, _day(start, point), _day(start, earliest),
        None if latest is None else _day(start, latest),
    )  # fmt: skip


def _crossings(m: float, s: float, n: int, z: float) -> tuple[float, float | None]:
    """The months h at which h·m ± z·s·√(h + h²/n) reaches 1: the roots of
    (m² − z²s²/n)·h² − (2m + z²s²)·h + 1 = 0. The smaller (upper bound of growth) always
    exists; the larger (lower bound) only where m² > z²s²/n, else the lower bound of the
    growth never reaches the amount."""
    a = m * m - (z * s) ** 2 / n
    b = 2 * m + (z * s) ** 2
    root = math.sqrt(max(b * b - 4 * a, 0.0))
    earliest = 2 / (b + root)  # the smaller root, written to avoid cancellation
    latest = (b + root) / (2 * a) if a > 0 else None
    return earliest, latest


def _day(start: date, months: float) -> date | None:
    days = math.ceil(months * DAYS_PER_MONTH)
    return start + timedelta(days=days) if days <= HORIZON_DAYS else None


# -- back-test --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trial:
    """A forecast made on the first day of a past month of when `needed_minor` more would come
    in, and the day it did (None: not by `until`, the last day of the history)."""

    origin: date
    forecast: Reach
    actual_on: date | None
    until: date

    @property
    def error_days(self) -> int | None:
        """Forecast minus actual, in days; None where either is unknown."""
        if self.forecast.expected_on is None or self.actual_on is None:
            return None
        return (self.forecast.expected_on - self.actual_on).days

    @property
    def overdue_days(self) -> int | None:
        """For a forecast day that passed without the money: the days from it to `until`, the
        least its error can be. None otherwise."""
        expected = self.forecast.expected_on
        if self.actual_on is not None or expected is None or expected > self.until:
            return None
        return (self.until - expected).days

    @property
    def covered(self) -> bool | None:
        """Whether the interval held the actual day; None where that is not known yet (the money
        has not come, and the interval has not ended by `until`)."""
        earliest, latest = self.forecast.earliest_on, self.forecast.latest_on
        if self.actual_on is None:
            return False if latest is not None and latest < self.until else None
        return (
            earliest is not None
            and earliest <= self.actual_on
            and (latest is None or self.actual_on <= latest)
        )


@dataclass(frozen=True, slots=True)
class Backtest:
    amount_minor: int
    until: date
    trials: tuple[Trial, ...]

    @property
    def scored(self) -> list[Trial]:
        """The trials whose forecast day and actual day are both known."""
        return [t for t in self.trials if t.error_days is not None]

    @property
    def overdue(self) -> list[Trial]:
        """The trials whose forecast day passed without the money."""
        return [t for t in self.trials if t.overdue_days is not None]

    @property
    def mean_absolute_error_days(self) -> float | None:
        """Over the scored trials."""
        errors = [abs(t.error_days or 0) for t in self.scored]
        return statistics.fmean(errors) if errors else None

    @property
    def mean_absolute_error_at_least_days(self) -> float | None:
        """Over the scored and the overdue trials, an overdue one counted at the least its
        error can be: a lower bound of the error of every forecast with a day that is due."""
        errors = [abs(t.error_days or 0) for t in self.scored]
        errors += [t.overdue_days or 0 for t in self.overdue]
        return statistics.fmean(errors) if errors else None

    @property
    def coverage(self) -> float | None:
        """The share of the trials whose outcome is known that the interval held."""
        known = [c for t in self.trials if (c := t.covered) is not None]
        return sum(1 for c in known if c) / len(known) if known else None

    @property
    def coverage_known(self) -> int:
        return sum(1 for t in self.trials if t.covered is not None)


def backtest(
    daily: Sequence[Receipts],
    *,
    amount_minor: int,
    until: date,
    window_months: int = WINDOW_MONTHS,
    level: float = LEVEL,
) -> Backtest:
    """Forecast from the first day of each month after the first receipt up to `until`, as if
    on that day, when `amount_minor` more would come in; compare with the day it did. `daily`
    are the receipts by day (to `until`)."""
    days = sorted((d for d in daily if d.on <= until), key=lambda r: r.on)
    if not days:
        return Backtest(amount_minor, until, ())
    monthly = by_month(days)
    trials: list[Trial] = []
    origin = add_months(month_of(days[0].on), 1)
    while origin <= until:
        found = pace(monthly, as_of=origin, window_months=window_months)
        if found is not None:
            forecast = reach(amount_minor, pace=found, start=origin, level=level)
            trials.append(Trial(origin, forecast, _reached(days, origin, amount_minor), until))
        origin = add_months(origin, 1)
    return Backtest(amount_minor, until, tuple(trials))


def _reached(days: Sequence[Receipts], origin: date, amount_minor: int) -> date | None:
    """The first day from `origin` on by which `amount_minor` more had come in."""
    total = 0
    for day in days:
        if day.on < origin:
            continue
        total += day.usd_minor
        if total >= amount_minor:
            return day.on
    return None
