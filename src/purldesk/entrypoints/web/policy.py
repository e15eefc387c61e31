"""A contributor's policy in force, with the indicators it reads and the what-if form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from purldesk.domain.access import Owned, Permission, authorize, can
from purldesk.domain.errors import InvalidInput, PurldeskError
from purldesk.domain.money import Money
from purldesk.entrypoints.web import render
from purldesk.entrypoints.web.auth import wired
from purldesk.entrypoints.web.render import Errors
from purldesk.services import indicators, policies, requirements, whatif
from purldesk.services.views import choosers
from purldesk.services.views import policy as policy_pages

router = APIRouter(include_in_schema=False)


@router.get("/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    contributor: str | None = None,
    on: str | None = None,
    indicator: str = "",
    value: str = "",
    amount: str = "",
    currency: str = "",
) -> Response:
    user = render.signed_in(request)
    application = wired(request)
    errors: Errors = {}
    viewer = user.actor.viewer
    code = policy_pages.contributor_shown(application.uow(), viewer=viewer, asked=contributor or "")
    try:
        viewer.check(Permission.READ_POLICIES, owner=Owned(code, "policy", code))
    except PurldeskError as error:
        return render.problem(request, user, error)
    day = render.date(on or "", "on", errors, render.today(application))
    view = render.found(
        request, user, lambda: policies.show(application.uow(), contributor=code, on=day)
    )
    observations = sorted(
        indicators.list_observations(application.uow()), key=lambda o: (o.observed_on, o.id)
    )
    result = None
    may_ask = can(user.actor, Permission.RUN_WHATIF)
    asked = bool(indicator or value or amount)
    if asked:
        try:
            authorize(user.actor, Permission.RUN_WHATIF)
        except PurldeskError as error:
            return render.problem(request, user, error)
        scenario = _scenario(code, indicator, value, amount, currency, errors)
        if scenario is not None and not errors:
            try:
                cycle = requirements.resolve_cycle(application.uow(), name=None)
                result = whatif.whatif(
                    application.uow(), application.fx, cycle_id=cycle.id, on=day,
                    scenario=scenario, at=application.clock.now(),
                )  # fmt: skip
            except InvalidInput as error:
                errors["value" if error.field == "indicator" else error.field] = error.message
            except PurldeskError as error:
                errors["form"] = str(error)
    return render.render(
        request, "policy.html", user, status=422 if errors else 200, active="policy",
        view=view, observations=observations, result=result, errors=errors,
        values={"indicator": indicator, "value": value, "amount": amount,
                "currency": currency, "on": on or ""},
        code=code, day=day, may_ask=may_ask, chooses=not viewer.own_only,
        contributors=[] if viewer.own_only else choosers.contributors(application.reader()),
        currencies=choosers.currencies(application.fx.currencies()) if may_ask else [],
    )  # fmt: skip


def _scenario(
    code: str, indicator: str, value: str, amount: str, currency: str, errors: Errors
) -> whatif.Scenario | None:
    if indicator.strip() or value.strip():
        if not indicator.strip():
            errors["indicator"] = "Choose an indicator."
        try:
            number = Decimal(value.strip())
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors["value"] = "Enter a number."
            return None
        return whatif.Scenario(indicators=((indicator.strip(), number),))
    try:
        money = Money.parse(amount.strip().replace(",", ""), currency.strip().upper() or "USD")
    except InvalidInput as error:
        errors["currency" if error.field == "currency" else "amount"] = error.message
        return None
    if not money.is_positive:
        errors["amount"] = "must be positive"
        return None
    return whatif.Scenario(pledges=(whatif.Pledge(code, money),))
