"""Hand-made allocation cases: priorities, restrictions, re-routing, cap, fairness, reasons."""

from __future__ import annotations

import json
import random

import pytest

from purldesk.allocation import result_to_json, solve
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

HUM, NONLETHAL, DEFENSIVE, LETHAL = AidClass


def line(
    id: str,
    *,
    rank: int = 1,
    aid_class: AidClass = DEFENSIVE,
    area: str = "air",
    price: int = 100,
    lots: int = 1,
) -> Line:
    return Line(LineId(id), rank, aid_class, area, price, lots)


def fund(
    id: str,
    available: int,
    *,
    aid_classes: set[AidClass] | None = None,
    areas: set[str] | None = None,
) -> Fund:
    return Fund(
        FundId(id),
        contributor=id.split("-")[1] if "-" in id else id,
        available_minor=available,
        aid_classes=None if aid_classes is None else frozenset(aid_classes),
        areas=None if areas is None else frozenset(areas),
    )


def allocate(*lines: Line, funds: list[Fund], cap: int | None = None) -> AllocationResult:
    return solve(AllocationProblem("USD", tuple(lines), tuple(funds), cap))


def by_id(result: AllocationResult) -> dict[str, LineAllocation]:
    return {x.id: x for x in result.lines}


def used(result: AllocationResult) -> dict[str, int]:
    return {f.id: f.used_minor for f in result.funds}


def test_nonlethal_money_funds_nonlethal_lines_first() -> None:
    result = allocate(
        line("L-1", rank=1, aid_class=NONLETHAL, lots=5),
        line("L-2", rank=2, aid_class=LETHAL, lots=5),
        funds=[fund("F-A", 500), fund("F-B", 500, aid_classes={NONLETHAL})],
    )
    lines = by_id(result)
    assert lines["L-1"].funded_lots == 5
    assert lines["L-1"].by_fund == (("F-B", 500),)
    assert lines["L-2"].funded_lots == 5
    assert lines["L-2"].by_fund == (("F-A", 500),)
    assert used(result) == {"F-A": 500, "F-B": 500}


def test_committed_money_is_rerouted_when_a_later_line_needs_it() -> None:
    # F-XY and F-XZ may both pay X; whichever pays L-1 first, L-2 (Y) and L-3 (Z) each need
    # one of them, so L-1 must end up on the other.  A first-fit greedy funds only two.
    result = allocate(
        line("L-1", rank=1, area="x"),
        line("L-2", rank=2, area="y"),
        line("L-3", rank=3, area="z"),
        funds=[
            fund("F-XY", 100, areas={"x", "y"}),
            fund("F-XZ", 100, areas={"x", "z"}),
            fund("F-ZW", 100, areas={"z", "w"}),
        ],
    )
    lines = by_id(result)
    assert [lines[k].funded_lots for k in ("L-1", "L-2", "L-3")] == [1, 1, 1]
    assert lines["L-1"].by_fund == (("F-XZ", 100),)
    assert lines["L-2"].by_fund == (("F-XY", 100),)
    assert lines["L-3"].by_fund == (("F-ZW", 100),)


def test_reroutes_through_a_chain_of_funds() -> None:
    # L-1 (b) and L-2 (c) can sit on F-AB and F-BC; L-3 (a) can only use F-AB, which frees up
    # only if L-1 moves to F-BC and L-2 on to F-CD: a two-step re-routing.
    result = allocate(
        line("L-1", rank=1, area="b"),
        line("L-2", rank=2, area="c"),
        line("L-3", rank=3, area="a"),
        line("L-4", rank=4, area="d"),
        funds=[
            fund("F-AB", 100, areas={"a", "b"}),
            fund("F-BC", 100, areas={"b", "c"}),
            fund("F-CD", 100, areas={"c", "d"}),
        ],
    )
    assert [x.funded_lots for x in result.lines] == [1, 1, 1, 0]
    lines = by_id(result)
    assert lines["L-1"].by_fund == (("F-BC", 100),)
    assert lines["L-2"].by_fund == (("F-CD", 100),)
    assert lines["L-3"].by_fund == (("F-AB", 100),)
    blocked = lines["L-4"].blocked_by
    assert blocked is not None
    assert blocked.reason == "eligible_money_exhausted"
    assert blocked.competing_lines == ("L-2",)


