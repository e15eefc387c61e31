"""GDP files (CSV) in, parsed rows out, every finding with line and field; and the figures
bundled with the software (`adapters/reference_data/gdp.csv`, sourced in its SOURCES.md)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from purldesk.adapters.imports.csv_files import Parsed, _int, _parse, _required
from purldesk.domain.errors import ImportRejected
from purldesk.domain.gdp import GdpFigure, check_figure
from purldesk.domain.participants import ParticipantCode
from purldesk.services.gdp import GdpRow

GDP_COLUMNS = ("nation", "year", "gdp_usd", "source", "url")
BUNDLED = Path(__file__).parent.parent / "reference_data" / "gdp.csv"


def parse_gdp(text: str) -> Parsed[GdpRow]:
    """Rows of nation,year,gdp_usd,source,url: GDP in whole current US dollars."""

    def row(line: int, record: Mapping[str, str]) -> GdpRow:
        return GdpRow(
            line=line,
            nation=_required(record, "nation", line).upper(),
            year=_int(record, "year", line),
            gdp_usd=_int(record, "gdp_usd", line, minimum=1),
            source=_required(record, "source", line),
            url=_required(record, "url", line),
        )

    return _parse(text, GDP_COLUMNS, row)


@cache
def bundled_figures() -> tuple[GdpFigure, ...]:
    """The GDP figures that come with the software, checked as an import checks them."""
    parsed = parse_gdp(BUNDLED.read_text(encoding="utf-8"))
    if parsed.errors:
        raise ImportRejected(str(BUNDLED), parsed.errors)
    return tuple(
        check_figure(GdpFigure(ParticipantCode(r.nation), r.year, r.gdp_usd, r.source, r.url))
        for r in parsed.rows
    )
