"""Cutting the engine's decision into packages never changes what is funded or who pays."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from purldesk import allocation
from purldesk.allocation import AllocationProblem, Fund, Line
from purldesk.domain.catalog import AidClass, ItemCode
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import Cycle, CycleId, CycleStatus, LineId, RequirementLine
from purldesk.services.allocations import Inputs, cut_packages

CLASSES = [AidClass.NONLETHAL, AidClass.LETHAL]


@st.composite
def decided(draw: st.DrawFn) -> tuple[Inputs, allocation.AllocationResult, int]:
    n_lines = draw(st.integers(1, 12))
    lines, problem_lines = {}, []
    for i in range(n_lines):
        ref = f"L{i:02d}"
        aid = draw(st.sampled_from(CLASSES))
        price = draw(st.integers(1, 50)) * 1000
        lots = draw(st.integers(1, 8))
        lines[ref] = RequirementLine(
            id=LineId(i + 1), ref=ref, cycle_id=CycleId(1), item_code=ItemCode("X"), area="a",
            aid_class=aid, quantity=lots, rank=draw(st.integers(1, 5)),
            needed_by=date(2026, 1, 1), justification="",
        )  # fmt: skip
        problem_lines.append(Line(allocation.problem.LineId(ref), lines[ref].rank,
                                  allocation.AidClass(aid.value), "a", price, lots))  # fmt: skip
    contributions, funds = {}, []
    for j in range(draw(st.integers(1, 4))):
        ref = f"C-{j + 1:05d}"
        contributions[ref] = Contribution(
            id=ContributionId(j + 1), contributor=ParticipantCode("NLD"),
            amount=Money(10**9, USD), pledged_on=date(2025, 1, 1),
        )  # fmt: skip
        restricted = draw(st.booleans())
        funds.append(Fund(allocation.problem.FundId(ref), "NLD", draw(st.integers(0, 300)) * 1000,
                          frozenset({allocation.AidClass.NONLETHAL}) if restricted else None))  # fmt: skip
    problem = AllocationProblem(USD, tuple(problem_lines), tuple(funds))
    cycle = Cycle(CycleId(1), "c", date(2025, 9, 1), CycleStatus.ENDORSED)
    inputs = Inputs(cycle, date(2025, 9, 1), problem, lines, {}, contributions)
    return inputs, allocation.solve(problem), draw(st.integers(1, 200)) * 1000


@settings(max_examples=300)
@given(decided())
def test_packages_hold_exactly_the_funded_lots_and_payments(
    case: tuple[Inputs, allocation.AllocationResult, int],
) -> None:
    inputs, result, target = case
    made = cut_packages(inputs, result, target=Money(target, USD))
    ref_of = {line.id: ref for ref, line in inputs.lines.items()}
    fund_of = {c.id: ref for ref, c in inputs.contributions.items()}
    price = {line.id: line.lot_price_minor for line in inputs.problem.lines}
    lots: dict[str, int] = defaultdict(int)
    paid: dict[tuple[str, str], int] = defaultdict(int)
    for package in made:
        per_line: dict[str, int] = defaultdict(int)
        for part in package.attributions:
            paid[ref_of[part.line_id], fund_of[part.contribution_id]] += part.amount.minor
            per_line[ref_of[part.line_id]] += part.amount.minor
        for line_id, count in package.lots:
            ref = ref_of[line_id]
            lots[ref] += count
            assert per_line[ref] == count * price[ref]  # each line in each package paid exactly
        assert package.cost.minor == sum(per_line.values())
        single_lot_over = len(package.lots) == 1 and price[ref_of[package.lots[0][0]]] > target
        assert package.cost.minor <= target or single_lot_over
    for line in result.lines:
        assert lots.get(line.id, 0) == line.funded_lots
        for fund, amount in line.by_fund:
            assert paid[line.id, fund] == amount
    order = [inputs.lines[ref_of[line_id]].rank for p in made for line_id, _ in p.lots]
    assert order == sorted(order)  # packages follow the priority order
