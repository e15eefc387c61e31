"""Planning reports: burden-sharing (for anyone, as the public sees it) and the funding forecast
(for whoever reads every fund's money); JSON, CSV or XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from purldesk.adapters.exports.fair_shares import BURDEN_SHARING, FORECAST
from purldesk.adapters.exports.reports import ReportFormat
from purldesk.domain.access import PUBLIC, Actor, Permission
from purldesk.domain.money import MAX_AMOUNT_MINOR, USD, Money
from purldesk.domain.packages import DEFAULT_TARGET
from purldesk.entrypoints.api.deps import Wired, allowed
from purldesk.entrypoints.api.routers.planning_schemas import BurdenSharingReport, ForecastReport
from purldesk.entrypoints.api.routers.reports import (
    PUBLIC_RESPONSES,
    SHEET_RESPONSES,
    FormatQuery,
    _serve,
)

router = APIRouter(tags=["reports"])

Planner = Annotated[Actor, Depends(allowed(Permission.READ_ALLOCATION))]


@router.get(
    "/reports/burden-sharing", response_model=BurdenSharingReport, responses=PUBLIC_RESPONSES
)
def burden_sharing(application: Wired, kind: FormatQuery = ReportFormat.JSON) -> Any:
    """Each nation's received contributions (its parts of its groups' included) as a share of
    its GDP, and its share of the pool against its share of the combined GDP; for anyone, with
    or without a token, always as the public sees it: a nation with confidential money has its
    amount and ratios withheld."""
    return _serve(BURDEN_SHARING, application, kind, viewer=PUBLIC)


@router.get("/reports/forecast", response_model=ForecastReport, responses=SHEET_RESPONSES)
def forecast(
    actor: Planner,
    application: Wired,
    kind: FormatQuery = ReportFormat.JSON,
    target_minor: Annotated[
        int,
        Query(ge=1, le=MAX_AMOUNT_MINOR, description="The package target in USD cents."),
    ] = DEFAULT_TARGET.minor,
) -> Any:
    """When the pool reaches the package target, and each unfunded rank of the current
    endorsed cycle is funded, at the pace of the last months' receipts, with an 80% interval
    (docs/FORECAST.md). For the coordinator and the auditor: it reads every fund's money."""
    target = Money(target_minor, USD).to_decimal()
    return _serve(FORECAST, application, kind, viewer=actor.viewer, subject=str(target))
