"""Fair shares: who pays, once the funded lots are fixed.

The rule (docs/ALLOCATION.md, "Fairness"): among all ways to pay the funded lines, take the
one whose vector of fund utilisations `used_f / available_f`, sorted in decreasing order, is
lexicographically smallest. Over the reals it is unique (the lexicographically optimal base
of a polymatroid, Fujishige 1980) and every fund in a group of identically eligible funds
gets the same ratio. It is computed level by level: the largest ratio `lam` is the largest
`r(F) / a(F)` over sets of groups `F`, where `r(F)` is the demand of the types only `F` may
pay; the groups that must run at `lam` are fixed there, removed, and the rest solved again.
Each `lam` is found by Dinkelbach iteration on exact max-flows. Integer amounts are each
fair share rounded down or up, chosen by a second max-flow so the payment stays feasible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from purldesk.allocation.flow import Network


@dataclass(frozen=True, slots=True)
class FairShares:
    """Integer payments: `flow[g]` maps type -> amount; `used[g][k]` is member k's part."""

    flow: list[dict[int, int]]
    used: list[list[int]]


def group_ratios(
    *, capacities: Sequence[int], types_of: Sequence[Sequence[int]], demands: Sequence[int]
) -> list[Fraction]:
    """The exact utilisation ratio of every group under the fair (lexicographic) rule."""
    n_groups = len(capacities)
    ratios = [Fraction(0)] * n_groups
    remaining = [g for g in range(n_groups) if capacities[g] > 0]
    active = {t for t, d in enumerate(demands) if d > 0}
    while active:
        eligible: dict[int, list[int]] = {t: [] for t in active}
        for g in remaining:
            for t in types_of[g]:
                if t in active:
                    eligible[t].append(g)
        lam, tight = _tight_level(
            groups=remaining,
            capacities=capacities,
            types_of=types_of,
            demands=demands,
            active=active,
        )
        for g in tight:
            ratios[g] = lam
        tight_set = set(tight)
        remaining = [g for g in remaining if g not in tight_set]
        active = {t for t in active if not all(g in tight_set for g in eligible[t])}
    return ratios


def _tight_level(
    *,
    groups: Sequence[int],
    capacities: Sequence[int],
    types_of: Sequence[Sequence[int]],
    demands: Sequence[int],
    active: set[int],
) -> tuple[Fraction, list[int]]:
    """The largest ratio among `groups` and the maximal set of groups that must run at it."""
    local_types = sorted(active)
    tindex = {t: k for k, t in enumerate(local_types)}
    sub_types = [[tindex[t] for t in types_of[g] if t in tindex] for g in groups]
    sub_demands = [demands[t] for t in local_types]
    total_demand = sum(sub_demands)
    lam = Fraction(total_demand, sum(capacities[g] for g in groups))
    while True:
        net = Network(
            capacities=[lam.numerator * capacities[g] for g in groups],
            types_of=sub_types,
            n_types=len(local_types),
        )
        short = 0
        for t, d in enumerate(sub_demands):
            want = lam.denominator * d
            short += want - net.push(t, want)
        reached = net.reachable_groups()
        tight = [k for k in range(len(groups)) if not reached[k]]
        if short == 0:
            return lam, [groups[k] for k in tight]
        # Infeasible at lam: the unreachable groups carry more than lam of their money.
        tight_set = set(tight)
        covered = [
            t for t in range(len(local_types)) if all(k in tight_set for k in net.eligible[t])
        ]
        bigger = Fraction(
            sum(sub_demands[t] for t in covered), sum(capacities[groups[k]] for k in tight)
        )
        if bigger <= lam:
            raise AssertionError("Dinkelbach step did not increase the ratio")
        lam = bigger


def fair_shares(
    *,
    members: Sequence[Sequence[int]],
    types_of: Sequence[Sequence[int]],
    demands: Sequence[int],
) -> FairShares:
    """Integer payments per group and type, and per member, under the fair rule."""
    capacities = [sum(m) for m in members]
    ratios = group_ratios(capacities=capacities, types_of=types_of, demands=demands)
    floors: list[list[int]] = []
    fracs: list[list[Fraction]] = []
    for g, avail in enumerate(members):
        lam = ratios[g]
        shares = [lam * a for a in avail]
        floors.append([s.numerator // s.denominator for s in shares])
        fracs.append([s - f for s, f in zip(shares, floors[-1], strict=True)])
    low = [sum(f) for f in floors]
    extra = [sum(1 for x in fr if x) for fr in fracs]
    net = Network(capacities=low, types_of=types_of, n_types=len(demands))
    pushed = [net.push(t, d) for t, d in enumerate(demands)]
    for g, e in enumerate(extra):
        if e:
            net.add_capacity(g, e)
    for t, d in enumerate(demands):
        if pushed[t] < d:
            pushed[t] += net.push(t, d - pushed[t])
    if pushed != list(demands):
        raise AssertionError("fair shares could not carry the funded demand")
    used: list[list[int]] = []
    for g, avail in enumerate(members):
        ups = sum(net.flow[g].values()) - low[g]  # members paid one unit above the floor
        order = sorted(
            (k for k in range(len(avail)) if fracs[g][k]), key=lambda k: (-fracs[g][k], k)
        )
        parts = list(floors[g])
        for k in order[:ups]:
            parts[k] += 1
        used.append(parts)
    return FairShares(flow=[dict(f) for f in net.flow], used=used)