def test_a_line_outranks_any_combination_below_it() -> None:
    # Funding L-1 (one lot at 300) leaves nothing for the three cheaper lines below it.
    result = allocate(
        line("L-1", rank=1, price=300),
        line("L-2", rank=2),
        line("L-3", rank=3),
        line("L-4", rank=4),
        funds=[fund("F-A", 300)],
    )
    assert [x.funded_lots for x in result.lines] == [1, 0, 0, 0]


def test_partial_lots_then_cheaper_lines_below_use_the_remainder() -> None:
    result = allocate(
        line("L-1", rank=1, price=300, lots=4),
        line("L-2", rank=2, price=300),
        line("L-3", rank=3, price=50, lots=3),
        funds=[fund("F-A", 1000)],
    )
    lines = by_id(result)
    assert lines["L-1"].funded_lots == 3
    assert lines["L-2"].funded_lots == 0
    assert lines["L-3"].funded_lots == 2
    blocked = lines["L-1"].blocked_by
    assert blocked is not None
    assert blocked.reason == "eligible_money_exhausted"
    assert blocked.short_minor == 300


def test_cap_bounds_the_total_and_is_named_as_the_reason() -> None:
    result = allocate(
        line("L-1", rank=1),
        line("L-2", rank=2),
        line("L-3", rank=3, lots=2),
        line("L-4", rank=4, price=50),
        funds=[fund("F-A", 10_000)],
        cap=250,
    )
    lines = by_id(result)
    assert [x.funded_lots for x in result.lines] == [1, 1, 0, 1]
    blocked = lines["L-3"].blocked_by
    assert blocked is not None
    assert blocked.reason == "cap_reached"
    assert blocked.short_minor == 200
    assert blocked.competing_lines == ("L-2", "L-1")
    assert "cap of 250 USD" in blocked.message
    assert sum(x.funded_minor for x in result.lines) == 250


def test_ties_in_rank_are_ordered_by_id() -> None:
    result = allocate(
        line("L-B", rank=1),
        line("L-A", rank=1),
        line("L-0", rank=2),
        funds=[fund("F-A", 100)],
    )
    assert [x.id for x in result.lines] == ["L-A", "L-B", "L-0"]
    assert [x.funded_lots for x in result.lines] == [1, 0, 0]


def test_zero_lots_is_fully_funded_and_unexplained() -> None:
    result = allocate(line("L-1", lots=0), funds=[])
    (only,) = result.lines
    assert (only.funded_lots, only.funded_minor, only.by_fund, only.blocked_by) == (0, 0, (), None)


def test_no_eligible_money_is_explained_without_competitors() -> None:
    result = allocate(
        line("L-1", rank=1, aid_class=NONLETHAL),
        line("L-2", rank=2, aid_class=LETHAL, area="artillery", lots=3),
        funds=[fund("F-A", 1000, aid_classes={NONLETHAL}), fund("F-Z", 0)],
    )
    blocked = by_id(result)["L-2"].blocked_by
    assert blocked is not None
    assert blocked.reason == "no_eligible_money"
    assert blocked.short_minor == 300
    assert blocked.competing_lines == ()
    assert blocked.message.startswith("No contribution may pay for lethal/artillery lines")


def test_exhausted_money_names_the_nearest_lines_that_used_it() -> None:
    # L-1 is paid by the nonlethal-only fund, which could never pay L-4; L-2 and L-3 used the
    # unrestricted money L-4 needed.
    result = allocate(
        line("L-1", rank=1, aid_class=NONLETHAL),
        line("L-2", rank=2),
        line("L-3", rank=3, area="sea"),
        line("L-4", rank=4, area="land"),
        funds=[fund("F-N", 100, aid_classes={NONLETHAL}), fund("F-U", 200)],
    )
    blocked = by_id(result)["L-4"].blocked_by
    assert blocked is not None
    assert blocked.reason == "eligible_money_exhausted"
    assert blocked.competing_lines == ("L-3", "L-2")
    assert "taken by higher-ranked L-3, L-2" in blocked.message


def test_competing_lines_are_bounded_to_ten() -> None:
    lines = [line(f"L-{k:02d}", rank=k) for k in range(15)]
    result = allocate(*lines, line("L-99", rank=99), funds=[fund("F-A", 1500)])
    blocked = by_id(result)["L-99"].blocked_by
    assert blocked is not None
    assert blocked.competing_lines == tuple(f"L-{k:02d}" for k in range(14, 4, -1))


