"""The engine against independent oracles on many random instances."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace

from allocation_oracles import (
    brute_force_lots,
    check_invariants,
    eligible,
    fair_shares,
    ordered,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purldesk.allocation import mip, result_to_json, solve
from purldesk.allocation.problem import (
    AidClass,
    AllocationProblem,
    Fund,
    FundId,
    Line,
    LineId,
)

CLASSES = list(AidClass)
AREAS = ["air", "land", "sea"]
ITEMS = ["I-1", "I-2"]


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    min_lines: int = 0,
    max_lines: int = 5,
    min_funds: int = 0,
    max_funds: int = 3,
    max_lots: int = 3,
    max_price: int = 6,
    max_available: int = 15,
    items: bool = True,
    max_units: int = 8,
    all_limited: bool = False,
) -> AllocationProblem:
    """Small random problems. With `items`, lines share supply items whose units may be limited
    (an item may be limited or not, a line may name no item); with `all_limited`, every line
    names an item and every item is limited."""
    classes = draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=3, unique=True))
    areas = draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique=True))
    n_lines = draw(st.integers(min_lines, max_lines))
    supplies = (
        st.sampled_from(ITEMS)
        if all_limited
        else (st.none() | st.sampled_from(ITEMS))
        if items
        else st.none()
    )
    lines = []
    for k in range(n_lines):
        item = draw(supplies)
        lines.append(
            Line(
                id=LineId(f"L-{k:02d}"),
                rank=draw(st.integers(1, 4)),
                aid_class=draw(st.sampled_from(classes)),
                area=draw(st.sampled_from(areas)),
                lot_price_minor=draw(st.integers(1, max_price)),
                lots=draw(st.integers(0, max_lots)),
                item=item,
                units_per_lot=1 if item is None else draw(st.integers(1, 3)),
            )
        )
    units = (
        st.fixed_dictionaries(dict.fromkeys(ITEMS, st.integers(0, max_units)))
        if all_limited
        else st.dictionaries(st.sampled_from(ITEMS), st.integers(0, max_units))
        if items
        else st.just({})
    )
    n_funds = draw(st.integers(min_funds, max_funds))
    funds = tuple(
        Fund(
            id=FundId(f"F-{k:02d}"),
            contributor="X",
            available_minor=draw(st.integers(0, max_available)),
            aid_classes=draw(
                st.none() | st.frozensets(st.sampled_from(classes), max_size=len(classes))
            ),
            areas=draw(st.none() | st.frozensets(st.sampled_from(areas), max_size=len(areas))),
        )
        for k in range(n_funds)
    )
    cap = draw(st.none() | st.integers(0, max_lines * max_lots * max_price))
    order = draw(st.permutations(range(n_lines)))
    return AllocationProblem(
        currency="USD", lines=tuple(lines[k] for k in order), funds=funds, cap_minor=cap,
        units_available=draw(units),
    )  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(problems())
def test_engine_matches_the_brute_force_lexicographic_optimum(problem: AllocationProblem) -> None:
    result = solve(problem)
    check_invariants(problem, result)
    assert [line.funded_lots for line in result.lines] == brute_force_lots(problem)


@settings(max_examples=300, deadline=None)
@given(problems(max_lines=6, max_lots=4, max_available=60, all_limited=True))
def test_engine_matches_the_brute_force_where_supplier_units_bind(
    problem: AllocationProblem,
) -> None:
    result = solve(problem)
    check_invariants(problem, result)
    assert [line.funded_lots for line in result.lines] == brute_force_lots(problem)


@settings(max_examples=300, deadline=None)
@given(problems(max_lines=8, max_funds=4, all_limited=True))
def test_units_only_ever_remove_lots_and_ample_units_change_nothing(
    problem: AllocationProblem,
) -> None:
    limited = [x.funded_lots for x in solve(problem).lines]
    unlimited = solve(replace(problem, units_available={}))
    assert [x.funded_lots for x in unlimited.lines] >= limited  # lexicographically
    demand = {item: sum(x.lots * x.units_per_lot for x in problem.lines) for item in ITEMS}
    ample = solve(replace(problem, units_available=demand))
    assert result_to_json(ample) == result_to_json(unlimited)


@settings(max_examples=400, deadline=None)
@given(problems(max_lines=5, max_funds=4, max_price=9, max_available=40))
def test_each_fund_pays_its_fair_share_rounded_down_or_up(problem: AllocationProblem) -> None:
    result = solve(problem)
    shares = fair_shares(problem, [line.funded_lots for line in result.lines])
    for usage in result.funds:
        share = shares[usage.id]
        assert math.floor(share) <= usage.used_minor <= math.ceil(share), (usage, share)


@settings(max_examples=300, deadline=None)
@given(problems(max_lines=8, max_funds=4), st.randoms(use_true_random=False))
def test_result_is_independent_of_input_order(
    problem: AllocationProblem, rng: random.Random
) -> None:
    lines, funds = list(problem.lines), list(problem.funds)
    rng.shuffle(lines)
    rng.shuffle(funds)
    shuffled = replace(problem, lines=tuple(lines), funds=tuple(funds))
    first = json.dumps(result_to_json(solve(problem)), sort_keys=True)
    assert json.dumps(result_to_json(solve(shuffled)), sort_keys=True) == first


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    problems(
        min_lines=20,
        max_lines=30,
        min_funds=3,
        max_funds=6,
        max_lots=12,
        max_price=400_000_000,
        max_available=3_000_000_000,
        max_units=60,
    )
)
def test_engine_matches_the_highs_mip_on_medium_instances(problem: AllocationProblem) -> None:
    result = solve(problem)
    check_invariants(problem, result)
    outcome = mip.solve_lexicographic(problem, time_limit_s=60)
    assert outcome.complete
    assert {line.id: line.funded_lots for line in result.lines} == outcome.funded_lots


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    problems(
        min_lines=10,
        max_lines=30,
        min_funds=2,
        max_funds=6,
        max_lots=12,
        max_price=1_000,
        max_available=9_000,
    )
)
def test_largest_utilisation_is_the_lp_minimum(problem: AllocationProblem) -> None:
    result = solve(problem)
    funded = {line.id: line.funded_lots for line in result.lines}
    best = mip.min_max_utilisation(problem, funded)
    available = {f.id: f.available_minor for f in problem.funds}
    ratios = [
        (u.used_minor / available[u.id], 1 / available[u.id])
        for u in result.funds
        if available[u.id]
    ]
    if ratios:
        top = max(r for r, _ in ratios)
        slack = max(s for _, s in ratios) + 1e-6
        assert abs(top - best) <= slack, (top, best)


def test_oracle_feasibility_agrees_with_eligibility() -> None:
    # A guard on the oracle itself: a line nobody may pay is never feasible.
    problem = AllocationProblem(
        currency="USD",
        lines=(Line(LineId("L"), 1, AidClass.LETHAL, "air", 1, 1),),
        funds=(Fund(FundId("F"), "X", 5, frozenset({AidClass.NONLETHAL}), None),),
    )
    assert not eligible(problem.funds[0], ordered(problem)[0])
    assert brute_force_lots(problem) == [0]
