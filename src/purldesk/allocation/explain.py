"""Why a line got fewer lots than it asked for: a reason in data and in a sentence."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from purldesk.allocation.problem import (
    AllocationProblem,
    Blocked,
    BlockReason,
    Line,
    LineAllocation,
    LineId,
)

MAX_COMPETING = 10


def blocked_reason(
    *,
    eligible_minor: int,
    cap_left_minor: int | None,
    line: Line,
    units_left: int | None = None,
) -> BlockReason:
    """The first cause that alone rules out one more lot of `line`, once it is funded.

    In order: no fund may pay it at all; the supplier's units left (`units_left`, None if
    unlimited) are fewer than a lot; the cap left is less than a lot; else the eligible money
    is exhausted. Earlier causes are the harder to lift: no money, however much, buys units the
    supplier does not have, and a higher cap buys nothing without money.
    """
    if eligible_minor == 0:
        return "no_eligible_money"
    if units_left is not None and units_left < line.units_per_lot:
        return "capacity_reached"
    if cap_left_minor is not None and cap_left_minor < line.lot_price_minor:
        return "cap_reached"
    return "eligible_money_exhausted"


class SupplyTaken:
    """Per supply item, in `(rank, id)` order: the units lines have taken so far, and the
    nearest lines that took some (as indices)."""

    __slots__ = ("recent", "units")

    def __init__(self) -> None:
        self.units: dict[str, int] = {}
        self.recent: dict[str, deque[int]] = {}

    def record(self, i: int, item: str, units: int) -> None:
        """Line `i` took `units` of `item`."""
        self.units[item] = self.units.get(item, 0) + units
        self.recent.setdefault(item, deque(maxlen=MAX_COMPETING)).append(i)

    def competing(self, item: str) -> list[int]:
        """The nearest lines that took units of `item`, nearest first."""
        return list(reversed(self.recent.get(item, ())))


def capacity_blocked(
    *,
    line: Line,
    funded_lots: int,
    available_units: int,
    taken_units: int,
    competing: tuple[LineId, ...],
    currency: str,
    exponent: int | None,
    taken_below_units: int = 0,
) -> Blocked:
    """`capacity_reached` for `line`: `available_units` of its item this cycle, of which the
    higher-ranked `competing` lines (nearest first) took `taken_units`; `taken_below_units`
    are those lower-ranked lines took first (when additional money is placed last)."""
    short = (line.lots - funded_lots) * line.lot_price_minor
    took = f", {taken_units} taken by higher-ranked {', '.join(competing)}" if competing else ""
    if taken_below_units:
        took += f", {taken_below_units} taken by lower-ranked lines paid before additional money"
    message = (
        f"Supplier capacity for {line.item} is reached: {available_units} unit(s) available"
        f" this cycle (lots of {line.units_per_lot}){took}; "
        f"{_got(line, funded_lots, short, currency, exponent)}."
    )
    return Blocked("capacity_reached", short, competing, message)


def amount_text(minor: int, currency: str, exponent: int | None) -> str:
    """'USD 7,500,000.00' given the currency's exponent; the minor units, named so, without it."""
    if exponent is None:
        return f"{minor} {currency} minor units"
    return f"{currency} {Decimal(minor).scaleb(-exponent):,.{exponent}f}"


def _got(
    line: Line, funded_lots: int, short_minor: int, currency: str, exponent: int | None
) -> str:
    short = amount_text(short_minor, currency, exponent)
    return f"{funded_lots} of {line.lots} lot(s) funded, {short} short"


def _message(
    *,
    reason: BlockReason,
    line: Line,
    funded_lots: int,
    short_minor: int,
    currency: str,
    exponent: int | None,
    competing: Sequence[LineId],
    cap_minor: int | None,
) -> str:
    kind = f"{line.aid_class}/{line.area}"
    got = _got(line, funded_lots, short_minor, currency, exponent)
    if reason == "no_eligible_money":
        return f"No contribution may pay for {kind} lines: {got}."
    took = f"; taken by higher-ranked {', '.join(competing)}" if competing else ""
    if reason == "cap_reached":
        cap = amount_text(cap_minor or 0, currency, exponent)
        return f"The cap of {cap} is reached: {got}{took}."
    return f"Money eligible for {kind} is exhausted: {got}{took}."


