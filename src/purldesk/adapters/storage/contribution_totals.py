"""The contributions' kept totals (`balance_tables.ContributionTotalRow`): moved by every write
of a contribution in its transaction, touching only the rows of the keys it leaves and enters;
read by every total of the contributions a page or report shows; rebuilt from the contributions
where they are written without the repository (a restore, `ledger rebuild-balances`).

Each move is one upsert adding to the rows there, so concurrent writers on PostgreSQL add up
(an INSERT ... ON CONFLICT DO UPDATE locks the row it adds to); its rows are sorted by key, so
two writers lock the rows they share in one order. Every command also holds the write lock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, Integer, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.balance_tables import ContributionTotalRow
from purldesk.adapters.storage.rows import _upsert
from purldesk.adapters.storage.sums import LOW_BITS, LOW_MASK, halves, joined
from purldesk.adapters.storage.tables import ContributionRow
from purldesk.domain.contribution_totals import ContributionTotals, Total, TotalKey

T = ContributionTotalRow
TOTALS = T.__table__
KEY = ("contributor", "currency", "status", "confidential", "anonymous")
HALVED = ("amount", "usd")
COUNTED = ("count", "converted")
# Rows per INSERT of a rebuild: few enough bound parameters for SQLite.
REBUILT_PER_INSERT = 500


def _row(key: TotalKey, total: Total) -> dict[str, Any]:
    """A total's row (or what to add to one), its sums in normalised halves (`sums.py`)."""
    return {
        "contributor": key.contributor,
        "currency": key.currency,
        "status": key.status,
        "confidential": key.confidential,
        "anonymous": key.anonymous,
        "count": total.count,
        "amount_high": total.amount_minor >> LOW_BITS,
        "amount_low": total.amount_minor & LOW_MASK,
        "usd_high": total.usd_minor >> LOW_BITS,
        "usd_low": total.usd_minor & LOW_MASK,
        "converted": total.converted,
    }


def move(session: Session, moves: Mapping[TotalKey, Total]) -> None:
    """Add `moves` to the totals of their keys: one upsert, each sum added in halves with the
    low half's overflow carried into the high one (a negative move as well)."""
    if not moves:
        return
    upsert = _upsert(session, TOTALS)
    added: dict[str, Any] = {name: TOTALS.c[name] + upsert.excluded[name] for name in COUNTED}
    for name in HALVED:
        high, low = TOTALS.c[f"{name}_high"], TOTALS.c[f"{name}_low"]
        summed = low + upsert.excluded[f"{name}_low"]  # below 2**33: both are normalised
        carry = summed.op(">>")(literal(LOW_BITS, Integer))
        added[f"{name}_high"] = high + upsert.excluded[f"{name}_high"] + carry
        added[f"{name}_low"] = summed.op("&")(literal(LOW_MASK, BigInteger))
    session.execute(
        upsert.on_conflict_do_update(index_elements=[TOTALS.c[k] for k in KEY], set_=added),
        [_row(key, total) for key, total in sorted(moves.items())],
    )


def rebuild(session: Session) -> None:
    """Every total again from the contributions, summed in halves that no history overflows."""
    session.execute(delete(T))
    c = ContributionRow
    columns = (c.contributor, c.currency, c.status, c.confidential, c.anonymous)
    summed = session.execute(
        select(
            *columns,
            func.count(),
            *halves(c.amount_minor),
            *halves(c.usd_minor.expression),
            func.count(c.usd_minor),  # COUNT of a column skips NULL: the USD values there are
        ).group_by(*columns)
    )
    rows = [
        _row(
            TotalKey(who, code, status, bool(hidden), bool(unnamed)),
            Total(int(n), joined(high, low), joined(usd_high, usd_low), int(usd_n)),
        )
        for who, code, status, hidden, unnamed, n, high, low, usd_high, usd_low, usd_n in summed
    ]
    for start in range(0, len(rows), REBUILT_PER_INSERT):
        session.execute(insert(T), rows[start : start + REBUILT_PER_INSERT])


def kept(session: Session) -> ContributionTotals:
    """Every stored total, those at zero too: what `verify` holds against the contributions."""
    rows = session.execute(
        select(
            *(TOTALS.c[k] for k in KEY), T.count, T.amount_high, T.amount_low, T.usd_high,
            T.usd_low, T.converted,
        )
    )  # fmt: skip
    return {
        TotalKey(who, code, status, bool(hidden), bool(unnamed)): Total(
            int(n), joined(high, low), joined(usd_high, usd_low), int(usd_n)
        )
        for who, code, status, hidden, unnamed, n, high, low, usd_high, usd_low, usd_n in rows
    }
