"""The allocation engine: the exact lexicographic optimum, paid fairly, with explanations."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter

from purldesk.allocation.explain import blocked_reason, explain
from purldesk.allocation.fairness import fair_shares
from purldesk.allocation.flow import Network
from purldesk.allocation.problem import (
    AidClass,
    AllocationProblem,
    AllocationResult,
    BlockReason,
    Fund,
    FundId,
    FundUsage,
    InvalidProblem,
    Line,
    LineAllocation,
)


def solve(problem: AllocationProblem) -> AllocationResult:
    """Fund the lines in `(rank, id)` order, each as far as money, eligibility, the cap and
    the supplier's units allow.

    Raises `InvalidProblem` for non-int or negative amounts and duplicate ids.
    """
    with _cyclic_gc_paused():
        return _solve(problem)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, which would otherwise dominate large runs.

    The engine allocates several small acyclic objects per line, so the collector's passes
    (which also walk the caller's whole heap) find nothing and cost about half the time on
    100k lines. Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check(problem: AllocationProblem) -> None:
    """Refuse what would break exactness or determinism; `parse_problem` says more, earlier."""
    for k, line in enumerate(problem.lines):
        price, lots = line.lot_price_minor, line.lots
        if type(price) is not int or price < 1:
            raise InvalidProblem(f"$.lines[{k}].lot_price_minor", f"must be an int >= 1: {price!r}")
        if type(lots) is not int or lots < 0:
            raise InvalidProblem(f"$.lines[{k}].lots", f"must be an int >= 0: {lots!r}")
        item, units = line.item, line.units_per_lot
        if item is not None and (type(item) is not str or not item):
            raise InvalidProblem(f"$.lines[{k}].item", f"must be null or a string: {item!r}")
        if type(units) is not int or units < 1:
            raise InvalidProblem(f"$.lines[{k}].units_per_lot", f"must be an int >= 1: {units!r}")
    for k, fund in enumerate(problem.funds):
        money = fund.available_minor
        if type(money) is not int or money < 0:
            raise InvalidProblem(f"$.funds[{k}].available_minor", f"must be an int >= 0: {money!r}")
    cap = problem.cap_minor
    if cap is not None and (type(cap) is not int or cap < 0):
        raise InvalidProblem("$.cap_minor", f"must be null or an int >= 0: {cap!r}")
    for item, units in problem.units_available.items():
        if type(item) is not str or type(units) is not int or units < 0:
            raise InvalidProblem(
                f"$.units_available[{item!r}]", f"must be an int >= 0 per item: {units!r}"
            )
    if len({line.id for line in problem.lines}) != len(problem.lines):
        raise InvalidProblem("$.lines", "line ids are not unique")
    if len({fund.id for fund in problem.funds}) != len(problem.funds):
        raise InvalidProblem("$.funds", "fund ids are not unique")


def _solve(problem: AllocationProblem) -> AllocationResult:
    _check(problem)
    lines = sorted(problem.lines, key=attrgetter("rank", "id"))
    funds = sorted(problem.funds, key=attrgetter("id"))

    # Lines that want something are grouped by eligibility type (aid class, area), and funds
    # with money by the set of types they may pay: funds in a group are interchangeable.
    kind_keys = sorted({(line.aid_class, line.area) for line in lines if line.lots})
    kind_index = {key: t for t, key in enumerate(kind_keys)}
    kinds = [kind_index.get((line.aid_class, line.area), -1) for line in lines]
    group_of_key: dict[tuple[int, ...], list[int]] = {}
    # Funds under the same restrictions may pay the same types: each set is worked out once.
    types_for: dict[tuple[frozenset[AidClass] | None, frozenset[str] | None], tuple[int, ...]] = {}
    for f, fund in enumerate(funds):
        if fund.available_minor:
            rules = (fund.aid_classes, fund.areas)
            if rules not in types_for:
                types_for[rules] = tuple(
                    t for t, key in enumerate(kind_keys) if _may_pay(fund, key)
                )
            eligible = types_for[rules]
            if eligible:
                group_of_key.setdefault(eligible, []).append(f)
    group_keys = sorted(group_of_key)
    members = [group_of_key[key] for key in group_keys]
    capacities = [sum(funds[f].available_minor for f in m) for m in members]
    net = Network(capacities=capacities, types_of=group_keys, n_types=len(kind_keys))

    funded_lots, reasons = _lexicographic(
        lines, kinds, net, problem.cap_minor, problem.units_available
    )

    demands = [0] * len(kind_keys)
    for i, line in enumerate(lines):
        if funded_lots[i]:
            demands[kinds[i]] += funded_lots[i] * line.lot_price_minor
    shares = fair_shares(
        members=[[funds[f].available_minor for f in m] for m in members],
        types_of=group_keys,
        demands=demands,
    )

    # Lay each type's lines, in order, against its groups' payments; then each group's lines
    # against its funds' shares. Consecutive filling keeps every sum exact.
    by_group: list[list[tuple[int, int]]] = [[] for _ in members]
    line_groups: list[list[int]] = [[] for _ in lines]
    lines_of_kind: list[list[tuple[int, int]]] = [[] for _ in kind_keys]
    for i, line in enumerate(lines):
        if funded_lots[i]:
            lines_of_kind[kinds[i]].append((i, funded_lots[i] * line.lot_price_minor))
    for t, costs in enumerate(lines_of_kind):
        payments = [(g, shares.flow[g][t]) for g in range(len(members)) if t in shares.flow[g]]
        for i, g, amount in _fill(costs, payments):
            by_group[g].append((i, amount))
            line_groups[i].append(g)
    by_fund: list[list[tuple[FundId, int]]] = [[] for _ in lines]
    used = [0] * len(funds)
    for g, m in enumerate(members):
        parts = sorted(by_group[g])
        fund_parts = [(f, amount) for f, amount in zip(m, shares.used[g], strict=True) if amount]
        for i, f, amount in _fill(parts, fund_parts):
            by_fund[i].append((funds[f].id, amount))
            used[f] += amount

    blocked = explain(
        lines=lines,
        funded_lots=funded_lots,
        reasons=reasons,
        payers=line_groups,
        kinds=kinds,
        eligible_by_kind=net.eligible,
        currency=problem.currency,
        cap_minor=problem.cap_minor,
        exponent=problem.exponent,
        units_available=problem.units_available,
    )
    return AllocationResult(
        currency=problem.currency,
        lines=tuple(
            LineAllocation(
                line.id,
                funded_lots[i],
                funded_lots[i] * line.lot_price_minor,
                tuple(parts) if len(parts) < 2 else _merge(parts),
                blocked[i],
            )
            for i, (line, parts) in enumerate(zip(lines, by_fund, strict=True))
        ),
        funds=tuple(
            FundUsage(id=fund.id, used_minor=used[f], left_minor=fund.available_minor - used[f])
            for f, fund in enumerate(funds)
        ),
    )


def _may_pay(fund: Fund, key: tuple[AidClass, str]) -> bool:
    aid_class, area = key
    return (fund.aid_classes is None or aid_class in fund.aid_classes) and (
        fund.areas is None or area in fund.areas
    )


def _lexicographic(
    lines: Sequence[Line],
    kinds: Sequence[int],
    net: Network,
    cap_minor: int | None,
    units_available: Mapping[str, int],
) -> tuple[list[int], list[BlockReason | None]]:
    """Funded lots per line: each line gets the most lots the earlier commitments allow.

    The supplier's units bound only lot counts, never money, so they are one more upper bound
    on each line's lots, next to its request and the cap: the money a line cannot take stays
    in the flow for the lines below it.
    """
    # bound[t] is never below the flow that can still reach type t: exact when set, and
    # commitments only lower the true value, so a line dearer than it is skipped unexamined.
    reach = [net.reach(t) for t in range(len(net.eligible))]
    bound = list(reach)
    cap_left = cap_minor
    units_left = dict(units_available)
    funded: list[int] = []
    reasons: list[BlockReason | None] = []
    for i, line in enumerate(lines):
        if not line.lots:
            funded.append(0)
            reasons.append(None)
            continue
        t, price = kinds[i], line.lot_price_minor
        most = line.lots if cap_left is None else min(line.lots, cap_left // price)
        item = line.item
        supply = None if item is None else units_left.get(item)
        if supply is not None:
            most = min(most, supply // line.units_per_lot)
        lots = min(most, bound[t] // price)
        if lots:
            target = lots * price
            pushed = net.push(t, target)
            if pushed < target:
                lots = pushed // price
                excess = pushed - lots * price
                if excess:
                    net.withdraw(t, excess)
                bound[t] = excess
            else:
                bound[t] -= target
            if cap_left is not None:
                cap_left -= lots * price
            if supply is not None and item is not None:
                supply -= lots * line.units_per_lot
                units_left[item] = supply
        funded.append(lots)
        reasons.append(
            None
            if lots == line.lots
            else blocked_reason(
                eligible_minor=reach[t], cap_left_minor=cap_left, line=line, units_left=supply
            )
        )
    return funded, reasons


def _fill(
    demands: Iterable[tuple[int, int]], supplies: Iterable[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Match two equal-total sequences of (key, amount) by consecutive filling."""
    out: list[tuple[int, int, int]] = []
    supply = iter(supplies)
    s_key, s_left = -1, 0
    for d_key, amount in demands:
        need = amount
        while need:
            if not s_left:
                s_key, s_left = next(supply)
            take = min(need, s_left)
            out.append((d_key, s_key, take))
            need -= take
            s_left -= take
    if s_left or next(supply, None) is not None:
        raise AssertionError("payments do not add up to the costs")
    return out


def _merge(parts: list[tuple[FundId, int]]) -> tuple[tuple[FundId, int], ...]:
    merged: dict[FundId, int] = {}
    for fund_id, amount in parts:
        merged[fund_id] = merged.get(fund_id, 0) + amount
    return tuple(sorted(merged.items()))
