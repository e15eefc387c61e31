"""Independent oracles for the allocation engine: brute force and invariant checks.

Nothing here imports the engine's algorithm; only its input and output types.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from purldesk.allocation.problem import (
    AllocationProblem,
    AllocationResult,
    Fund,
    Line,
    LineAllocation,
)


def ordered(problem: AllocationProblem) -> list[Line]:
    return sorted(problem.lines, key=lambda line: (line.rank, line.id))


def eligible(fund: Fund, line: Line) -> bool:
    return (fund.aid_classes is None or line.aid_class in fund.aid_classes) and (
        fund.areas is None or line.area in fund.areas
    )


def units_taken(problem: AllocationProblem, lines: list[Line], lots: list[int]) -> dict[str, int]:
    """Units of each limited item the lots take, summed over lines."""
    taken = dict.fromkeys(problem.units_available, 0)
    for k, line in zip(lots, lines, strict=False):
        if line.item is not None and line.item in taken:
            taken[line.item] += k * line.units_per_lot
    return taken


def is_feasible(problem: AllocationProblem, lines: list[Line], lots: list[int]) -> bool:
    """Hall's condition over every subset of lines, plus the cap and the supplier's units."""
    costs = [k * line.lot_price_minor for k, line in zip(lots, lines, strict=False)]
    if problem.cap_minor is not None and sum(costs) > problem.cap_minor:
        return False
    taken = units_taken(problem, lines, lots)
    if any(taken[item] > problem.units_available[item] for item in taken):
        return False
    active = [i for i, c in enumerate(costs) if c]
    for size in range(1, len(active) + 1):
        for subset in itertools.combinations(active, size):
            demand = sum(costs[i] for i in subset)
            supply = sum(
                f.available_minor
                for f in problem.funds
                if any(eligible(f, lines[i]) for i in subset)
            )
            if demand > supply:
                return False
    return True


def brute_force_lots(problem: AllocationProblem) -> list[int]:
    """The lexicographic maximum: each line in order takes the most lots still feasible."""
    lines = ordered(problem)
    lots: list[int] = []
    for line in lines:
        best = 0
        for k in range(line.lots, 0, -1):
            if is_feasible(problem, lines, [*lots, k]):
                best = k
                break
        lots.append(best)
    return lots


def fair_shares(problem: AllocationProblem, funded_lots: list[int]) -> dict[str, Fraction]:
    """The real lexicographically fair used amount of each fund, by brute force over subsets.

    r(F) is the cost of the lines only funds in F may pay; the top ratio is max r(F)/a(F), the
    union of its maximisers runs at it, and the rest is solved again after contracting them.
    """
    lines = ordered(problem)
    funds = [f for f in problem.funds if f.available_minor > 0]
    need = []
    for line, lots in zip(lines, funded_lots, strict=True):
        if lots:
            payers = frozenset(f.id for f in funds if eligible(f, line))
            need.append((payers, lots * line.lot_price_minor))
    avail: dict[str, int] = {f.id: f.available_minor for f in funds}

    def r(ids: frozenset[str]) -> int:
        return sum(cost for payers, cost in need if payers <= ids)

    shares: dict[str, Fraction] = {f.id: Fraction(0) for f in problem.funds}
    base: frozenset[str] = frozenset()
    rest = sorted(avail)
    while rest:
        best: Fraction | None = None
        union: set[str] = set()
        for size in range(1, len(rest) + 1):
            for subset in itertools.combinations(rest, size):
                ids = frozenset(subset)
                ratio = Fraction(r(base | ids) - r(base), sum(avail[i] for i in ids))
                if best is None or ratio > best:
                    best, union = ratio, set(ids)
                elif ratio == best:
                    union |= ids
        assert best is not None
        for i in union:
            shares[i] = best * avail[i]
        base = base | union
        rest = [i for i in rest if i not in union]
    return shares


def check_invariants(problem: AllocationProblem, result: AllocationResult) -> None:
    """Every property a result must have, whatever the algorithm."""
    lines = ordered(problem)
    funds = {f.id: f for f in problem.funds}
    assert [r.id for r in result.lines] == [line.id for line in lines]
    assert [f.id for f in result.funds] == sorted(funds)
    used = dict.fromkeys(funds, 0)
    total = 0
    taken = dict.fromkeys(problem.units_available, 0)
    for line, got in zip(lines, result.lines, strict=True):
        assert 0 <= got.funded_lots <= line.lots
        assert got.funded_minor == got.funded_lots * line.lot_price_minor
        keys = [k for k, _ in got.by_fund]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        assert all(amount > 0 for _, amount in got.by_fund)
        assert sum(amount for _, amount in got.by_fund) == got.funded_minor
        for fund_id, amount in got.by_fund:
            assert eligible(funds[fund_id], line), (fund_id, line.id)
            used[fund_id] += amount
        total += got.funded_minor
        if line.item is not None and line.item in taken:
            taken[line.item] += got.funded_lots * line.units_per_lot
        if got.funded_lots == line.lots:
            assert got.blocked_by is None
        else:
            check_reason(problem, lines, result, line, got, cost_so_far=total, taken=taken)
    for item, units in taken.items():
        assert units <= problem.units_available[item], item
    for usage in result.funds:
        fund = funds[usage.id]
        assert usage.used_minor == used[usage.id]
        assert 0 <= usage.used_minor <= fund.available_minor
        assert usage.left_minor == fund.available_minor - usage.used_minor
    if problem.cap_minor is not None:
        assert total <= problem.cap_minor


def check_reason(
    problem: AllocationProblem,
    lines: list[Line],
    result: AllocationResult,
    line: Line,
    got: LineAllocation,
    *,
    cost_so_far: int,
    taken: dict[str, int],
) -> None:
    """A short line's reason is the first cause that alone rules out one more lot, in the
    documented order: no eligible money, the supplier's units, the cap, then money exhausted."""
    blocked = got.blocked_by
    assert blocked is not None
    assert blocked.short_minor == (line.lots - got.funded_lots) * line.lot_price_minor
    has_money = any(eligible(f, line) and f.available_minor for f in problem.funds)
    item = line.item or ""
    capacity_binds = (
        item in taken and problem.units_available[item] - taken[item] < line.units_per_lot
    )
    cap_binds = (
        problem.cap_minor is not None and problem.cap_minor - cost_so_far < line.lot_price_minor
    )
    expected = (
        "no_eligible_money" if not has_money
        else "capacity_reached" if capacity_binds
        else "cap_reached" if cap_binds
        else "eligible_money_exhausted"
    )  # fmt: skip
    assert blocked.reason == expected, (line, blocked)
    position = {x.id: k for k, x in enumerate(lines)}
    for other in blocked.competing_lines:
        assert position[other] < position[line.id]
    assert len(blocked.competing_lines) <= 10
    assert blocked.message
    if blocked.reason == "capacity_reached":
        funded = {x.id: x.funded_lots for x in result.lines}
        by_id = {x.id: x for x in lines}
        for other in blocked.competing_lines:
            assert by_id[other].item == line.item and funded[other] > 0
        assert f"Supplier capacity for {item} is reached" in blocked.message
        assert f"{problem.units_available[item]} unit(s) available" in blocked.message
