"""What the pledge form offers to earmark money to: the packages still taking money."""

from __future__ import annotations

from dataclasses import dataclass

from purldesk.domain.packages import package_ref
from purldesk.domain.requirements import CycleStatus
from purldesk.services.earmarks import ENDED_PACKAGE
from purldesk.services.read_ports import Reader


@dataclass(frozen=True, slots=True)
class PackageChoice:
    ref: str  # P-0001, as the pledge reads it
    label: str  # its ref, name, status and cycle


def earmarkable_packages(reader: Reader) -> list[PackageChoice]:
    """The packages a pledge may be earmarked to, by id: neither cancelled nor closed, in a
    cycle not closed, as the pledge itself checks (`earmarks.findings`)."""
    with reader:
        closed = {c.name for c in reader.cycles() if c.status is CycleStatus.CLOSED}
        found = reader.package_totals(with_cancelled=False)
    return [
        PackageChoice(
            package_ref(p.id), f"{package_ref(p.id)} {p.name} ({p.status}, cycle {p.cycle_name})"
        )
        for p in found
        if p.status not in ENDED_PACKAGE and p.cycle_name not in closed
    ]
