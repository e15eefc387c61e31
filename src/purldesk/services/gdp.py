"""Use cases for GDP figures: import a file of them (a nation's figure of a year replaces the
one stored for that year), and the figures in force (the bundled ones, then those imported)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from purldesk.domain.access import Permission
from purldesk.domain.errors import InvalidInput
from purldesk.domain.gdp import GdpFigure, check_figure, check_nation, latest_by_nation
from purldesk.domain.participants import ParticipantCode
from purldesk.services.handle import Command, Context, command
from purldesk.services.imports import FileRow, each_row
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class GdpRow(FileRow):
    """One parsed row of a GDP file: a nation's GDP of a year in whole current US dollars."""

    nation: str
    year: int
    gdp_usd: int
    source: str
    url: str


@dataclass(frozen=True, slots=True)
class Imported:
    """How many figures an import added, and how many replaced one of the same nation and year."""

    added: int
    replaced: int


def in_force(
    bundled: Iterable[GdpFigure], stored: Iterable[GdpFigure]
) -> dict[ParticipantCode, GdpFigure]:
    """Each nation's figure of its latest year, bundled or imported; an imported figure wins
    over a bundled one of the same year."""
    return latest_by_nation([*bundled, *stored])


def _figure(row: GdpRow, nation: ParticipantCode) -> GdpFigure:
    return check_figure(
        GdpFigure(nation, row.year, row.gdp_usd, row.source.strip(), row.url.strip())
    )


@command("gdp.import", Permission.IMPORT)
class Import(Command[Imported]):
    """Store every row of a GDP file in one transaction, or none: each nation once a year."""

    rows: tuple[GdpRow, ...]
    source_name: str = "gdp"

    def __post_init__(self) -> None:
        seen: set[tuple[str, int]] = set()

        def check(row: GdpRow) -> None:
            _figure(row, ParticipantCode(row.nation))
            if (row.nation, row.year) in seen:
                raise InvalidInput("year", f"{row.nation}'s {row.year} is given twice")
            seen.add((row.nation, row.year))

        each_row(self.rows, check, source=self.source_name)

    def execute(self, uow: UnitOfWork, context: Context) -> Imported:
        participants = {p.code: p for p in uow.participants.list()}

        def figure(row: GdpRow) -> GdpFigure:
            nation = check_nation(participants.get(ParticipantCode(row.nation)), row.nation)
            return GdpFigure(
                nation, row.year, row.gdp_usd, row.source.strip(), row.url.strip(), context.at
            )

        figures = each_row(self.rows, figure, source=self.source_name)
        replaced = uow.gdp.put(figures)
        return Imported(added=len(figures) - replaced, replaced=replaced)

    def target(self, result: Imported) -> str:
        return self.source_name
