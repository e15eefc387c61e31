"""Request and response shapes of the reference router: the caller, participants, the catalog."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from purldesk.domain.access import Actor
from purldesk.domain.catalog import AidClass, CatalogItem
from purldesk.domain.money import MAX_QUANTITY
from purldesk.domain.participants import Participant, ParticipantKind, ParticipantStatus
from purldesk.entrypoints.api.schemas import Input, PositiveMinor, Quantity, Schema, decimal_text


class MeRead(Schema):
    user_id: int
    name: str
    organization: str
    role: str
    permissions: list[str]

    @classmethod
    def of(cls, actor: Actor, permissions: list[str]) -> MeRead:
        return cls(
            user_id=actor.user_id, name=actor.name, organization=actor.organization,
            role=actor.role.value, permissions=permissions,
        )  # fmt: skip


class ParticipantRead(Schema):
    code: str
    name: str
    kind: ParticipantKind
    status: ParticipantStatus
    members: list[str]

    @classmethod
    def of(cls, p: Participant) -> ParticipantRead:
        return cls(code=p.code, name=p.name, kind=p.kind, status=p.status, members=list(p.members))


class CatalogItemFields(Schema):
    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,39}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    area: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    aid_class: AidClass
    unit_price_minor: PositiveMinor
    lot_size: Quantity
    available_per_cycle: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
    lead_time_days: Annotated[int, Field(ge=0, le=10**5)]


class CatalogItemWrite(CatalogItemFields, Input):
    """A catalog item as a client sends it."""


class CatalogItemRead(CatalogItemFields):
    currency: str
    unit_price: str

    @classmethod
    def of(cls, item: CatalogItem) -> CatalogItemRead:
        price = item.unit_price
        return cls.from_attributes(
            item, unit_price_minor=price.minor, currency=price.currency,
            unit_price=decimal_text(price),
        )  # fmt: skip


class CatalogImport(Input):
    items: Annotated[list[CatalogItemWrite], Field(min_length=1, max_length=1000)]


class CatalogImported(Schema):
    added: int
    updated: int
