"""Sums of bigint columns that no history can overflow, on either database.

SQLite's SUM of integers fails with "integer overflow" as soon as a running total passes
2**63 - 1, and the order in which rows are added is the query plan's, so bounding each amount
(`domain/money.py: MAX_AMOUNT_MINOR`) does not bound a sum over many of them. Each value is
therefore summed in two halves: its high part (value >> 32, of size at most 2**31) and its low
part (value & (2**32 - 1), below 2**32). Neither partial sum can overflow before 2**31 rows,
whatever their order, and Python joins them exactly. PostgreSQL sums bigints into numeric,
which never overflows; the same expressions keep one code path for both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, func, literal
from sqlalchemy.orm import InstrumentedAttribute

LOW_BITS = 32
LOW_MASK = 2**LOW_BITS - 1


def halves(
    value: ColumnElement[Any] | InstrumentedAttribute[int],
    *,
    where: ColumnElement[bool] | None = None,
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """SUMs of the high and the low half of `value`, to be joined by `joined`; of the rows
    `where` holds for only (an aggregate's FILTER), if given."""
    high = func.sum(value.op(">>")(literal(LOW_BITS, Integer)))
    low = func.sum(value.op("&")(literal(LOW_MASK, BigInteger)))
    if where is None:
        return high, low
    return high.filter(where), low.filter(where)


def joined(high: Any, low: Any) -> int:
    """The exact sum from its two halves (SQL NULL, a sum of no rows, counts as 0)."""
    return (int(high or 0) << LOW_BITS) + int(low or 0)


def joined_or_none(high: Any, low: Any) -> int | None:
    """`joined`, keeping SQL NULL (every value summed was NULL) as None."""
    return None if high is None else joined(high, low)
