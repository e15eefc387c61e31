"""Editing and withdrawing requirement lines: what may change, what is recorded, what closes up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from builders import MOMENT, make_item, make_line, make_lines, make_rank_change
from purldesk.domain.errors import Conflict, IllegalTransition, InvalidInput
from purldesk.domain.requirements import (
    LineChange,
    LineId,
    LineStatus,
    RequirementLine,
    edit,
    field_text,
    priority_order,
    rank_periods,
    replay,
    withdraw,
)

ITEM = make_item(code="MED-1", lot_size=4)


def a_line(**fields: object) -> RequirementLine:
    defaults: dict[str, object] = {
        "item": ITEM, "quantity": 8, "needed_by": date(2026, 1, 31), "justification": "winter",
    }  # fmt: skip
    return make_line(**{**defaults, **fields})  # type: ignore[arg-type]


def change(field: str, before: str, after: str, *, at: datetime = MOMENT) -> LineChange:
    return LineChange(LineId(1), field, before, after, at, "UKR")


def active_ranks(lines: list[RequirementLine]) -> dict[int, int]:
    return {ln.id: ln.rank for ln in lines if ln.status is not LineStatus.WITHDRAWN}


def after(
    lines: list[RequirementLine], changed: tuple[RequirementLine, ...]
) -> list[RequirementLine]:
    by_id = {line.id: line for line in lines}
    by_id.update({line.id: line for line in changed})
    return priority_order(by_id.values())


# --- edit ---------------------------------------------------------------------------------


def test_an_edit_records_only_the_fields_that_really_change() -> None:
    line = a_line()
    edited = edit(
        line, item=ITEM, quantity=12, needed_by=date(2026, 1, 31), justification="winter",
        at=MOMENT, by="UKR",
    )  # fmt: skip
    assert edited.line.quantity == 12
    assert edited.changes == (change("quantity", "8", "12"),)
    assert line.quantity == 8  # the old line is left alone


def test_an_edit_of_every_field_records_each_with_its_old_value() -> None:
    edited = edit(
        a_line(), item=ITEM, quantity=4, needed_by=date(2026, 3, 1),
        justification="  hospitals first  ", at=MOMENT, by="UKR",
    )  # fmt: skip
    assert [(c.field, c.before, c.after) for c in edited.changes] == [
        ("quantity", "8", "4"),
        ("needed_by", "2026-01-31", "2026-03-01"),
        ("justification", "winter", "hospitals first"),
    ]
    assert edited.line.justification == "hospitals first"
    assert edited.line.rank == 1 and edited.line.status is LineStatus.OPEN


@pytest.mark.parametrize("quantity", [0, -4, 6, 1])
def test_a_quantity_that_is_not_whole_lots_of_at_least_one_is_refused(quantity: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=ITEM, quantity=quantity, at=MOMENT, by="UKR")
    assert caught.value.field == "quantity"


def test_a_quantity_that_is_not_an_int_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=ITEM, quantity=8.0, at=MOMENT, by="UKR")  # type: ignore[arg-type]
    assert caught.value.field == "quantity"


def test_a_needed_by_that_is_not_a_date_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=ITEM, needed_by=MOMENT, at=MOMENT, by="UKR")
    assert caught.value.field == "needed_by"


def test_an_edit_that_changes_the_one_field_given_to_its_own_value_names_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=ITEM, quantity=8, at=MOMENT, by="UKR")
    assert caught.value.field == "quantity"
    assert "nothing to change" in caught.value.message


def test_an_edit_of_several_fields_that_changes_none_names_them_all() -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=ITEM, quantity=8, justification=" winter ", at=MOMENT, by="UKR")
    assert caught.value.field == "line"
    assert "quantity, justification" in caught.value.message


def test_an_edit_with_no_field_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=ITEM, at=MOMENT, by="UKR")
    assert caught.value.field == "line"


def test_an_edit_checks_the_lot_size_of_the_lines_own_item() -> None:
    with pytest.raises(InvalidInput) as caught:
        edit(a_line(), item=make_item(code="OTHER", lot_size=1), quantity=5, at=MOMENT, by="UKR")
    assert caught.value.field == "item"


@pytest.mark.parametrize("status", [LineStatus.WITHDRAWN, LineStatus.DELIVERED])
def test_a_line_in_a_final_status_cannot_be_edited(status: LineStatus) -> None:
    with pytest.raises(Conflict, match=status.value):
        edit(a_line(status=status), item=ITEM, justification="new", at=MOMENT, by="UKR")


# --- withdraw -----------------------------------------------------------------------------


def test_withdrawing_a_line_closes_up_the_ranks_below_it() -> None:
    lines = make_lines(4)
    withdrawal = withdraw(lines, line_id=LineId(2), reason="met bilaterally", at=MOMENT, by="UKR")
    gone, *moved = withdrawal.lines
    assert (gone.id, gone.status, gone.rank) == (2, LineStatus.WITHDRAWN, 2)
    assert {ln.id: ln.rank for ln in moved} == {3: 2, 4: 3}
    assert active_ranks(after(lines, withdrawal.lines)) == {1: 1, 3: 2, 4: 3}


def test_withdrawing_records_the_status_and_the_reason() -> None:
    withdrawal = withdraw(
        make_lines(2), line_id=LineId(1), reason="  no longer needed ", at=MOMENT, by="UKR"
    )
    assert withdrawal.changes == (
        change("status", "open", "withdrawn"),
        change("reason", "", "no longer needed"),
    )


def test_withdrawing_the_last_line_moves_nobody() -> None:
    withdrawal = withdraw(make_lines(3), line_id=LineId(3), reason="x", at=MOMENT, by="UKR")
    assert [ln.id for ln in withdrawal.lines] == [3]


def test_a_second_withdrawal_skips_lines_already_withdrawn() -> None:
    lines = make_lines(4)
    first = after(lines, withdraw(lines, line_id=LineId(1), reason="a", at=MOMENT, by="UKR").lines)
    second = withdraw(first, line_id=LineId(3), reason="b", at=MOMENT, by="UKR")
    final = after(first, second.lines)
    assert active_ranks(final) == {2: 1, 4: 2}
    assert {ln.id: ln.rank for ln in final if ln.status is LineStatus.WITHDRAWN} == {1: 1, 3: 2}


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_withdrawal_without_a_reason_is_refused(reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        withdraw(make_lines(2), line_id=LineId(1), reason=reason, at=MOMENT, by="UKR")
    assert caught.value.field == "reason"


@pytest.mark.parametrize("status", [LineStatus.FUNDED, LineStatus.DELIVERED, LineStatus.WITHDRAWN])
def test_funded_delivered_and_withdrawn_lines_cannot_be_withdrawn(status: LineStatus) -> None:
    lines = [make_line(id=1, rank=1, status=status), make_line(id=2, rank=2)]
    with pytest.raises(IllegalTransition):
        withdraw(lines, line_id=LineId(1), reason="x", at=MOMENT, by="UKR")


def test_a_partly_funded_line_can_be_withdrawn() -> None:
    lines = [make_line(id=1, rank=1, status=LineStatus.PARTLY_FUNDED), make_line(id=2, rank=2)]
    withdrawal = withdraw(lines, line_id=LineId(1), reason="x", at=MOMENT, by="UKR")
    assert withdrawal.changes[0] == change("status", "partly_funded", "withdrawn")


def test_withdrawing_a_line_not_on_the_list_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        withdraw(make_lines(2), line_id=LineId(9), reason="x", at=MOMENT, by="UKR")
    assert caught.value.field == "line"


# --- history ------------------------------------------------------------------------------


def test_replaying_the_changes_gives_the_line_as_it_is() -> None:
    first = a_line()
    edited = edit(first, item=ITEM, quantity=16, justification="cities", at=MOMENT, by="UKR")
    again = edit(edited.line, item=ITEM, quantity=4, at=MOMENT, by="UKR")
    gone = withdraw([again.line], line_id=LineId(1), reason="done", at=MOMENT, by="UKR")
    history = [*edited.changes, *again.changes, *gone.changes]
    assert replay(first, history) == gone.lines[0]


def test_replay_refuses_a_history_with_a_gap() -> None:
    with pytest.raises(InvalidInput) as caught:
        replay(a_line(), [change("quantity", "12", "16")])
    assert caught.value.field == "quantity"


def test_field_text_refuses_a_field_lines_do_not_have() -> None:
    with pytest.raises(InvalidInput):
        field_text(a_line(), "rank")


def test_rank_periods_put_each_edit_under_the_rank_held_when_it_was_made() -> None:
    day = timedelta(days=1)
    ranks = [make_rank_change(rank=3, at=MOMENT), make_rank_change(rank=1, at=MOMENT + 2 * day)]
    early = change("quantity", "8", "12", at=MOMENT - day)  # before the first rank: a skewed clock
    mid = change("quantity", "12", "16", at=MOMENT + day)
    same = change("justification", "a", "b", at=MOMENT + 2 * day)
    periods = rank_periods(ranks, [early, mid, same])
    assert [(p.rank.rank, p.edits) for p in periods] == [(3, (early, mid)), (1, (same,))]


def test_rank_periods_of_a_line_without_history_are_empty() -> None:
    assert rank_periods([], []) == []
