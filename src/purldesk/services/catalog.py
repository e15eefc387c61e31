"""Use cases for the supplier's catalog."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from purldesk.domain.access import Permission
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.errors import NotFound
from purldesk.services.handle import Command, Context, command
from purldesk.services.ports import UnitOfWork


def import_items(uow: UnitOfWork, *, items: Sequence[CatalogItem]) -> tuple[int, int]:
    """Add new items and update known ones in one transaction; returns (added, updated)."""
    added = updated = 0
    with uow:
        for item in items:
            existing = uow.catalog.find(item.code)
            if existing is None:
                uow.catalog.add(item)
                added += 1
            elif existing != item:
                uow.catalog.save(item)
                updated += 1
        uow.commit()
    return added, updated


def items_of(uow: UnitOfWork, codes: Iterable[str]) -> dict[str, CatalogItem]:
    """The catalog items of `codes`, by code, read at once; NotFound names the first code the
    catalog does not have."""
    wanted = list(dict.fromkeys(codes))
    found = uow.catalog.many(wanted)
    missing = next((code for code in wanted if code not in found), None)
    if missing is not None:
        raise NotFound("catalog item", missing)
    return found


def list_all(uow: UnitOfWork) -> list[CatalogItem]:
    with uow:
        return sorted(uow.catalog.list(), key=lambda item: item.code)


@command("catalog.import", Permission.EDIT_CATALOG)
class Import(Command[tuple[int, int]]):
    """The supplier adds new items and updates known ones; (added, updated)."""

    items: tuple[CatalogItem, ...]

    def execute(self, uow: UnitOfWork, context: Context) -> tuple[int, int]:
        return import_items(uow, items=self.items)

    def target(self, result: tuple[int, int]) -> str:
        return "catalog"
