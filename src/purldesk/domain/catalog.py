"""The supplier's catalog: items with a price, a lot size, availability and a lead time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import NewType

from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import Money, bounded, bounded_quantity
from purldesk.domain.text import parse_choice

ItemCode = NewType("ItemCode", str)

_ITEM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
_AREA = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class AidClass(StrEnum):
    HUMANITARIAN = "humanitarian"
    NONLETHAL = "nonlethal"
    DEFENSIVE = "defensive"
    LETHAL = "lethal"


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One item the supplier offers; a requirement line is funded in whole lots of it."""

    code: ItemCode
    name: str
    area: str
    aid_class: AidClass
    unit_price: Money
    lot_size: int
    available_per_cycle: int
    lead_time_days: int

    def __post_init__(self) -> None:
        if self.lot_size < 1:
            raise InvalidInput("lot_size", "must be at least 1")
        bounded_quantity(self.lot_size, "lot_size")
        bounded_quantity(self.available_per_cycle, "available_per_cycle")
        if self.available_per_cycle < 0:
            raise InvalidInput("available_per_cycle", "must not be negative")
        if self.lead_time_days < 0:
            raise InvalidInput("lead_time_days", "must not be negative")
        if self.unit_price.minor <= 0:
            raise InvalidInput("unit_price", "must be positive")
        bounded(self.lot_price, "unit_price", what=f"a lot of {self.lot_size} at {self.unit_price}")

    @property
    def lot_price(self) -> Money:
        return self.unit_price.times(self.lot_size)


def parse_item_code(text: str, *, field: str = "code") -> ItemCode:
    code = text.strip().upper()
    if not _ITEM_CODE.match(code):
        raise InvalidInput(field, f"{text!r} is not an item code (A-Z, 0-9, '-', up to 40)")
    return ItemCode(code)


def parse_area(text: str, *, field: str = "area") -> str:
    area = text.strip().lower()
    if not _AREA.match(area):
        raise InvalidInput(field, f"{text!r} is not a capability area (a-z, 0-9, '_')")
    return area


def parse_aid_class(text: str, *, field: str = "aid_class") -> AidClass:
    return parse_choice(AidClass, text, field=field)
