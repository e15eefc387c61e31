"""Commands check their own input, so a file or the command line meets the same limits as a
form or an API body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from purldesk.domain.errors import ImportRejected, InvalidInput
from purldesk.services import indicators, requirements
from purldesk.services.indicators import ObservationRow
from purldesk.services.requirements import LineRow

LONG = "x" * 2001


def test_an_imported_line_s_justification_is_held_to_2000_characters() -> None:
    rows = tuple(
        LineRow(n, f"L-{n}", n, "MED-1", 2, date(2026, 1, 31), text)
        for n, text in ((1, "fine"), (2, LONG), (3, LONG))
    )
    with pytest.raises(ImportRejected) as refused:
        requirements.ImportLines(cycle="2025-10", rows=rows)
    assert [(e.line, e.field) for e in refused.value.errors] == [
        (2, "justification"),
        (3, "justification"),
    ]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: requirements.EditLine(cycle="2025-10", ref="L-1", justification=LONG),
         "justification"),
        (lambda: requirements.WithdrawLine(cycle="2025-10", ref="L-1", reason=LONG), "reason"),
        (lambda: requirements.WithdrawLine(cycle="2025-10", ref="L-1", reason="  "), "reason"),
        (lambda: requirements.OpenCycle(name=" ", opens_on=date(2025, 10, 1)), "name"),
        (lambda: indicators.Record(name="troops", value=Decimal(1),
                                   observed_on=date(2025, 9, 1), source=LONG), "source"),
    ],
)  # fmt: skip
def test_a_command_refuses_bad_input_naming_the_field(
    make: Callable[[], object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        make()
    assert refused.value.field == field


def test_an_imported_observation_s_note_is_held_to_2000_characters() -> None:
    row = ObservationRow(4, "troops", Decimal(1), date(2025, 9, 1), "press", note=LONG)
    with pytest.raises(ImportRejected) as refused:
        indicators.Import(rows=(row,), source_name="troops.csv")
    assert [(e.line, e.field) for e in refused.value.errors] == [(4, "note")]
