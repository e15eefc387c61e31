"""Reference rates: the latest of each currency, the rate a conversion would take, and a rate
recorded from another official source (as `purldesk fx show` and `fx set` do)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from purldesk.domain.access import Actor, Permission
from purldesk.domain.indicators import parse_value
from purldesk.entrypoints.api.deps import Wired, allowed, today_or
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.fx_schemas import (
    ConversionRead,
    FxRateCreate,
    FxRateRead,
    FxRateRecorded,
    FxRatesRead,
)
from purldesk.entrypoints.api.schemas import Day
from purldesk.entrypoints.api.writes import CommandRoutes, same_for_all
from purldesk.services import rates
from purldesk.services.views import rates as rate_views

router = APIRouter(responses=ERROR_RESPONSES, tags=["fx"])

RatesReader = Annotated[Actor, Depends(allowed(Permission.READ_FX_RATES))]


@router.get("/fx/rates", response_model=FxRatesRead)
def list_rates(
    _actor: RatesReader,
    application: Wired,
    currency: Annotated[
        str | None,
        Query(pattern=r"^[A-Z]{3}$", description="Only this currency, and its conversion."),
    ] = None,
    on: Annotated[Day | None, Query(description="The day asked about; default today.")] = None,
) -> FxRatesRead:
    """The latest rate per euro of each currency on or before `on`, from the database or the
    rates bundled with the software, whichever is later; with `currency`, that currency's
    only (the pool's USD's too, for the euro) and the rate a conversion of it into USD on
    `on` would take (422 naming the latest day known if there is none)."""
    day = today_or(application, on)
    asked = None if currency is None else {currency, "USD"} if currency == "EUR" else {currency}
    rows = rate_views.reference_rates(application.fx, today=day, currencies=asked)
    converted = None
    if currency is not None:
        converted = ConversionRead.of(rate_views.conversion(application.fx, code=currency, on=day))
    return FxRatesRead(on=day, rates=[FxRateRead.of(r) for r in rows], conversion=converted)


write = CommandRoutes(
    router, response_model=FxRateRecorded, present=same_for_all(FxRateRecorded.of)
)


@write.post("/fx/rates", rates.SetRate, status_code=201)
def set_rate(body: FxRateCreate) -> rates.SetRate:
    """Record a rate per euro from another official source (such as UAH from the National Bank
    of Ukraine), as `purldesk fx set` does; the same rate again changes nothing, another rate
    for a stored day is refused (409): reference rates are never revised."""
    return rates.SetRate(
        currency=body.currency, rate_date=body.rate_date,
        per_eur=parse_value(body.per_eur, field="per_eur"), source=body.source,
    )  # fmt: skip
