"""The catalog repository on SQLAlchemy: one row per catalog item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from purldesk.adapters.storage.repository import StoredRecords, from_row, to_columns
from purldesk.adapters.storage.tables import CatalogItemRow
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.money import Currency, Money


class SqlCatalogRepository(StoredRecords[CatalogItemRow, CatalogItem]):
    table, record_type, entity, key = CatalogItemRow, CatalogItem, "catalog item", "code"

    def _record(self, row: CatalogItemRow) -> CatalogItem:
        price = Money(row.unit_price_minor, Currency(row.currency))
        return from_row(CatalogItem, row, unit_price=price)

    def _columns(self, item: CatalogItem) -> dict[str, Any]:
        price = item.unit_price
        return to_columns(
            item, skip=["unit_price"], unit_price_minor=price.minor, currency=price.currency
        )

    def list(self) -> list[CatalogItem]:
        return self._where(order_by=[CatalogItemRow.code])

    def many(self, codes: Iterable[str], /) -> dict[str, CatalogItem]:
        wanted = sorted(set(codes))
        if not wanted:
            return {}
        rows = self._session.scalars(select(CatalogItemRow).where(CatalogItemRow.code.in_(wanted)))
        return {item.code: item for item in self._loaded(rows.all())}
