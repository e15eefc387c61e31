"""The funding forecast: when the pool reaches the next package target, and when each unfunded
rank of the current endorsed cycle would be funded, at the pace of the receipts of the last
months (the method is `domain/forecast.py`'s, stated in docs/FORECAST.md). It reads every
amount, so only whoever may read every fund's money reads it (`Permission.READ_ALLOCATION`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from purldesk.domain import forecast
from purldesk.domain.access import Permission, Viewer
from purldesk.domain.forecast import LEVEL, WINDOW_MONTHS, Backtest, Pace, Reach, Receipts
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import DEFAULT_TARGET
from purldesk.domain.requirements import Cycle, CycleStatus, LineStatus
from purldesk.services.read_ports import Reader
from purldesk.services.views.overview import funded_minor


@dataclass(frozen=True, slots=True)
class RankReach:
    """An unfunded line of the cycle, and when the money would reach it: after every line
    ranked above it, out of the pool and what comes in."""

    rank: int
    ref: str
    item_name: str
    unfunded: Money  # of this line
    reach: Reach | None  # None: no pace to forecast by


@dataclass(frozen=True, slots=True)
class ForecastView:
    as_of: date
    pool: Money  # received and not yet allocated
    target: Money
    pace: Pace | None  # None: fewer than two months of receipts
    target_reach: Reach | None
    cycle: Cycle | None  # the current endorsed cycle
    ranks: list[RankReach] = field(default_factory=list)
    window_months: int = WINDOW_MONTHS
    level: float = LEVEL

    @property
    def per_month(self) -> Money | None:
        """The pace: the mean monthly receipts of the window, to the cent."""
        return None if self.pace is None else Money(round(self.pace.mean_minor), USD)


def funding_forecast(
    reader: Reader,
    *,
    viewer: Viewer,
    today: date,
    target: Money = DEFAULT_TARGET,
    window_months: int = WINDOW_MONTHS,
) -> ForecastView:
    """When the pool reaches `target`, and each unfunded rank is funded, at the current pace."""
    viewer.check(Permission.READ_ALLOCATION)
    since = forecast.add_months(forecast.month_of(today), -window_months)
    with reader:
        monthly = forecast.by_month(reader.receipts(since=since))
        if reader.received_before(since):
            # Money came in before the window, so the pace counts from the window's first month
            # (a month without receipts as zero): what `forecast.pace` makes of every receipt.
            monthly = [Receipts(forecast.add_months(since, -1), 0, 0), *monthly]
        pool = reader.balance_of_kind("pool", currency=USD)
        cycle = reader.latest_cycle(status=CycleStatus.ENDORSED, opened_by=today)
        lines = [] if cycle is None else reader.lines(cycle.id)
        items = reader.items() if lines else {}
        lots = {} if cycle is None else reader.funded_lots(cycle.id)
    pace = forecast.pace(monthly, as_of=today, window_months=window_months)

    def when(needed_minor: int) -> Reach | None:
        return None if pace is None else forecast.reach(needed_minor, pace=pace, start=today)

    shown = [line for line in lines if line.status is not LineStatus.WITHDRAWN]
    funded = funded_minor(shown, items, lots)
    ranks: list[RankReach] = []
    still_needed = 0
    for line in shown:
        unfunded = line.cost(items[line.item_code]).minor - funded[line.id]
        if unfunded <= 0:
            continue
        still_needed += unfunded
        ranks.append(
            RankReach(line.rank, line.ref, items[line.item_code].name, Money(unfunded, USD),
                      when(still_needed - pool))
        )  # fmt: skip
    return ForecastView(
        as_of=today, pool=Money(pool, USD), target=target, pace=pace,
        target_reach=when(target.minor - pool), cycle=cycle, ranks=ranks,
        window_months=window_months,
    )  # fmt: skip


def backtest(
    reader: Reader,
    *,
    viewer: Viewer,
    amount: Money,
    today: date,
    window_months: int = WINDOW_MONTHS,
) -> Backtest:
    """The forecast of when `amount` more comes in, made on the first of each past month and
    compared with the day it did, up to `today` (docs/FORECAST.md)."""
    viewer.check(Permission.READ_ALLOCATION)
    with reader:
        daily = reader.receipts()
    return forecast.backtest(
        daily, amount_minor=amount.minor, until=today, window_months=window_months
    )
