"""A transportation network from fund groups to line types, kept as an exact integer flow.

Groups are sources with a capacity; types are sinks. Edges group -> type are uncapacitated
where the group may pay for the type. `push(t, amount)` raises the inflow of type `t` while
keeping every other type's inflow unchanged, re-routing committed flow along augmenting
paths when direct spare money runs out; so after `push` returns less than asked, no more
flow can reach `t` without taking it from another type (max-flow / min-cut).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


class Network:
    """Exact integer flow from groups to types over a fixed eligibility relation."""

    __slots__ = ("_pos", "_ptr", "eligible", "flow", "spare", "types_of")

    def __init__(
        self, *, capacities: Sequence[int], types_of: Sequence[Sequence[int]], n_types: int
    ):
        self.spare: list[int] = list(capacities)
        self.types_of: list[tuple[int, ...]] = [tuple(ts) for ts in types_of]
        # Per type, the groups that may pay for it, most restricted first: spending narrow
        # money first keeps broad money free, so fewer pushes need re-routing later.
        eligible: list[list[int]] = [[] for _ in range(n_types)]
        for g, ts in enumerate(self.types_of):
            for t in ts:
                eligible[t].append(g)
        for groups in eligible:
            groups.sort(key=lambda g: (len(self.types_of[g]), g))
        self.eligible: list[tuple[int, ...]] = [tuple(gs) for gs in eligible]
        self._pos: list[dict[int, int]] = [{g: k for k, g in enumerate(gs)} for gs in eligible]
        # _ptr[t]: groups before it in eligible[t] had no spare when last looked at.
        self._ptr: list[int] = [0] * n_types
        self.flow: list[dict[int, int]] = [{} for _ in self.types_of]

    def reach(self, t: int) -> int:
        """Total capacity of the groups that may pay for type `t`."""
        return sum(self.spare[g] + sum(self.flow[g].values()) for g in self.eligible[t])

    def add_capacity(self, g: int, amount: int) -> None:
        """Give group `g` more spare capacity."""
        self.spare[g] += amount
        for t in self.types_of[g]:
            self._ptr[t] = min(self._ptr[t], self._pos[t][g])

    def push(self, t: int, amount: int) -> int:
        """Raise the inflow of `t` by up to `amount`; return how much was pushed."""
        pushed = self._push_direct(t, amount)
        while pushed < amount:
            step = self._augment(t, amount - pushed)
            if step == 0:
                break
            pushed += step
        return pushed

    def withdraw(self, t: int, amount: int) -> None:
        """Lower the inflow of `t` by `amount`, returning the money to the paying groups."""
        for g in reversed(self.eligible[t]):
            if amount == 0:
                return
            have = self.flow[g].get(t, 0)
            if have:
                take = min(have, amount)
                self._set(g, t, have - take)
                self.add_capacity(g, take)
                amount -= take
        if amount:
            raise AssertionError("withdrew more than the inflow")

    def reachable_groups(self) -> list[bool]:
        """Groups reachable in the residual graph from groups with spare capacity."""
        seen = [s > 0 for s in self.spare]
        queue = deque(g for g, s in enumerate(seen) if s)
        seen_types: set[int] = set()
        while queue:
            g = queue.popleft()
            for t in self.types_of[g]:
                if t in seen_types:
                    continue
                seen_types.add(t)
                for h in self.eligible[t]:
                    if not seen[h] and self.flow[h].get(t, 0) > 0:
                        seen[h] = True
                        queue.append(h)
        return seen

    def _set(self, g: int, t: int, value: int) -> None:
        if value:
            self.flow[g][t] = value
        else:
            self.flow[g].pop(t, None)

    def _push_direct(self, t: int, amount: int) -> int:
        groups, spare, flow = self.eligible[t], self.spare, self.flow
        k, pushed = self._ptr[t], 0
        while k < len(groups) and pushed < amount:
            g = groups[k]
            if spare[g]:
                take = min(spare[g], amount - pushed)
                spare[g] -= take
                flow[g][t] = flow[g].get(t, 0) + take
                pushed += take
                if spare[g]:
                    break
            k += 1
        self._ptr[t] = k
        return pushed

    def _augment(self, t: int, amount: int) -> int:
        """Push along one shortest augmenting path into `t`; return the amount (0 if none)."""
        spare, flow, eligible = self.spare, self.flow, self.eligible
        # parent[h] = (g, t2): h takes over g's payment for t2, freeing g's money for the
        # next step toward t.  Roots (parent None) pay t directly.
        parent: dict[int, tuple[int, int] | None] = dict.fromkeys(eligible[t])
        queue = deque(eligible[t])
        seen_types = {t}
        found = -1
        for g in eligible[t]:
            if spare[g]:
                found = g
                break
        while found < 0 and queue:
            g = queue.popleft()
            for t2 in flow[g]:
                if t2 in seen_types:
                    continue
                seen_types.add(t2)
                for h in eligible[t2]:
                    if h not in parent:
                        parent[h] = (g, t2)
                        if spare[h]:
                            found = h
                            break
                        queue.append(h)
                if found >= 0:
                    break
        if found < 0:
            return 0
        delta = min(amount, spare[found])
        h = found
        link = parent[h]
        while link is not None:
            g, t2 = link
            delta = min(delta, flow[g][t2])
            h = g
            link = parent[h]
        spare[found] -= delta
        h = found
        link = parent[h]
        while link is not None:
            g, t2 = link
            flow[h][t2] = flow[h].get(t2, 0) + delta
            self._set(g, t2, flow[g][t2] - delta)
            h = g
            link = parent[h]
        flow[h][t] = flow[h].get(t, 0) + delta
        return delta
