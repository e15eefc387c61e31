"""The substitution effect of restricted money on random small allocations: none for money that
is unrestricted or additional, and what left lines always equals, exactly, what went to other
lines plus what stayed unallocated."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from purldesk.allocation import AidClass, AllocationProblem, AllocationResult, Fund, Line
from purldesk.allocation.problem import FundId, LineId
from purldesk.domain.substitution import Standing, total
from purldesk.services.additionality import solve
from purldesk.services.substitution import compare, effect

CLASSES = [AidClass.HUMANITARIAN, AidClass.NONLETHAL, AidClass.LETHAL]
AREAS = ["air", "land"]
WHO = ["X", "Y", "Z"]


@st.composite
def problems(draw: st.DrawFn) -> AllocationProblem:
    lines = tuple(
        Line(
            id=LineId(f"L-{k:02d}"),
            rank=draw(st.integers(1, 4)),
            aid_class=draw(st.sampled_from(CLASSES)),
            area=draw(st.sampled_from(AREAS)),
            lot_price_minor=draw(st.integers(1, 8)),
            lots=draw(st.integers(0, 4)),
        )
        for k in range(draw(st.integers(1, 5)))
    )
    funds = tuple(
        Fund(
            id=FundId(f"F-{k:02d}"),
            contributor=draw(st.sampled_from(WHO)),
            available_minor=draw(st.integers(0, 25)),
            aid_classes=draw(st.none() | st.frozensets(st.sampled_from(CLASSES), max_size=2)),
            areas=draw(st.none() | st.frozensets(st.sampled_from(AREAS), max_size=1)),
        )
        for k in range(draw(st.integers(1, 5)))
    )
    cap = draw(st.none() | st.integers(0, 80))
    return AllocationProblem(currency="USD", lines=lines, funds=funds, cap_minor=cap)


additional_sets = st.frozensets(st.sampled_from(["Y", "Z"]))


def money_by_line(
    result: AllocationResult, problem: AllocationProblem, *, of_x: bool
) -> dict[LineId, int]:
    owner = {fund.id: fund.contributor for fund in problem.funds}
    return {
        line.id: sum(a for fund, a in line.by_fund if (owner[fund] == "X") is of_x)
        for line in result.lines
    }


@settings(max_examples=300, deadline=None)
@given(problems(), additional_sets)
def test_moved_money_equals_placed_plus_unallocated_exactly(
    problem: AllocationProblem, additional: frozenset[str]
) -> None:
    actual = solve(problem, additional=additional)
    found = effect(problem, actual, contributor="X", additional=additional, solve=solve)
    left_in_pool = found.unallocated_minor
    assert total(found.took_over) + total(found.left) == total(found.went_to) + left_in_pool
    if found.standing is not Standing.RESTRICTED:
        return
    counterfactual = solve(problem, additional={*additional, "X"})
    after = money_by_line(actual, problem, of_x=False)
    before = money_by_line(counterfactual, problem, of_x=False)
    signed: dict[LineId, int] = defaultdict(int)
    for shift in (*found.took_over, *found.left):
        signed[shift.line] -= shift.amount_minor
    for shift in found.went_to:
        signed[shift.line] += shift.amount_minor
    assert signed == {k: after[k] - before[k] for k in after if after[k] != before[k]}
    x_after = money_by_line(actual, problem, of_x=True)
    x_before = money_by_line(counterfactual, problem, of_x=True)
    for shift in found.took_over:  # taken over: paid by X's money beyond the counterfactual
        assert shift.amount_minor <= x_after[shift.line] - x_before[shift.line]
    assert len({s.line for s in found.went_to}) == len(found.went_to)
    assert not {s.line for s in found.went_to} & {s.line for s in found.took_over}


@settings(max_examples=200, deadline=None)
@given(problems(), additional_sets)
def test_unrestricted_money_has_no_substitution_effect(
    problem: AllocationProblem, additional: frozenset[str]
) -> None:
    free = AllocationProblem(
        currency="USD",
        lines=problem.lines,
        funds=tuple(
            Fund(f.id, f.contributor, f.available_minor, None, None) if f.contributor == "X" else f
            for f in problem.funds
        ),
        cap_minor=problem.cap_minor,
    )
    actual = solve(free, additional=additional)
    found = effect(free, actual, contributor="X", additional=additional, solve=solve)
    assert found.standing is Standing.UNRESTRICTED
    assert found.is_empty


@settings(max_examples=200, deadline=None)
@given(problems(), additional_sets)
def test_additional_money_has_no_substitution_effect(
    problem: AllocationProblem, additional: frozenset[str]
) -> None:
    placed_last = {*additional, "X"}
    actual = solve(problem, additional=placed_last)
    found = effect(problem, actual, contributor="X", additional=placed_last, solve=solve)
    assert found.standing is Standing.ADDITIONAL
    assert found.is_empty
    assert compare(
        problem, actual, solve(problem, additional=placed_last), contributor="X"
    ).is_empty


@settings(max_examples=300, deadline=None)
@given(problems())
def test_restricted_money_left_unspent_moves_nothing(problem: AllocationProblem) -> None:
    """The counterfactual `effect` skips (money that pays nothing, nobody else placed last)
    would have shown no effect."""
    actual = solve(problem)
    own = {fund.id for fund in problem.funds if fund.contributor == "X"}
    if any(usage.used_minor for usage in actual.funds if usage.id in own):
        return
    assert compare(problem, actual, solve(problem, additional={"X"}), contributor="X").is_empty
