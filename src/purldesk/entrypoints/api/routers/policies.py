"""Contributors' policies, the indicators they are written over, and what-if questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from purldesk.adapters.exports import policies as views
from purldesk.adapters.exports.whatif import whatif_document
from purldesk.adapters.imports.scenarios import parse_scenario
from purldesk.domain.access import Actor, Permission
from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import ObservationId, parse_value, superseded_by
from purldesk.entrypoints.api.deps import Listing, Wired, allowed, allowed_listing, today_or
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.allocations_schemas import WhatIfRead
from purldesk.entrypoints.api.routers.policies_schemas import IndicatorCreate, KnownOn, PolicyWrite
from purldesk.entrypoints.api.schemas import Day, Page
from purldesk.entrypoints.api.writes import CommandRoutes, Key, same_for_all
from purldesk.services import indicators, policies, requirements, whatif
from purldesk.services.policies import PolicySet

router = APIRouter(responses=ERROR_RESPONSES)

OrgPath = Annotated[str, Path(min_length=1, max_length=40)]
TOML_TYPES = ("application/toml", "text/plain", "text/x-toml")


@router.get("/policies/{org}", response_model=dict[str, Any], tags=["policies"])
def get_policy(
    org: OrgPath,
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_POLICIES))],
    application: Wired,
    on: Annotated[Day | None, Query(description="Default today.")] = None,
    known_on: KnownOn = None,
) -> dict[str, Any]:
    """The contributor's policy version valid on `on`, its phases, and the phase then in force
    with the explanation and the observations behind it."""
    view = policies.show(
        application.uow(), contributor=org, on=today_or(application, on), known_on=known_on
    )
    return views.policy_view(view)


async def _policy_text(request: Request) -> PolicyWrite:
    """The document from a TOML body, or from JSON `{"document", "filename"}`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if content_type in TOML_TYPES:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("document", "is not UTF-8") from None
        if not text.strip() or len(text) > 100_000:
            raise InvalidInput("document", "must be 1 to 100,000 characters of TOML")
        return _policy_write(lambda: PolicyWrite(document=text))
    if content_type != "application/json":
        raise InvalidInput("content-type", "send application/toml, or JSON with `document`")
    return _policy_write(lambda: PolicyWrite.model_validate_json(raw))


def _policy_write(make: Callable[[], PolicyWrite]) -> PolicyWrite:
    """The body, or InvalidInput naming its first fault (not a 500 from inside a dependency)."""
    from pydantic import ValidationError

    try:
        return make()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(field, first["msg"]) from None


_POLICY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/toml": {"schema": {"type": "string", "maxLength": 100_000}},
            "application/json": {"schema": PolicyWrite.model_json_schema()},
        },
    }
}


def _policy_version(result: PolicySet) -> dict[str, Any]:
    return views.policy_version(result.version)


write = CommandRoutes(router, response_model=dict[str, Any])


@write.route(
    "PUT", "/policies/{org}", policies.SetPolicy, present=same_for_all(_policy_version),
    status=lambda result: 201 if result.changed else 200, key=Key.NONE, tags=["policies"],
    openapi_extra=_POLICY_BODY,
)  # fmt: skip
def set_policy(
    org: OrgPath, body: Annotated[PolicyWrite, Depends(_policy_text)]
) -> policies.SetPolicy:
    """A contributor sets its own policy: the document is checked in full (every finding with
    its line and field) and stored as the next version. Sending the version in force again
    changes nothing (200); a new version is 201."""
    return policies.SetPolicy(contributor=org, text=body.document, filename=body.filename)


@router.get("/indicators", response_model=Page[dict[str, Any]], tags=["indicators"])
def list_indicators(
    listing: Annotated[Listing, Depends(allowed_listing(Permission.READ_INDICATORS))],
    name: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Every observation by id, superseded ones included and marked (`superseded_by`)."""
    found = indicators.list_observations(listing.application.uow(), name=name)
    later = superseded_by(found)
    return listing.page(found, lambda o: views.observation(o, superseded_by=later))


@write.post(
    "/indicators", indicators.Record, status_code=201, tags=["indicators"],
    present=same_for_all(lambda observation: views.observation(observation, superseded_by={})),
)  # fmt: skip
def record_indicator(body: IndicatorCreate) -> indicators.Record:
    """Record a dated, sourced observation; with `supersedes`, a correction (both stay)."""
    return indicators.Record(
        name=body.name, value=parse_value(body.value), observed_on=body.observed_on,
        source=body.source, note=body.note,
        supersedes=None if body.supersedes is None else ObservationId(body.supersedes),
    )  # fmt: skip


@router.get("/whatif", response_model=WhatIfRead, tags=["allocation"])
def what_if(
    _actor: Annotated[Actor, Depends(allowed(Permission.RUN_WHATIF))],
    application: Wired,
    cycle: Annotated[str, Query(min_length=1, max_length=200, description="Name or id.")],
    on: Annotated[Day | None, Query(description="Allocation date; default today.")] = None,
    indicator: Annotated[list[str] | None, Query(description="NAME=VALUE")] = None,
    pledge: Annotated[list[str] | None, Query(description="ORG:AMOUNT:CURRENCY")] = None,
    phase: Annotated[list[str] | None, Query(description="ORG:PHASE")] = None,
    price: Annotated[list[str] | None, Query(description="ITEM:+N% or ITEM:-N%")] = None,
    known_on: KnownOn = None,
) -> dict[str, Any]:
    """The lines and funds whose funding changes under the hypotheses, and why each line short
    under them is short, as `purldesk whatif --json` prints it. Read-only: nothing is stored."""
    scenario = parse_scenario(
        indicators=indicator or [], pledges=pledge or [], phases=phase or [], prices=price or []
    )
    cycle_id = requirements.cycle_by_name_or_id(application.uow(), text=cycle).id
    result = whatif.whatif(
        application.uow(), application.fx, cycle_id=cycle_id, on=today_or(application, on),
        scenario=scenario, at=application.clock.now(), known_on=known_on,
    )  # fmt: skip
    return whatif_document(result)
