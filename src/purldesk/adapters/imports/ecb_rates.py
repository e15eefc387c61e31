"""The ECB's eurofxref-hist files (the CSV, or the ZIP holding it) in, rates per euro out.

The header is `Date,USD,JPY,...`; each row is one day, a rate per euro in each column, or
`N/A` where the currency had none that day. Every finding names its line and column. Columns
of currencies money cannot be held in here (the drachma, the Cypriot pound...) are skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import EXPONENTS
from purldesk.services.rates import RateRow

MISSING = frozenset({"", "N/A"})
ZIP_MAGIC = b"PK\x03\x04"


def ecb_text(content: bytes) -> str:
    """The CSV text of an eurofxref-hist file, unzipped if it is the ZIP."""
    if content.startswith(ZIP_MAGIC):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [name for name in archive.namelist() if name.lower().endswith(".csv")]
            if len(names) != 1:
                raise InvalidInput("file", "the ZIP should hold one CSV file (eurofxref-hist.csv)")
            content = archive.read(names[0])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "is not UTF-8 text") from None


def parse_ecb_rates(text: str, *, progress: Callable[[int], None] | None = None) -> list[RateRow]:
    """Every rate of the file, day by day; `progress` hears of each day read."""
    lines = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(lines, [])]
    if not header or header[0] != "Date":
        raise InvalidInput("file", "line 1 should be the header Date,USD,JPY,...")
    currencies = [code for code in header[1:] if code]
    rows: list[RateRow] = []
    for line, cells in enumerate(lines, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        day = _day(cells[0], line)
        rows.extend(_rates(currencies, cells[1:], day, line))
        if progress is not None:
            progress(1)
    return rows


def _day(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("Date", f"line {line}: {text!r} is not a date (YYYY-MM-DD)") from None


def _rates(currencies: list[str], cells: list[str], day: date, line: int) -> Iterable[RateRow]:
    for code, cell in zip(currencies, cells, strict=False):
        text = cell.strip()
        if text in MISSING or code not in EXPONENTS or code == "EUR":
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InvalidInput(code, f"line {line}: {text!r} is not a rate") from None
        yield RateRow(currency=code, rate_date=day, per_eur=value)
