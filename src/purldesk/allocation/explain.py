"""Why a line got fewer lots than it asked for: a reason in data and in a sentence."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from decimal import Decimal

from purldesk.allocation.problem import Blocked, BlockReason, Line, LineId

MAX_COMPETING = 10


def blocked_reason(*, eligible_minor: int, cap_left_minor: int | None, line: Line) -> BlockReason:
    """The first reason that holds: no eligible money at all, then the cap, then exhaustion."""
    if eligible_minor == 0:
        return "no_eligible_money"
    if cap_left_minor is not None and cap_left_minor < line.lot_price_minor:
        return "cap_reached"
    return "eligible_money_exhausted"


def amount_text(minor: int, currency: str, exponent: int | None) -> str:
    """'USD 7,500,000.00' given the currency's exponent; the minor units, named so, without it."""
    if exponent is None:
        return f"{minor} {currency} minor units"
    return f"{currency} {Decimal(minor).scaleb(-exponent):,.{exponent}f}"


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
    short = amount_text(short_minor, currency, exponent)
    got = f"{funded_lots} of {line.lots} lot(s) funded, {short} short"
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
) -> list[Blocked | None]:
    """Explain every line short of its lots.

    `payers[i]` are the payers (fund groups) paying line i; `kinds[i]` its eligibility type,
    whose possible payers are `eligible_by_kind[kinds[i]]`. Competing lines are the nearest
    higher-ranked lines paid by an eligible payer (by any payer when the cap is the reason),
    nearest first. Amounts are worded as money when the currency's `exponent` is given.
    """
    n_payers = 1 + max((g for gs in eligible_by_kind for g in gs), default=-1)
    recent = [deque[int](maxlen=MAX_COMPETING) for _ in range(n_payers)]
    stamp = [-1] * n_payers  # payer -> index of the last line it paid
    cache: dict[int, tuple[int, tuple[LineId, ...]]] = {}  # kind -> (computed at line, answer)
    recent_any: deque[int] = deque(maxlen=MAX_COMPETING)
    out: list[Blocked | None] = []
    append = out.append
    for i, reason in enumerate(reasons):
        if reason is not None:
            line = lines[i]
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
        paid_by = payers[i]
        if paid_by:
            recent_any.append(i)
            for g in paid_by:
                recent[g].append(i)
                stamp[g] = i
    return out
