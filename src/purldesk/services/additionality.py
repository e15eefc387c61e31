"""Additional money is placed last: a contributor whose policy says `additional = true` pays
only what everyone else's money could not, in allocations and in top-ups alike."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date

from purldesk import allocation
from purldesk.allocation import AllocationProblem, AllocationResult, LineAllocation
from purldesk.allocation.explain import capacity_over_passes
from purldesk.services import eligibility
from purldesk.services.ports import UnitOfWork


def solve(problem: AllocationProblem, *, additional: Collection[str] = ()) -> AllocationResult:
    """The engine's allocation, the money of `additional` contributors placed last.

    Their money pays only what everyone else's could not: the others' is allocated first, then
    theirs on the lots left, in the same priority order, with the supplier's units the first
    pass left. So restricted additional money never takes over a line that unrestricted money
    would have paid, freeing it for lines it excludes.
    """
    later = tuple(fund for fund in problem.funds if fund.contributor in additional)
    if not later:
        return allocation.solve(problem)
    first_funds = tuple(fund for fund in problem.funds if fund.contributor not in additional)
    first = allocation.solve(replace(problem, funds=first_funds))
    funded = {outcome.id: outcome for outcome in first.lines}
    left = tuple(
        replace(line, lots=line.lots - funded[line.id].funded_lots) for line in problem.lines
    )
    cap = problem.cap_minor
    if cap is not None:
        cap -= sum(outcome.funded_minor for outcome in first.lines)
    units = dict(problem.units_available)
    for line in problem.lines:
        if line.item is not None and line.item in units:
            units[line.item] -= funded[line.id].funded_lots * line.units_per_lot
    second = allocation.solve(
        replace(problem, lines=left, funds=later, cap_minor=cap, units_available=units)
    )
    merged = [_merged(funded[outcome.id], outcome) for outcome in second.lines]
    return AllocationResult(
        currency=problem.currency,
        lines=capacity_over_passes(problem, first=first.lines, merged=merged),
        funds=tuple(sorted((*first.funds, *second.funds), key=lambda usage: usage.id)),
    )


def solve_by_policies(
    uow: UnitOfWork, problem: AllocationProblem, *, on: date, assumptions: eligibility.Assumptions
) -> AllocationResult:
    """`solve`, additional as the contributors' policies in force on `on` say."""
    additional = eligibility.additional_contributors(
        uow, contributors=(fund.contributor for fund in problem.funds), on=on,
        assumptions=assumptions,
    )  # fmt: skip
    return solve(problem, additional=additional)


def _merged(first: LineAllocation, second: LineAllocation) -> LineAllocation:
    """One line's outcome over both passes; why it is still short is the second pass's reason,
    unless the additional money could not pay it at all: then the first pass's."""
    paid = dict(first.by_fund)
    for fund, amount in second.by_fund:
        paid[fund] = paid.get(fund, 0) + amount
    blocked = second.blocked_by
    if blocked is not None and blocked.reason == "no_eligible_money" and first.blocked_by:
        blocked = first.blocked_by
    return LineAllocation(
        id=first.id, funded_lots=first.funded_lots + second.funded_lots,
        funded_minor=first.funded_minor + second.funded_minor,
        by_fund=tuple(sorted(paid.items())), blocked_by=blocked,
    )  # fmt: skip
