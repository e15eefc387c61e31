"""The requirements list: lines in whole lots, priority order, reprioritization and rank history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from builders import MOMENT, make_item, make_line, make_lines, make_rank_change, usd
from purldesk.domain.catalog import (
    AidClass,
    CatalogItem,
    parse_aid_class,
    parse_area,
    parse_item_code,
)
from purldesk.domain.errors import InvalidInput
from purldesk.domain.requirements import (
    CycleId,
    LineId,
    LineStatus,
    RequirementLine,
    line_for,
    priority_order,
    rank_on,
    reprioritize,
)


def apply(lines: list[RequirementLine], changed: list[RequirementLine]) -> list[RequirementLine]:
    """The list after saving the changed lines."""
    by_id = {line.id: line for line in lines}
    by_id.update({line.id: line for line in changed})
    return priority_order(by_id.values())


def ranks(lines: list[RequirementLine]) -> dict[int, int]:
    return {line.id: line.rank for line in lines if line.status is not LineStatus.WITHDRAWN}


# --- catalog items and lots ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "lot_size", "lots"),
    [(1, 1, 1), (10, 5, 2), (11, 5, 3), (4, 5, 1), (5, 5, 1), (1_001, 1_000, 2)],
)
def test_lots_round_a_partial_lot_up_to_a_whole_one(
    quantity: int, lot_size: int, lots: int
) -> None:
    item = make_item(lot_size=lot_size)
    assert make_line(item=item, quantity=quantity).lots(item) == lots


def test_line_cost_is_whole_lots_at_the_lot_price() -> None:
    item = make_item(unit_price=usd(250_00), lot_size=4)
    assert item.lot_price == usd(1_000_00)
    assert make_line(item=item, quantity=9).cost(item) == usd(3_000_00)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("lot_size", {"lot_size": 0}),
        ("available_per_cycle", {"available_per_cycle": -1}),
        ("lead_time_days", {"lead_time_days": -1}),
        ("unit_price", {"unit_price": usd(0)}),
        ("unit_price", {"unit_price": usd(-1)}),
    ],
)
def test_catalog_item_refuses_impossible_values(field: str, changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_item(**changes)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_catalog_parsers_normalise_and_name_the_field() -> None:
    assert parse_item_code(" fgm-148 ") == "FGM-148"
    assert parse_area(" Air_Defence ") == "air_defence"
    assert parse_aid_class(" NonLethal ") is AidClass.NONLETHAL
    for parse, bad, field in [
        (parse_item_code, "no spaces", "code"),
        (parse_area, "air defence", "area"),
        (parse_aid_class, "offensive", "aid_class"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            parse(bad)
        assert caught.value.field == field


# --- lines --------------------------------------------------------------------------------


def line_from(item: CatalogItem, quantity: int) -> RequirementLine:
    return line_for(
        line_id=LineId(7),
        ref="UA-7",
        cycle_id=CycleId(1),
        item=item,
        quantity=quantity,
        rank=3,
        needed_by=date(2025, 12, 1),
        justification="winter",
    )


def test_line_for_takes_area_and_aid_class_from_its_item() -> None:
    item = make_item(code="GEN-50", area="winterization", aid_class=AidClass.HUMANITARIAN)
    line = line_from(item, 10)
    assert (line.item_code, line.area, line.aid_class) == (
        "GEN-50",
        "winterization",
        "humanitarian",
    )
    assert line.status is LineStatus.OPEN
    assert line.lots(item) == 10


def test_line_for_accepts_a_whole_number_of_lots() -> None:
    assert line_from(make_item(lot_size=6), 18).lots(make_item(lot_size=6)) == 3


@pytest.mark.parametrize("quantity", [1, 5, 7, 13])
def test_line_for_refuses_a_quantity_that_is_not_whole_lots(quantity: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        line_from(make_item(lot_size=6), quantity)
    assert caught.value.field == "quantity"
    assert "6" in caught.value.message


@pytest.mark.parametrize(("field", "value"), [("quantity", 0), ("rank", 0), ("rank", -2)])
def test_line_refuses_zero_quantity_and_ranks_below_one(field: str, value: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_line(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_priority_order_is_by_rank_then_id() -> None:
    lines = [make_line(id=3, rank=2), make_line(id=2, rank=1), make_line(id=1, rank=2)]
    assert [line.id for line in priority_order(lines)] == [2, 1, 3]


# --- reprioritize -------------------------------------------------------------------------


def test_moving_a_line_up_shifts_the_lines_between_down() -> None:
    lines = make_lines(5)
    changed = reprioritize(lines, line_id=LineId(4), new_rank=2)
    assert {line.id: line.rank for line in changed} == {4: 2, 2: 3, 3: 4}
    assert ranks(apply(lines, changed)) == {1: 1, 4: 2, 2: 3, 3: 4, 5: 5}


def test_moving_a_line_down_shifts_the_lines_between_up() -> None:
    lines = make_lines(4)
    changed = reprioritize(lines, line_id=LineId(1), new_rank=4)
    assert ranks(apply(lines, changed)) == {2: 1, 3: 2, 4: 3, 1: 4}


def test_keeping_a_line_where_it_is_changes_nothing() -> None:
    assert reprioritize(make_lines(3), line_id=LineId(2), new_rank=2) == []


def test_reprioritize_returns_new_lines_and_leaves_the_old_ones_alone() -> None:
    lines = make_lines(3)
    changed = reprioritize(lines, line_id=LineId(3), new_rank=1)
    assert [line.rank for line in lines] == [1, 2, 3]
    assert all(line.status is LineStatus.OPEN for line in changed)


def test_withdrawn_lines_lose_their_place_and_the_rest_close_ranks() -> None:
    lines = [
        make_line(id=1, rank=1),
        make_line(id=2, rank=2, status=LineStatus.WITHDRAWN),
        make_line(id=3, rank=3),
        make_line(id=4, rank=4),
    ]
    changed = reprioritize(lines, line_id=LineId(4), new_rank=1)
    assert all(line.id != 2 for line in changed)
    assert ranks(apply(lines, changed)) == {4: 1, 1: 2, 3: 3}


@pytest.mark.parametrize("new_rank", [0, 4, -1])
def test_reprioritize_refuses_a_rank_outside_the_active_list(new_rank: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        reprioritize(make_lines(3), line_id=LineId(1), new_rank=new_rank)
    assert caught.value.field == "rank"


def test_reprioritize_refuses_an_unknown_or_withdrawn_line() -> None:
    lines = [*make_lines(2), make_line(id=9, rank=3, status=LineStatus.WITHDRAWN)]
    for line_id in (LineId(5), LineId(9)):
        with pytest.raises(InvalidInput) as caught:
            reprioritize(lines, line_id=line_id, new_rank=1)
        assert caught.value.field == "line"


# --- rank history -------------------------------------------------------------------------


def test_rank_on_answers_what_rank_a_line_held_on_a_day() -> None:
    oct_1 = datetime(2025, 10, 1)
    history = [
        make_rank_change(rank=5, at=datetime(2025, 9, 1)),
        make_rank_change(rank=3, at=datetime(2025, 9, 20)),
        make_rank_change(rank=1, at=datetime(2025, 10, 15)),
    ]
    assert rank_on(history, oct_1) == 3
    assert rank_on(history, datetime(2025, 9, 20)) == 3  # a change holds from its instant on
    assert rank_on(history, datetime(2025, 12, 1)) == 1
    assert rank_on(history, datetime(2025, 8, 31)) is None


def test_rank_on_does_not_depend_on_the_order_changes_are_listed() -> None:
    history = [
        make_rank_change(rank=1, at=MOMENT + timedelta(days=2)),
        make_rank_change(rank=4, at=MOMENT),
    ]
    assert rank_on(history, MOMENT + timedelta(days=1)) == 4


def test_rank_on_with_no_history_is_none() -> None:
    assert rank_on([], MOMENT) is None


def test_rank_on_prefers_the_later_of_two_changes_at_the_same_instant() -> None:
    history = [make_rank_change(rank=3, at=MOMENT), make_rank_change(rank=5, at=MOMENT)]
    assert rank_on(history, MOMENT) == 5
