"""Tables as CSV and as a minimal XLSX workbook (Office Open XML, written with the standard
library: one sheet, inline strings and numbers, a bold header, amounts in a number format and
totals in bold). Shared by the API, the CLI and the dashboard.

Text comes from many organizations (catalog names, purposes, memos) and is read by others in
spreadsheets, so a CSV text cell that a spreadsheet would run as a formula is written with a
leading apostrophe (OWASP's advice for CSV injection). XLSX text is an inline string, which a
spreadsheet never evaluates, so it is written as it is.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

# A decimal is written as a number, digit for digit, never through a float.
Cell = str | int | Decimal

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet: its name, its header and its rows.

    `money` names the columns that hold amounts, which a workbook shows with thousands
    separators and two decimals; `totals` are rows a workbook adds below the others, in bold.
    A CSV has neither: each of its rows is a record, and a column's sum is its rows' sum.
    """

    name: str
    header: tuple[str, ...]
    rows: list[list[Cell]]
    money: frozenset[str] = frozenset()
    totals: list[list[Cell]] = field(default_factory=list)


# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(\.[0-9]+)?")


def _text(value: Cell) -> str | int:
    return f"{value:f}" if isinstance(value, Decimal) else value


def _inert(value: Cell) -> str | int:
    """The CSV text of a cell, a would-be formula neutralised (a signed number stays a number)."""
    text = _text(value)
    formula = isinstance(text, str) and text.startswith(_FORMULA_START)
    return f"'{text}" if formula and not _PLAIN_NUMBER.fullmatch(str(text)) else text


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_inert(v) for v in header])
    writer.writerows([_inert(v) for v in row] for row in rows)
    return out.getvalue()


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# Cell styles of the workbook (`_STYLES`' cellXfs, by position): plain, an amount, bold, a bold
# amount. 4 is the built-in number format #,##0.00.
PLAIN, MONEY, BOLD, BOLD_MONEY = range(4)
MONEY_FORMAT_ID = 4
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    f'<xf numFmtId="{MONEY_FORMAT_ID}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    f'<xf numFmtId="{MONEY_FORMAT_ID}" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
    "</cellXfs></styleSheet>"
)


def _cell(ref: str, value: Cell, style: int = PLAIN) -> str:
    styled = f' s="{style}"' if style != PLAIN else ""
    if isinstance(value, int | Decimal):
        return f'<c r="{ref}"{styled}><v>{_text(value)}</v></c>'
    return (
        f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t>'
        "</is></c>"
    )


def _style(value: Cell, *, money: bool, bold: bool) -> int:
    if money and isinstance(value, int | Decimal):
        return BOLD_MONEY if bold else MONEY
    return BOLD if bold else PLAIN


def _widths(table: Sequence[Sequence[Cell]]) -> str:
    """Columns wide enough for their longest value (an amount with its separators)."""
    widths = [10] * max((len(row) for row in table), default=0)
    for row in table:
        for c, value in enumerate(row):
            shown = f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
            widths[c] = min(max(widths[c], len(shown) + 2), 60)
    columns = "".join(
        f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
        for c, w in enumerate(widths, start=1)
    )
    return f"<cols>{columns}</cols>" if columns else ""


def to_xlsx(
    sheet: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    money: Collection[str] = (),
    totals: Sequence[Sequence[Cell]] = (),
) -> bytes:
    """One sheet: the header frozen and bold, the `money` columns (named in the header) in
    the number format #,##0.00, and `totals` below the rows in bold."""
    in_money = [name in money for name in header]
    kinds: list[tuple[list[Cell], bool]] = [
        (list(header), True), *((list(x), False) for x in rows),
        *((list(x), True) for x in totals),
    ]  # fmt: skip
    lines = []
    for r, (row, bold) in enumerate(kinds, start=1):
        cells = "".join(
            _cell(f"{_column(c)}{r}", v,
                  _style(v, money=r > 1 and c < len(in_money) and in_money[c], bold=bold))
            for c, v in enumerate(row)
        )  # fmt: skip
        lines.append(f'<row r="{r}">{cells}</row>')
    frozen = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    )
    widths = _widths([row for row, _ in kinds])
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="{escape(sheet[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{main}">{frozen}{widths}<sheetData>{"".join(lines)}</sheetData>'
            "</worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            # A fixed date: the same table gives the same bytes, whenever it is written.
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(entry, text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def table_csv(table: Table) -> str:
    return to_csv(table.header, table.rows)


def table_xlsx(table: Table) -> bytes:
    return to_xlsx(table.name, table.header, table.rows, money=table.money, totals=table.totals)
