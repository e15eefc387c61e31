"""Imported GDP figures on SQLAlchemy: one row per nation and year, replaced by a later import."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from purldesk.adapters.storage.reference_tables import GdpFigureRow
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.participants import ParticipantCode


def _figure(row: GdpFigureRow) -> GdpFigure:
    return GdpFigure(
        ParticipantCode(row.nation), row.year, row.gdp_usd, row.source, row.url, row.loaded_at
    )


class SqlGdpRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, figures: Sequence[GdpFigure]) -> int:
        keys = [(f.nation, f.year) for f in figures]
        stored = {
            (row.nation, row.year): row
            for row in self._session.scalars(
                select(GdpFigureRow).where(tuple_(GdpFigureRow.nation, GdpFigureRow.year).in_(keys))
            )
        }
        for figure in figures:
            row = stored.get((figure.nation, figure.year))
            if row is None:
                row = GdpFigureRow(nation=figure.nation, year=figure.year)
                self._session.add(row)
            row.gdp_usd, row.source, row.url = figure.gdp_usd, figure.source, figure.url
            assert figure.loaded_at is not None, "a stored figure is an imported one"
            row.loaded_at = figure.loaded_at
        self._session.flush()
        return len(stored)

    def list(self) -> list[GdpFigure]:
        query = select(GdpFigureRow).order_by(GdpFigureRow.nation, GdpFigureRow.year)
        return [_figure(row) for row in self._session.scalars(query)]
