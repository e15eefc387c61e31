"""The supplier's capacity: how many units of each item a cycle's packages hold, and how many
of the item's `available_per_cycle` are left for the allocation engine or a package drawn by
hand.

Units are whole lots times the item's lot size. A cancelled package holds nothing. A top-up
adds money to lots already counted, never units, so only drafting a package can exceed them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.errors import Conflict
from purldesk.domain.packages import Package
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Held:
    """What a cycle's packages that are not cancelled hold: lots per line, units per item."""

    lots: Mapping[LineId, int]
    units: Mapping[ItemCode, int]

    def units_left(self, item: CatalogItem) -> int:
        """Units of `item` the cycle may still take (none if its packages already exceed it)."""
        return max(0, item.available_per_cycle - self.units.get(item.code, 0))

    def with_lots_of(self, package: Package) -> dict[LineId, int]:
        """Lots per line once `package` is added too."""
        lots = dict(self.lots)
        for line in package.lines:
            lots[line.line_id] = lots.get(line.line_id, 0) + line.lots
        return lots


def held_in_cycle(
    uow: UnitOfWork, *, cycle_id: CycleId, items: Mapping[ItemCode, CatalogItem]
) -> Held:
    """Lots and units in the cycle's packages that are not cancelled, summed by storage: a
    package's attributions (hundreds, in a large allocation) are not read."""
    lots: dict[LineId, int] = defaultdict(int)
    units: dict[ItemCode, int] = defaultdict(int)
    for (line_id, code), count in uow.packages.held_lots(cycle_id).items():
        lots[line_id] += count
        units[code] += count * items[code].lot_size
    return Held(dict(lots), dict(units))


def admit(uow: UnitOfWork, package: Package) -> Held:
    """What the cycle's packages hold before the new `package`, once it is checked to fit the
    units the cycle has left of each item; Conflict naming the first item it does not fit."""
    items = {item.code: item for item in uow.catalog.list()}
    held = held_in_cycle(uow, cycle_id=package.cycle_id, items=items)
    asked: dict[ItemCode, int] = defaultdict(int)
    for line in package.lines:
        asked[line.item_code] += line.lots * items[line.item_code].lot_size
    for code in sorted(asked):
        item = items[code]
        left = held.units_left(item)
        if asked[code] > left:
            cycle = uow.cycles.get(package.cycle_id)
            raise Conflict(
                f"{code}: the package asks for {asked[code]:,} unit(s), but only {left:,} of the "
                f"{item.available_per_cycle:,} the supplier makes available per cycle are left "
                f"in cycle {cycle.name}"
            )
    return held