def test_one_line_is_spread_over_funds_in_proportion_to_their_money() -> None:
    result = allocate(line("L-1", price=200), funds=[fund("F-A", 300), fund("F-B", 100)])
    assert used(result) == {"F-A": 150, "F-B": 50}
    assert by_id(result)["L-1"].by_fund == (("F-A", 150), ("F-B", 50))


def test_restricted_money_is_used_evenly_when_nothing_else_needs_it() -> None:
    # Both funds could pay the nonlethal line alone; the fair rule splits it 50/50 by ratio.
    result = allocate(
        line("L-1", aid_class=NONLETHAL),
        funds=[fund("F-N", 100, aid_classes={NONLETHAL}), fund("F-U", 100)],
    )
    assert used(result) == {"F-N": 50, "F-U": 50}


def test_fairness_never_costs_a_line_that_needs_broad_money() -> None:
    result = allocate(
        line("L-1", rank=1, aid_class=NONLETHAL, price=100),
        line("L-2", rank=2, aid_class=LETHAL, price=50),
        funds=[fund("F-N", 100, aid_classes={NONLETHAL}), fund("F-U", 100)],
    )
    # Lowest possible top ratio is 0.75: F-U pays L-2 (50) and 25 of L-1.
    assert used(result) == {"F-N": 75, "F-U": 75}
    assert by_id(result)["L-2"].by_fund == (("F-U", 50),)


def test_fractional_fair_shares_round_by_largest_remainder_then_fund_id() -> None:
    result = allocate(
        line("L-1", price=2),
        funds=[fund("F-C", 1), fund("F-A", 1), fund("F-B", 1)],
    )
    assert used(result) == {"F-A": 1, "F-B": 1, "F-C": 0}
    result = allocate(line("L-1", price=5), funds=[fund("F-A", 3), fund("F-B", 6)])
    # Shares 5/3 and 10/3: remainders 2/3 and 1/3, so F-A rounds up.
    assert used(result) == {"F-A": 2, "F-B": 3}


def test_same_input_gives_byte_identical_json_in_any_order() -> None:
    lines = [
        line(
            f"L-{k}",
            rank=k % 4,
            aid_class=list(AidClass)[k % 4],
            area=["air", "land", "sea"][k % 3],
            price=37 + 11 * k,
            lots=k % 5,
        )
        for k in range(40)
    ]
    funds = [
        fund("F-A", 1234),
        fund("F-B", 999, aid_classes={NONLETHAL, HUM}),
        fund("F-C", 2500, areas={"air"}),
        fund("F-D", 777, aid_classes={LETHAL}, areas={"land", "sea"}),
    ]
    first = json.dumps(result_to_json(allocate(*lines, funds=funds, cap=4000)), sort_keys=True)
    again = json.dumps(result_to_json(allocate(*lines, funds=funds, cap=4000)), sort_keys=True)
    assert again == first
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(lines)
        rng.shuffle(funds)
        shuffled = json.dumps(
            result_to_json(allocate(*lines, funds=funds, cap=4000)), sort_keys=True
        )
        assert shuffled == first


@pytest.mark.parametrize(
    ("problem", "path"),
    [
        (AllocationProblem("USD", (line("L-1", price=0),), ()), "$.lines[0].lot_price_minor"),
        (AllocationProblem("USD", (line("L-1", lots=-1),), ()), "$.lines[0].lots"),
        (
            AllocationProblem("USD", (), (fund("F-A", 1), fund("F-B", 10.5))),  # type: ignore[arg-type]
            "$.funds[1].available_minor",
        ),
        (AllocationProblem("USD", (), (), cap_minor=-1), "$.cap_minor"),
        (AllocationProblem("USD", (line("L-1"), line("L-1")), ()), "$.lines"),
        (AllocationProblem("USD", (), (fund("F-A", 1), fund("F-A", 2))), "$.funds"),
    ],
)
def test_solve_refuses_what_would_break_exactness(problem: AllocationProblem, path: str) -> None:
    with pytest.raises(InvalidProblem) as raised:
        solve(problem)
    assert raised.value.path == path
