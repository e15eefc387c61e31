"""A contributor's substitution effects, as its statement shows them: per committed allocation
that spent its restricted money, the lines that money took over and where the other money went
(`domain/substitution.py`), as kept with the bases of the packages it pays, read apart from
them (`Reader.substitution_runs`) a page of allocations at a time.

Told in lines and line amounts only, never whose money moved. A line in a package whose
contents the reader may not see is not named (only counted), and an amount is withheld where
the package report withholds that line's cost: it could give back a hidden contributor's money.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from purldesk.domain.access import Viewer
from purldesk.domain.disclosure import Seal
from purldesk.domain.packages import PackageId, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Shift, Substitution
from purldesk.services import substitution
from purldesk.services.read_ports import Reader
from purldesk.services.substitution import Told
from purldesk.services.views.rows import restricted_from, withheld_packages


@dataclass(frozen=True, slots=True)
class SubstitutionRow:
    """One committed allocation's substitution effect for the contributor."""

    on: date  # the allocation date
    recorded_at: datetime  # when it was committed
    packages: tuple[str, ...]  # the packages of that allocation the contributor pays
    effect: Told
    sentence: str


def substitutions(
    reader: Reader,
    *,
    viewer: Viewer,
    contributor: ParticipantCode,
    name: str,
    offset: int = 0,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[SubstitutionRow]:
    """The contributor's effects, once per allocation, the oldest first unless `newest_first`
    (`offset` and `limit` page them; None: all of them); inside the caller's `with reader:`."""
    runs = reader.substitution_runs(
        contributor, offset=offset, limit=limit, newest_first=newest_first
    )
    if not runs:
        return []
    shifts = [s for run in runs for s in _shifts(run.effect)]
    refs = reader.line_refs({s.line for s in shifts})
    # Only the packages holding the lines told: the page costs the same however many there are.
    held = {p for s in shifts for p in s.packages}
    hidden = restricted_from(reader, viewer, packages=held)
    seals = withheld_packages(reader, viewer, packages=held)
    rows = []
    for run in runs:
        effect = substitution.told(
            run.effect,
            ref=lambda s: None if hidden.intersection(s.packages) else refs.get(s.line),
            withheld=lambda s: _is_withheld(s, seals),
        )
        said = substitution.sentence(effect, subject=f"{name}'s money")
        packages = tuple(map(package_ref, run.packages))
        rows.append(SubstitutionRow(run.on, run.recorded_at, packages, effect, said))
    return rows


def _shifts(found: Substitution[LineId]) -> tuple[Shift[LineId], ...]:
    return (*found.took_over, *found.left, *found.went_to)


def _is_withheld(shift: Shift[LineId], seals: Mapping[PackageId, Seal[LineId]]) -> bool:
    """Whether the cost of the line is withheld from the reader in a package holding it."""
    return any(shift.line in seals[p].keys for p in shift.packages if p in seals)
