"""What every import of a file shares: each row is checked, every finding is reported with the
line it stands on, and nothing is written unless every row is good."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from purldesk.domain.errors import ImportRejected, InvalidInput, RowError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FileRow:
    """One parsed row of a file; `line` is its line number in the file."""

    line: int


RowT = TypeVar("RowT", bound=FileRow)


def each_row(rows: Iterable[RowT], check: Callable[[RowT], T], *, source: str) -> list[T]:
    """`check` of every row, in order; ImportRejected naming `source` and the field of each row
    whose check raised InvalidInput, if any did."""
    checked: list[T] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            checked.append(check(row))
        except InvalidInput as error:
            errors.append(RowError(row.line, error.field, error.message))
    if errors:
        raise ImportRejected(source, errors)
    return checked
