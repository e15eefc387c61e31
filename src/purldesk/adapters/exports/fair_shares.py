"""The burden-sharing report and the funding forecast as JSON documents and tables (CSV, XLSX),
each registered once here (`PLANNING_REPORTS`) as `reports.REPORTS` registers the others: the
API, the CLI and the dashboard serve them from these registrations. They format what
`services.views` hands over and decide nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from purldesk.adapters.exports.report_values import amount, figure
from purldesk.adapters.exports.reports import Asked, Report
from purldesk.adapters.exports.sheets import Cell, Table
from purldesk.adapters.imports.gdp_files import bundled_figures
from purldesk.domain.burden import GDP_SHARE_PLACES, NationShare, UnsplitGroup, percent, rounded
from purldesk.domain.forecast import Backtest, Reach, Trial
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import DEFAULT_TARGET
from purldesk.services.views import burden_sharing as shares
from purldesk.services.views import forecast as forecasts
from purldesk.services.views.burden_sharing import BurdenSharingView
from purldesk.services.views.forecast import ForecastView, RankReach

NOT_SPLIT = "lists no members' parts: counted as the group's own, not split among its members"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _cell(value: Decimal | str | None) -> Cell:
    return "" if value is None else value


def _index(row: NationShare) -> Decimal | None:
    return rounded(row.fair_share_index)


# -- burden-sharing ----------------------------------------------------------------------------


def _gdp(found: GdpFigure | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "year": found.year, "gdp_usd": found.gdp_usd, "source": found.source, "url": found.url,
        "bundled": found.is_bundled,
    }  # fmt: skip


def _nation(row: NationShare) -> dict[str, Any]:
    return {
        "code": row.code, "name": row.name, "received_usd": figure(row.received_usd),
        "through_groups_usd": figure(row.through_groups_usd), "gdp": _gdp(row.gdp),
        "share_of_gdp_percent": _text(percent(row.share_of_gdp, places=GDP_SHARE_PLACES)),
        "share_of_pool_percent": _text(percent(row.share_of_pool)),
        "share_of_combined_gdp_percent": _text(percent(row.share_of_combined_gdp)),
        "fair_share_index": _text(_index(row)), "withheld": row.withheld,
    }  # fmt: skip


def _group(row: UnsplitGroup) -> dict[str, Any]:
    return {
        "code": row.code, "name": row.name, "members": list(row.members),
        "received_usd": amount(row.received_usd),
        "share_of_pool_percent": _text(percent(row.share_of_pool)), "note": NOT_SPLIT,
    }  # fmt: skip


def burden_sharing(view: BurdenSharingView, *, as_of: date) -> dict[str, Any]:
    report = view.report
    return {
        "as_of": as_of.isoformat(),
        "nations": [_nation(n) for n in report.nations],
        "groups_not_split": [_group(g) for g in report.unsplit],
        "anonymous_usd": amount(report.anonymous_usd),
        "undisclosed": {
            "count": report.undisclosed_count,
            "amount": figure(report.undisclosed_usd),
            "named_givers": list(report.undisclosed_from),
        },
        "pool_usd": amount(report.pool_usd),
        "pool_complete": report.pool_complete,
        "combined_gdp_usd": report.combined_gdp_usd,
        "withheld": view.withheld or None,
    }


BURDEN_HEADER = ("record", "code", "name", "received_usd", "through_groups_usd", "gdp_usd",
                 "gdp_year", "gdp_source", "gdp_url", "share_of_gdp_percent",
                 "share_of_pool_percent", "share_of_combined_gdp_percent", "fair_share_index",
                 "note")  # fmt: skip


def _money(money: Money | None) -> Cell:
    return "" if money is None else money.to_decimal()


def _nation_row(row: NationShare) -> list[Cell]:
    found = row.gdp
    gdp_cells: list[Cell] = (
        ["", "", "", ""] if found is None
        else [found.gdp_usd, found.year, found.source, found.url]
    )  # fmt: skip
    return [
        "nation", row.code, row.name, _money(row.received_usd), _money(row.through_groups_usd),
        *gdp_cells, _cell(percent(row.share_of_gdp, places=GDP_SHARE_PLACES)),
        _cell(percent(row.share_of_pool)), _cell(percent(row.share_of_combined_gdp)),
        _cell(_index(row)), "withheld" if row.withheld else "",
    ]  # fmt: skip


def burden_sharing_table(view: BurdenSharingView) -> Table:
    """A row per nation, then per group whose money is not split, then the totals."""
    report = view.report
    rows = [_nation_row(n) for n in report.nations]
    rows += [
        ["group", g.code, g.name, _money(g.received_usd), "", "", "", "", "", "",
         _cell(percent(g.share_of_pool)), "", "", NOT_SPLIT]
        for g in report.unsplit
    ]  # fmt: skip
    blank: list[Cell] = [""] * 10
    rows += [
        ["anonymous", "", "givers not named", _money(report.anonymous_usd), *blank],
        ["undisclosed", "", f"{report.undisclosed_count} contribution(s)",
         _money(report.undisclosed_usd), *blank],
        ["pool", "", "all received money" if report.pool_complete else "disclosed money only",
         _money(report.pool_usd), *blank],
        ["combined GDP", "", "of the nations listed", "", "", report.combined_gdp_usd,
         "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    return Table("burden-sharing", BURDEN_HEADER, rows)


# -- forecast ----------------------------------------------------------------------------------


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _reach(found: Reach | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "needed": amount(Money(found.needed_minor, USD)),
        "expected_on": _day(found.expected_on), "earliest_on": _day(found.earliest_on),
        "latest_on": _day(found.latest_on),
    }  # fmt: skip


def _rank(row: RankReach) -> dict[str, Any]:
    return {
        "rank": row.rank, "line": row.ref, "item": row.item_name, "unfunded": amount(row.unfunded),
        "reach": _reach(row.reach),
    }  # fmt: skip


def _usd(minor: float) -> Money:
    return Money(round(minor), USD)


def forecast(view: ForecastView, *, ranks: int | None = None) -> dict[str, Any]:
    pace = view.pace
    return {
        "as_of": view.as_of.isoformat(),
        "pool_usd": amount(view.pool),
        "target": amount(view.target),
        "pace": None if pace is None else {
            "months": [m.on.isoformat()[:7] for m in pace.window],
            "monthly_mean_usd": amount(_usd(pace.mean_minor)),
            "monthly_sd_usd": amount(_usd(pace.sd_minor)),
            "per_day_usd": amount(_usd(pace.per_day_minor)),
        },
        "window_months": view.window_months,
        "level": view.level,
        "target_reach": _reach(view.target_reach),
        "cycle": None if view.cycle is None else view.cycle.name,
        "ranks": [_rank(r) for r in view.ranks[:ranks]],
    }  # fmt: skip


FORECAST_HEADER = ("record", "rank", "line", "item", "unfunded_usd", "needed_usd",
                   "expected_on", "earliest_on", "latest_on")  # fmt: skip


def _reach_cells(found: Reach | None) -> list[Cell]:
    if found is None:
        return ["", "", "", ""]
    return [
        Money(found.needed_minor, USD).to_decimal(), _day(found.expected_on) or "",
        _day(found.earliest_on) or "", _day(found.latest_on) or "",
    ]  # fmt: skip


def forecast_table(view: ForecastView) -> Table:
    rows: list[list[Cell]] = [
        ["target", "", "", "", view.target.to_decimal(), *_reach_cells(view.target_reach)]
    ]
    rows += [
        ["rank", r.rank, r.ref, r.item_name, r.unfunded.to_decimal(), *_reach_cells(r.reach)]
        for r in view.ranks
    ]
    return Table("forecast", FORECAST_HEADER, rows)


def _trial(trial: Trial) -> dict[str, Any]:
    found = trial.forecast
    return {
        "origin": trial.origin.isoformat(), "expected_on": _day(found.expected_on),
        "earliest_on": _day(found.earliest_on), "latest_on": _day(found.latest_on),
        "actual_on": _day(trial.actual_on), "error_days": trial.error_days,
        "overdue_days": trial.overdue_days, "covered": trial.covered,
    }  # fmt: skip


def backtest(result: Backtest, *, window_months: int, level: float) -> dict[str, Any]:
    return {
        "amount": amount(Money(result.amount_minor, USD)),
        "until": result.until.isoformat(),
        "window_months": window_months,
        "level": level,
        "trials": [_trial(t) for t in result.trials],
        "scored": len(result.scored),
        "mean_absolute_error_days": _round(result.mean_absolute_error_days, 1),
        "overdue": len(result.overdue),
        "mean_absolute_error_at_least_days": _round(result.mean_absolute_error_at_least_days, 1),
        "coverage_known": result.coverage_known,
        "coverage": _round(result.coverage, 3),
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def target_of(asked: Asked) -> Money:
    """The package target a forecast is asked for (`subject`, USD), or the default."""
    return Money.parse(asked.subject, USD, field="target") if asked.subject else DEFAULT_TARGET


BURDEN_SHARING: Report[BurdenSharingView] = Report(
    "burden-sharing",
    view=lambda reader, asked: shares.burden_sharing(
        reader, viewer=asked.viewer, bundled=bundled_figures()
    ),
    document=lambda view, asked: burden_sharing(view, as_of=asked.today),
    table=burden_sharing_table,
    filename=lambda _view, asked: f"burden-sharing-{asked.today.isoformat()}",
)
FORECAST: Report[ForecastView] = Report(
    "forecast",
    view=lambda reader, asked: forecasts.funding_forecast(
        reader, viewer=asked.viewer, today=asked.today, target=target_of(asked)
    ),
    document=lambda view, _asked: forecast(view),
    table=forecast_table,
    filename=lambda _view, asked: f"forecast-{asked.today.isoformat()}",
)
PLANNING_REPORTS: Mapping[str, Report[Any]] = {r.name: r for r in (BURDEN_SHARING, FORECAST)}
