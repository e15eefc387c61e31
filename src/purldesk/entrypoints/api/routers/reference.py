"""Who I am, the participants and the supplier's catalog."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from purldesk.domain.access import ROLE_PERMISSIONS, Actor, Permission
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantKind, ParticipantStatus
from purldesk.entrypoints.api.deps import CurrentActor, PagingDep, Wired, allowed, page_of
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.reference_schemas import (
    CatalogImport,
    CatalogImported,
    CatalogItemRead,
    MeRead,
    ParticipantRead,
)
from purldesk.entrypoints.api.schemas import Page
from purldesk.entrypoints.api.writes import CommandRoutes, Key, same_for_all
from purldesk.services import catalog, participants

router = APIRouter(responses=ERROR_RESPONSES)

CodePath = Annotated[str, Path(min_length=1, max_length=40)]


@router.get("/me", response_model=MeRead, tags=["access"])
def me(actor: CurrentActor) -> MeRead:
    """The authenticated user, its organization, role and permissions."""
    return MeRead.of(actor, sorted(p.value for p in ROLE_PERMISSIONS[actor.role]))


@router.get("/participants", response_model=Page[ParticipantRead], tags=["participants"])
def list_participants(
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_PARTICIPANTS))],
    application: Wired,
    paging: PagingDep,
    kind: ParticipantKind | None = None,
    status: ParticipantStatus | None = None,
) -> dict[str, Any]:
    found = [
        p
        for p in participants.list_all(application.uow())
        if (kind is None or p.kind == kind) and (status is None or p.status == status)
    ]
    return page_of(found, paging, ParticipantRead.of)


@router.get("/participants/{code}", response_model=ParticipantRead, tags=["participants"])
def get_participant(
    code: CodePath,
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_PARTICIPANTS))],
    application: Wired,
) -> ParticipantRead:
    for p in participants.list_all(application.uow()):
        if p.code == code.upper():
            return ParticipantRead.of(p)
    raise NotFound("participant", code)


@router.get("/catalog", response_model=Page[CatalogItemRead], tags=["catalog"])
def list_catalog(
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_CATALOG))],
    application: Wired,
    paging: PagingDep,
    area: Annotated[str | None, Query(max_length=40)] = None,
    aid_class: AidClass | None = None,
) -> dict[str, Any]:
    found = [
        item
        for item in catalog.list_all(application.uow())
        if (area is None or item.area == area)
        and (aid_class is None or item.aid_class == aid_class)
    ]
    return page_of(found, paging, CatalogItemRead.of)


@router.get("/catalog/{code}", response_model=CatalogItemRead, tags=["catalog"])
def get_catalog_item(
    code: CodePath,
    _actor: Annotated[Actor, Depends(allowed(Permission.READ_CATALOG))],
    application: Wired,
) -> CatalogItemRead:
    for item in catalog.list_all(application.uow()):
        if item.code == code.upper():
            return CatalogItemRead.of(item)
    raise NotFound("catalog item", code)


def _imported(result: tuple[int, int]) -> CatalogImported:
    added, updated = result
    return CatalogImported(added=added, updated=updated)


write = CommandRoutes(router, response_model=CatalogImported, present=same_for_all(_imported))


@write.route("PUT", "/catalog", catalog.Import, key=Key.NONE, tags=["catalog"])
def put_catalog(body: CatalogImport) -> catalog.Import:
    """Add or update items (prices, lot sizes, availability, lead times); safe to repeat."""
    items = tuple(
        CatalogItem(
            code=ItemCode(i.code), name=i.name, area=i.area, aid_class=i.aid_class,
            unit_price=Money(i.unit_price_minor, USD), lot_size=i.lot_size,
            available_per_cycle=i.available_per_cycle, lead_time_days=i.lead_time_days,
        )
        for i in body.items
    )  # fmt: skip
    return catalog.Import(items=items)
