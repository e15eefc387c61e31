"""The catalog repository on SQLAlchemy: one row per catalog item."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import _insert, _rowcount
from purldesk.adapters.storage.tables import CatalogItemRow
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.errors import NotFound
from purldesk.domain.money import Currency, Money


def _catalog_item(row: CatalogItemRow) -> CatalogItem:
    return CatalogItem(
        code=ItemCode(row.code),
        name=row.name,
        area=row.area,
        aid_class=AidClass(row.aid_class),
        unit_price=Money(row.unit_price_minor, Currency(row.currency)),
        lot_size=row.lot_size,
        available_per_cycle=row.available_per_cycle,
        lead_time_days=row.lead_time_days,
    )


def _catalog_values(item: CatalogItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "area": item.area,
        "aid_class": item.aid_class.value,
        "unit_price_minor": item.unit_price.minor,
        "currency": item.unit_price.currency,
        "lot_size": item.lot_size,
        "available_per_cycle": item.available_per_cycle,
        "lead_time_days": item.lead_time_days,
    }


class SqlCatalogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, code: str) -> CatalogItem:
        found = self.find(code)
        if found is None:
            raise NotFound("catalog item", code)
        return found

    def find(self, code: str) -> CatalogItem | None:
        row = self._session.get(CatalogItemRow, code)
        return None if row is None else _catalog_item(row)

    def add(self, item: CatalogItem) -> None:
        row = CatalogItemRow(code=item.code, **_catalog_values(item))
        _insert(
            self._session, "catalog item", row, keys=[(CatalogItemRow.code == item.code, item.code)]
        )

    def save(self, item: CatalogItem) -> None:
        result = self._session.execute(
            update(CatalogItemRow)
            .where(CatalogItemRow.code == item.code)
            .values(**_catalog_values(item))
        )
        if _rowcount(result) == 0:
            raise NotFound("catalog item", item.code)

    def list(self) -> list[CatalogItem]:
        rows = self._session.scalars(select(CatalogItemRow).order_by(CatalogItemRow.code))
        return [_catalog_item(row) for row in rows]
