"""The supplier's units per item: a bound on lots across lines, named when it binds."""

from __future__ import annotations

import pytest

from purldesk.allocation import solve
from purldesk.allocation.problem import (
    AidClass,
    AllocationProblem,
    AllocationResult,
    Fund,
    FundId,
    InvalidProblem,
    Line,
    LineAllocation,
    LineId,
)

DEFENSIVE = AidClass.DEFENSIVE


def line(
    id: str,
    *,
    rank: int,
    price: int = 100,
    lots: int = 1,
    item: str | None = "PAC-3",
    units_per_lot: int = 4,
) -> Line:
    return Line(LineId(id), rank, DEFENSIVE, "air", price, lots, item, units_per_lot)


def allocate(
    *lines: Line,
    money: int = 1_000_000,
    units: dict[str, int],
    cap: int | None = None,
    exponent: int | None = 2,
) -> AllocationResult:
    funds = (Fund(FundId("F-A"), "NLD", money),)
    problem = AllocationProblem(
        "USD", tuple(lines), funds, cap, exponent=exponent, units_available=units
    )
    return solve(problem)


def outcome(result: AllocationResult, id: str) -> LineAllocation:
    return next(x for x in result.lines if x.id == id)


def test_lines_of_one_item_share_its_units_in_priority_order() -> None:
    # 24 units in lots of 4: L-1 takes 4 lots (16 units), L-2 the 2 lots left, L-3 none.
    result = allocate(
        line("L-1", rank=1, lots=4),
        line("L-2", rank=2, lots=5),
        line("L-3", rank=3, lots=1),
        units={"PAC-3": 24},
    )
    assert [x.funded_lots for x in result.lines] == [4, 2, 0]
    blocked = outcome(result, "L-2").blocked_by
    assert blocked is not None
    assert blocked.reason == "capacity_reached"
    assert blocked.short_minor == 300
    assert blocked.competing_lines == ("L-1",)
    assert blocked.message == (
        "Supplier capacity for PAC-3 is reached: 24 unit(s) available this cycle (lots of 4), "
        "16 taken by higher-ranked L-1; 2 of 5 lot(s) funded, USD 3.00 short."
    )
    last = outcome(result, "L-3").blocked_by
    assert last is not None
    assert last.competing_lines == ("L-2", "L-1")
    assert "24 taken by higher-ranked L-2, L-1" in last.message


def test_money_a_capacity_bound_line_cannot_take_funds_the_lines_below() -> None:
    result = allocate(
        line("L-1", rank=1, lots=10),
        line("L-2", rank=2, lots=3, item="HIMARS", units_per_lot=1),
        line("L-3", rank=3, lots=2, item=None),
        money=700,
        units={"PAC-3": 8, "HIMARS": 100},
    )
    assert [x.funded_lots for x in result.lines] == [2, 3, 2]


def test_units_left_fewer_than_a_lot_bind_with_no_line_named() -> None:
    result = allocate(line("L-1", rank=1, lots=2, units_per_lot=4), units={"PAC-3": 3})
    blocked = result.lines[0].blocked_by
    assert blocked is not None
    assert blocked.reason == "capacity_reached"
    assert blocked.competing_lines == ()
    assert blocked.message == (
        "Supplier capacity for PAC-3 is reached: 3 unit(s) available this cycle (lots of 4); "
        "0 of 2 lot(s) funded, USD 2.00 short."
    )


def test_an_item_not_limited_and_a_line_without_item_are_unbounded() -> None:
    result = allocate(
        line("L-1", rank=1, lots=50, item="OTHER"),
        line("L-2", rank=2, lots=50, item=None),
        units={"PAC-3": 0},
    )
    assert [x.funded_lots for x in result.lines] == [50, 50]


@pytest.mark.parametrize(
    ("money", "units", "cap", "reason"),
    [
        # Capacity and money both rule out another lot: the supplier's units are named.
        (200, 8, None, "capacity_reached"),
        # Capacity and the cap both do: capacity is named.
        (1_000, 8, 200, "capacity_reached"),
        # Units are left for another lot, the cap is not: the cap.
        (1_000, 40, 200, "cap_reached"),
        # Units and cap are left, money is not.
        (200, 40, 1_000, "eligible_money_exhausted"),
    ],
)
def test_the_first_binding_cause_is_named(
    money: int, units: int, cap: int | None, reason: str
) -> None:
    result = allocate(line("L-1", rank=1, lots=5), money=money, units={"PAC-3": units}, cap=cap)
    (only,) = result.lines
    assert only.funded_lots == 2
    assert only.blocked_by is not None
    assert only.blocked_by.reason == reason


def test_no_eligible_money_comes_before_capacity() -> None:
    problem = AllocationProblem(
        "USD",
        (line("L-1", rank=1, lots=2),),
        (Fund(FundId("F-N"), "X", 500, frozenset({AidClass.NONLETHAL})),),
        units_available={"PAC-3": 0},
    )
    blocked = solve(problem).lines[0].blocked_by
    assert blocked is not None
    assert blocked.reason == "no_eligible_money"


def test_without_the_exponent_the_shortfall_is_worded_as_minor_units() -> None:
    result = allocate(line("L-1", rank=1, lots=2), units={"PAC-3": 4}, exponent=None)
    blocked = result.lines[0].blocked_by
    assert blocked is not None
    assert "1 of 2 lot(s) funded, 100 USD minor units short" in blocked.message


@pytest.mark.parametrize(
    ("problem", "path"),
    [
        (
            AllocationProblem("USD", (line("L-1", rank=1, units_per_lot=0),), ()),
            "$.lines[0].units_per_lot",
        ),
        (AllocationProblem("USD", (line("L-1", rank=1, item=""),), ()), "$.lines[0].item"),
        (
            AllocationProblem("USD", (), (), units_available={"PAC-3": -1}),
            "$.units_available['PAC-3']",
        ),
        (
            AllocationProblem("USD", (), (), units_available={"PAC-3": 2.5}),  # type: ignore[dict-item]
            "$.units_available['PAC-3']",
        ),
    ],
)
def test_solve_refuses_units_that_are_not_counts(problem: AllocationProblem, path: str) -> None:
    with pytest.raises(InvalidProblem) as raised:
        solve(problem)
    assert raised.value.path == path
