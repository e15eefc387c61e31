"""Who I am, the participants and the supplier's catalog."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends, Path, Query

from purldesk.domain.access import ROLE_PERMISSIONS, Actor, Permission
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantKind, ParticipantStatus
from purldesk.entrypoints.api.deps import CurrentActor, Listing, Wired, allowed, allowed_listing
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
ParticipantReader = Annotated[Actor, Depends(allowed(Permission.READ_PARTICIPANTS))]
CatalogReader = Annotated[Actor, Depends(allowed(Permission.READ_CATALOG))]


class Coded(Protocol):
    @property
    def code(self) -> str: ...


C = TypeVar("C", bound=Coded)


@router.get("/me", response_model=MeRead, tags=["access"])
def me(actor: CurrentActor) -> MeRead:
    """The authenticated user, its organization, role and permissions."""
    return MeRead.of(actor, sorted(p.value for p in ROLE_PERMISSIONS[actor.role]))


def _by_code(found: Iterable[C], code: str, kind: str) -> C:
    """The one with `code` (codes are upper case; any case finds it), or NotFound."""
    for each in found:
        if each.code == code.upper():
            return each
    raise NotFound(kind, code)


@router.get("/participants", response_model=Page[ParticipantRead], tags=["participants"])
def list_participants(
    listing: Annotated[Listing, Depends(allowed_listing(Permission.READ_PARTICIPANTS))],
    kind: ParticipantKind | None = None,
    status: ParticipantStatus | None = None,
) -> dict[str, Any]:
    found = [
        p
        for p in participants.list_all(listing.application.uow())
        if kind in (None, p.kind) and status in (None, p.status)
    ]
    return listing.page(found, ParticipantRead.of)


@router.get("/participants/{code}", response_model=ParticipantRead, tags=["participants"])
def get_participant(
    code: CodePath, _actor: ParticipantReader, application: Wired
) -> ParticipantRead:
    found = participants.list_all(application.uow())
    return ParticipantRead.of(_by_code(found, code, "participant"))


@router.get("/catalog", response_model=Page[CatalogItemRead], tags=["catalog"])
def list_catalog(
    listing: Annotated[Listing, Depends(allowed_listing(Permission.READ_CATALOG))],
    area: Annotated[str | None, Query(max_length=40)] = None,
    aid_class: AidClass | None = None,
) -> dict[str, Any]:
    found = [
        item
        for item in catalog.list_all(listing.application.uow())
        if area in (None, item.area) and aid_class in (None, item.aid_class)
    ]
    return listing.page(found, CatalogItemRead.of)


@router.get("/catalog/{code}", response_model=CatalogItemRead, tags=["catalog"])
def get_catalog_item(code: CodePath, _actor: CatalogReader, application: Wired) -> CatalogItemRead:
    found = catalog.list_all(application.uow())
    return CatalogItemRead.of(_by_code(found, code, "catalog item"))


def _imported(result: tuple[int, int]) -> CatalogImported:
    added, updated = result
    return CatalogImported(added=added, updated=updated)


write = CommandRoutes(router, response_model=CatalogImported, present=same_for_all(_imported))


@write.route("PUT", "/catalog", catalog.Import, key=Key.NONE, is_import=True, tags=["catalog"])
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
