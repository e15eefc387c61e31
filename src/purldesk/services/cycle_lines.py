"""A cycle's lines and their catalog items, read at once for a write that goes through many of
them (the lines of a package) instead of one line and one item at a time.

A line or an item not among those read (a line of another cycle, an item the catalog lacks) is
read by key when it is asked for, so a write refuses it with the same error, in the same order,
as one reading them one by one would."""

from __future__ import annotations

from purldesk.domain.catalog import CatalogItem
from purldesk.domain.requirements import CycleId, LineId, RequirementLine
from purldesk.services.ports import UnitOfWork


class CycleLines:
    """The lines of one cycle as the open unit of work holds them, with their items."""

    def __init__(self, uow: UnitOfWork, cycle_id: CycleId) -> None:
        self._uow = uow
        self._lines = {line.id: line for line in uow.requirements.list(cycle_id)}
        self._items = uow.catalog.many(line.item_code for line in self._lines.values())

    def line(self, line_id: LineId) -> RequirementLine:
        found = self._lines.get(line_id)
        return found if found is not None else self._uow.requirements.get(line_id)

    def item(self, code: str) -> CatalogItem:
        found = self._items.get(code)
        return found if found is not None else self._uow.catalog.get(code)

    def saved(self, line: RequirementLine) -> RequirementLine:
        """`line`, as the write just saved it: asked for again, it is what is stored."""
        self._lines[line.id] = line
        return line
