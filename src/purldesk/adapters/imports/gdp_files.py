"""GDP files (CSV) in, parsed rows out, every finding with line and field; and the figures
bundled with the software (`adapters/reference_data/gdp.csv`, sourced in its SOURCES.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from purldesk.adapters.imports.csv_files import FieldParser, Parsed, _int, _parse, _required
from purldesk.domain.errors import ImportRejected
from purldesk.domain.gdp import GdpFigure, check_figure
from purldesk.domain.participants import ParticipantCode
from purldesk.services.gdp import GdpRow

GDP_COLUMNS = ("nation", "year", "gdp_usd", "source", "url")
BUNDLED = Path(__file__).parent.parent / "reference_data" / "gdp.csv"


def parse_gdp(text: str) -> Parsed[GdpRow]:
    """Rows of nation,year,gdp_usd,source,url: GDP in whole current US dollars."""
    fields: dict[str, FieldParser] = {
        "nation": lambda r, line: _required(r, "nation", line).upper(),
        "year": lambda r, line: _int(r, "year", line),
        "gdp_usd": lambda r, line: _int(r, "gdp_usd", line, minimum=1),
        "source": lambda r, line: _required(r, "source", line),
        "url": lambda r, line: _required(r, "url", line),
    }
    return _parse(text, GDP_COLUMNS, fields, lambda v, line: GdpRow(line=line, **v))


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
