"""A new cycle carries the previous cycle's needs: PURL's list is renewed month by month, and
what was not funded is asked for again, not retyped or lost."""

from __future__ import annotations

from datetime import datetime

from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.requirements import (
    Cycle,
    CycleStatus,
    LineChange,
    LineId,
    RequirementLine,
    carry,
    priority_order,
)
from purldesk.services import catalog, packages
from purldesk.services.ports import UnitOfWork

CARRIED_FROM = frozenset({CycleStatus.ENDORSED, CycleStatus.CLOSED})


def carry_into(
    uow: UnitOfWork, *, previous: Cycle, into: Cycle, at: datetime, by: str
) -> list[RequirementLine]:
    """Add to the new draft cycle `into` the active lines of the endorsed or closed cycle
    `previous` not fully funded, in their order: each asks only for its unfunded lots, keeps its
    ref, and records in its history where it came from. All of them, or none (the caller's
    transaction)."""
    into.check_editable()
    if uow.requirements.list(into.id):
        raise Conflict(f"cycle {into.name} has lines already; only a new cycle is carried into")
    if previous.status not in CARRIED_FROM:
        raise Conflict(
            f"cycle {previous.name} is {previous.status}; only an endorsed or closed cycle's "
            "lines are carried"
        )
    if previous.opens_on >= into.opens_on:
        raise InvalidInput("opens_on", f"must be after the opening of {previous.name}")
    lines = priority_order(uow.requirements.list(previous.id))
    successors = uow.requirements.carried([ln.id for ln in lines])
    carried_already = next((ln for ln in lines if ln.id in successors), None)
    if carried_already is not None:
        raise Conflict(f"cycle {previous.name} was carried already (line {carried_already.ref})")
    funded = packages.funded_lots(uow, cycle_id=previous.id)
    items = catalog.items_of(uow, (line.item_code for line in lines))
    # Each line takes a number, carried or not, as it always has: the ids stay the same.
    line_ids = uow.next_ids("requirement_line", len(lines))
    added: list[RequirementLine] = []
    changes: list[LineChange] = []
    for line, line_id in zip(lines, line_ids, strict=True):
        carried = carry(
            line, item=items[line.item_code], funded_lots=funded.get(line.id, 0),
            line_id=LineId(line_id), rank=len(added) + 1,
            previous=previous,
            into=into, at=at, by=by,
        )  # fmt: skip
        if carried is not None:
            added.append(carried.line)
            changes.append(carried.change)
    # Stored as one line at a time stores them: each line with its rank, then the changes.
    uow.requirements.add_many(added, at=at, by=by)
    uow.requirements.append_changes(changes)
    return added
