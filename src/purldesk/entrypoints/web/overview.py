"""The overview (what the signed-in user may see, or the public view) and the public page."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.adapters.exports.fair_shares import BURDEN_SHARING
from purldesk.adapters.exports.reports import Asked
from purldesk.adapters.fx import LOOKBACK_DAYS
from purldesk.bootstrap import Application
from purldesk.domain.access import PUBLIC, Permission, can
from purldesk.domain.money import USD
from purldesk.entrypoints.web import auth, render
from purldesk.entrypoints.web.auth import WebUser, wired
from purldesk.services import checkpoints, rates
from purldesk.services.views import forecast as forecasts
from purldesk.services.views import inbox, overview, transparency
from purldesk.services.views import rates as rate_views
from purldesk.services.views.burden_sharing import BurdenSharingView
from purldesk.services.views.forecast import ForecastView

RANKS_SHOWN = 5  # the forecast panel's next unfunded ranks

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    user = auth.current_user(request)
    application = wired(request)
    viewer = user.actor.viewer if user else PUBLIC
    today = render.today(application)
    view = overview.overview(application.reader(), viewer=viewer, today=today)
    reference_rates = (
        rate_views.reference_rates(application.fx, today=today, currencies={USD, *view.pledged})
        if user is not None and rate_views.shows_reference_rates(viewer)
        else None
    )
    waiting = inbox.inbox(application.reader(), viewer=viewer) if user is not None else None
    return render.render(
        request, "overview.html", user, active="overview", view=view, public=user is None,
        rates_warning=_rates_warning(application, user, today), reference_rates=reference_rates,
        today=today, forecast=_forecast(application, user, today),
        burden=_burden(application, today) if user is None else None, ranks_shown=RANKS_SHOWN,
        inbox=waiting,
    )  # fmt: skip


def _forecast(application: Application, user: WebUser | None, today: date) -> ForecastView | None:
    """The funding forecast, for whoever reads every fund's money (coordinator, auditor)."""
    if user is None or not can(user.actor, Permission.READ_ALLOCATION):
        return None
    return forecasts.funding_forecast(application.reader(), viewer=user.actor.viewer, today=today)


def _burden(application: Application, today: date) -> BurdenSharingView:
    """The burden-sharing report as the public sees it."""
    return BURDEN_SHARING.view(application.reader(), Asked(PUBLIC, today))


def _rates_warning(application: Application, user: WebUser | None, today: date) -> str | None:
    """For whoever keeps the reference rates: a warning before receipts in other currencies
    start to fail for want of a rate (a conversion looks back LOOKBACK_DAYS at most)."""
    if user is None or not can(user.actor, Permission.SET_FX_RATES):
        return None
    latest = application.fx.latest_day(today)
    if rates.is_current(latest, today):
        return None
    if latest is None:
        known, effect = (
            "no reference rate is loaded",
            "money in another currency cannot be received",
        )
    else:
        fails_from = latest + timedelta(days=LOOKBACK_DAYS + 1)
        known = f"the latest is of {latest}"
        effect = (
            "money in another currency than USD cannot be received today"
            if fails_from <= today
            else f"receipts in other currencies fail from {fails_from}"
        )
    return (
        f"Reference rates are not current ({known}): {effect}. Load them with `purldesk fx update`."
    )


@router.get("/public", response_class=HTMLResponse)
def public(request: Request, cycle: str | None = None) -> Response:
    application = wired(request)
    today = render.today(application)
    view = transparency.transparency(application.reader(), today=today, cycle_name=cycle)
    return render.render(
        request, "overview.html", auth.current_user(request), active="public", view=view,
        public=True, burden=_burden(application, today), ranks_shown=RANKS_SHOWN,
        ledger_head=checkpoints.latest(application.uow()),
    )  # fmt: skip
