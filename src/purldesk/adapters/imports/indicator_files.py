"""Indicator observation files (CSV) in, parsed rows out, every finding with line and field."""

from __future__ import annotations

from purldesk.adapters.imports.csv_files import FieldParser, Parsed, _date, _parse, _required
from purldesk.domain.indicators import parse_indicator_name, parse_value
from purldesk.services.indicators import ObservationRow

INDICATOR_COLUMNS = ("name", "value", "observed_on", "source")


def parse_observations(text: str) -> Parsed[ObservationRow]:
    """Rows of name,value,observed_on,source[,note]."""
    fields: dict[str, FieldParser] = {
        "name": lambda r, line: parse_indicator_name(_required(r, "name", line)),
        "value": lambda r, line: parse_value(_required(r, "value", line)),
        "observed_on": lambda r, line: _date(r, "observed_on", line),
        "source": lambda r, line: _required(r, "source", line),
        "note": lambda r, _: r.get("note", ""),
    }
    return _parse(text, INDICATOR_COLUMNS, fields, lambda v, line: ObservationRow(line=line, **v))
