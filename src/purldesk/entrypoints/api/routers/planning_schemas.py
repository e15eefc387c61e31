"""Response shapes of the burden-sharing report and the funding forecast
(`adapters/exports/fair_shares.py` builds them; these describe and check them). Percentages
are exact decimal strings, rounded half-even."""

from __future__ import annotations

from datetime import date

from purldesk.entrypoints.api.routers.reports_schemas import Amount
from purldesk.entrypoints.api.schemas import Schema


class GdpRead(Schema):
    year: int
    gdp_usd: int  # whole current US dollars
    source: str
    url: str
    bundled: bool  # came with the software (else imported)


class NationShareRead(Schema):
    code: str
    name: str
    received_usd: Amount | None  # null: withheld, with every ratio of the nation
    through_groups_usd: Amount | None  # of which its parts of its groups' contributions
    gdp: GdpRead | None  # null: no GDP figure for the nation
    share_of_gdp_percent: str | None
    share_of_pool_percent: str | None
    share_of_combined_gdp_percent: str | None
    fair_share_index: str | None  # share of the pool over share of the combined GDP
    withheld: bool


class UnsplitGroupRead(Schema):
    code: str
    name: str
    members: list[str]
    received_usd: Amount
    share_of_pool_percent: str | None
    note: str


class UndisclosedRead(Schema):
    count: int
    amount: Amount | None  # published only summed over enough contributors
    named_givers: list[str]  # who gave it, where the giver is named to the reader


class BurdenSharingReport(Schema):
    """Each nation's received contributions against its GDP, and its share of the pool against
    its share of the combined GDP, as the public sees them."""

    as_of: date
    nations: list[NationShareRead]
    groups_not_split: list[UnsplitGroupRead]
    anonymous_usd: Amount
    undisclosed: UndisclosedRead
    pool_usd: Amount
    pool_complete: bool  # false: undisclosed money is left out of the pool
    combined_gdp_usd: int
    withheld: str | None


class ReachRead(Schema):
    needed: Amount
    expected_on: date | None  # null: not at this pace
    earliest_on: date | None
    latest_on: date | None  # null: the interval has no end at this pace


class PaceRead(Schema):
    months: list[str]  # YYYY-MM, oldest first
    monthly_mean_usd: Amount
    monthly_sd_usd: Amount
    per_day_usd: Amount


class RankReachRead(Schema):
    rank: int
    line: str
    item: str
    unfunded: Amount
    reach: ReachRead | None


class ForecastReport(Schema):
    """When the pool reaches the package target, and each unfunded rank of the current endorsed
    cycle is funded, at the pace of the receipts of the last months (docs/FORECAST.md)."""

    as_of: date
    pool_usd: Amount
    target: Amount
    pace: PaceRead | None  # null: fewer than two months of receipts
    window_months: int
    level: float
    target_reach: ReachRead | None
    cycle: str | None
    ranks: list[RankReachRead]
