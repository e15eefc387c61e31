"""Reading report files back as the people who download them would: CSV with the csv module,
XLSX with openpyxl (an independent reader of the workbook purldesk writes by hand)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def xlsx_table(data: bytes) -> list[list[Any]]:
    """Every row of the workbook's one sheet, header first, as openpyxl reads the cells."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    (sheet,) = workbook.worksheets
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def xlsx_rows(data: bytes) -> list[dict[str, str]]:
    """The sheet as CSV would read it: numbers as their shortest decimal text, empty as ''."""
    header, *rows = xlsx_table(data)
    return [
        {str(name): _text(value) for name, value in zip(header, row, strict=True)} for row in rows
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return str(value)


def same_number(a: str, b: str) -> bool:
    """Whether two cells hold the same number (`20000.00` as written, `20000.0` as read)."""
    return a == b or (a != "" and b != "" and Decimal(a) == Decimal(b))