def explain(
    *,
    lines: Sequence[Line],
    funded_lots: Sequence[int],
    reasons: Sequence[BlockReason | None],
    payers: Sequence[Sequence[int]],
    kinds: Sequence[int],
    eligible_by_kind: Sequence[Sequence[int]],
    currency: str,
    cap_minor: int | None,
    exponent: int | None = None,
    units_available: Mapping[str, int] | None = None,
) -> list[Blocked | None]:
    """Explain every line short of its lots.

    `payers[i]` are the payers (fund groups) paying line i; `kinds[i]` its eligibility type,
    whose possible payers are `eligible_by_kind[kinds[i]]`. Competing lines are the nearest
    higher-ranked lines paid by an eligible payer (by any payer when the cap is the reason;
    that took units of the line's item when its capacity is), nearest first. Amounts are
    worded as money when the currency's `exponent` is given.
    """
    limited = units_available or {}
    supply = SupplyTaken()
    n_payers = 1 + max((g for gs in eligible_by_kind for g in gs), default=-1)
    recent = [deque[int](maxlen=MAX_COMPETING) for _ in range(n_payers)]
    stamp = [-1] * n_payers  # payer -> index of the last line it paid
    cache: dict[int, tuple[int, tuple[LineId, ...]]] = {}  # kind -> (computed at line, answer)
    recent_any: deque[int] = deque(maxlen=MAX_COMPETING)
    out: list[Blocked | None] = []
    append = out.append
    for i, reason in enumerate(reasons):
        line = lines[i]
        if reason == "capacity_reached":
            item = line.item
            assert item is not None, "capacity binds only a line of a limited item"
            append(
                capacity_blocked(
                    line=line, funded_lots=funded_lots[i], available_units=limited[item],
                    taken_units=supply.units.get(item, 0),
                    competing=tuple(lines[j].id for j in supply.competing(item)),
                    currency=currency, exponent=exponent,
                )
            )  # fmt: skip
        elif reason is not None:
            if reason == "no_eligible_money":
                competing: tuple[LineId, ...] = ()
            elif reason == "cap_reached":
                competing = tuple(lines[j].id for j in reversed(recent_any))
            else:
                kind = kinds[i]
                eligible = eligible_by_kind[kind]
                hit = cache.get(kind)
                if hit is not None and hit[0] > max(map(stamp.__getitem__, eligible)):
                    competing = hit[1]
                else:
                    pool = {j for g in eligible for j in recent[g]}
                    near = heapq.nlargest(MAX_COMPETING, pool)
                    competing = tuple(lines[j].id for j in near)
                    cache[kind] = (i, competing)
            short = (line.lots - funded_lots[i]) * line.lot_price_minor
            message = _message(
                reason=reason,
                line=line,
                funded_lots=funded_lots[i],
                short_minor=short,
                currency=currency,
                exponent=exponent,
                competing=competing,
                cap_minor=cap_minor,
            )
            append(Blocked(reason, short, competing, message))
        else:
            append(None)
        if funded_lots[i] and line.item is not None and line.item in limited:
            supply.record(i, line.item, funded_lots[i] * line.units_per_lot)
        paid_by = payers[i]
        if paid_by:
            recent_any.append(i)
            for g in paid_by:
                recent[g].append(i)
                stamp[g] = i
    return out


def capacity_over_passes(
    problem: AllocationProblem,
    *,
    first: Sequence[LineAllocation],
    merged: Sequence[LineAllocation],
) -> tuple[LineAllocation, ...]:
    """The outcome of two runs on `problem`'s lines, the second with the units the first left
    (`merged`: both added up, in `(rank, id)` order as `first`), each `capacity_reached` worded
    over both: the item's units available to the two, those the higher-ranked lines took in
    either, and those the first run gave lower-ranked lines before the second."""
    units = problem.units_available
    lines = {line.id: line for line in problem.lines}
    first_lots = {outcome.id: outcome.funded_lots for outcome in first}
    below = dict.fromkeys(units, 0)  # per item, the first run's units of the lines not yet passed
    for line in problem.lines:
        if line.item is not None and line.item in below:
            below[line.item] += first_lots[line.id] * line.units_per_lot
    taken = SupplyTaken()
    restated: list[LineAllocation] = []
    for i, outcome in enumerate(merged):
        line = lines[outcome.id]
        item = line.item
        if item is None or item not in units:
            restated.append(outcome)
            continue
        below[item] -= first_lots[outcome.id] * line.units_per_lot
        blocked = outcome.blocked_by
        if blocked is not None and blocked.reason == "capacity_reached":
            blocked = capacity_blocked(
                line=line, funded_lots=outcome.funded_lots, available_units=units[item],
                taken_units=taken.units.get(item, 0),
                competing=tuple(merged[j].id for j in taken.competing(item)),
                taken_below_units=below[item], currency=problem.currency, exponent=problem.exponent,
            )  # fmt: skip
        if outcome.funded_lots:
            taken.record(i, item, outcome.funded_lots * line.units_per_lot)
        restated.append(replace(outcome, blocked_by=blocked))
    return tuple(restated)
