"""Indicator observation files (CSV) in, parsed rows out, every finding with line and field."""

from __future__ import annotations

from collections.abc import Mapping

from purldesk.adapters.imports.csv_files import Parsed, _date, _parse, _required
from purldesk.domain.indicators import parse_indicator_name, parse_value
from purldesk.services.indicators import ObservationRow

INDICATOR_COLUMNS = ("name", "value", "observed_on", "source")


def parse_observations(text: str) -> Parsed[ObservationRow]:
    """Rows of name,value,observed_on,source[,note]."""

    def row(line: int, record: Mapping[str, str]) -> ObservationRow:
        return ObservationRow(
            line=line,
            name=parse_indicator_name(_required(record, "name", line)),
            value=parse_value(_required(record, "value", line)),
            observed_on=_date(record, "observed_on", line),
            source=_required(record, "source", line),
            note=record.get("note", ""),
        )

    return _parse(text, INDICATOR_COLUMNS, row)
