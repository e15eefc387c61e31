"""The ledger's running balances (`balance_tables.py`): moved by every append in its
transaction, touching only the rows of the accounts it posts to; read for every current
balance; rebuilt from the postings where the postings are written without appends (a
restore). Balances as of an earlier instant are still summed from the postings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, delete, insert, literal, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.balance_tables import HELD, AccountBalanceRow
from purldesk.adapters.storage.rows import IN_LIST_CHUNK, _upsert
from purldesk.adapters.storage.sums import LOW_BITS, LOW_MASK, halves, joined
from purldesk.adapters.storage.tables import LedgerPostingRow
from purldesk.domain import ledger
from purldesk.domain.contributions import ContributionId
from purldesk.domain.ledger import ACCOUNT_KINDS, Posting
from purldesk.domain.money import USD

B = AccountBalanceRow
BALANCES = B.__table__
# Rows per INSERT of a rebuild: few enough bound parameters for SQLite.
REBUILT_PER_INSERT = 500

Balances = dict[tuple[str, str], int]


def reported_kind(account: str) -> str:
    """The kind the ledger's page sums an account under: the first of the kinds there are that
    it starts with (`kind:`), else the account itself (one written in SQL is its own kind)."""
    return next((kind for kind in ACCOUNT_KINDS if account.startswith(f"{kind}:")), account)


def _row(account: str, currency: str, minor: int) -> dict[str, Any]:
    """A balance row, its amount in normalised halves (`amount_low` in [0, 2**32))."""
    return {
        "account": account,
        "currency": currency,
        "kind": reported_kind(account),
        "contribution_ref": ledger.account_contribution(account),
        "amount_high": minor >> LOW_BITS,
        "amount_low": minor & LOW_MASK,
    }


def move(session: Session, postings: Iterable[Posting]) -> None:
    """Add `postings` to their accounts' balances: one upsert of the accounts they post to,
    adding halves and carrying the low half's overflow into the high one."""
    moved: Balances = defaultdict(int)
    for posting in postings:
        moved[posting.account, posting.amount.currency] += posting.amount.minor
    if not moved:
        return
    upsert = _upsert(session, BALANCES)
    low = BALANCES.c.amount_low + upsert.excluded.amount_low  # below 2**33: both are normalised
    carry = low.op(">>")(literal(LOW_BITS, Integer))
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[BALANCES.c.account, BALANCES.c.currency],
            set_={
                "amount_high": BALANCES.c.amount_high + upsert.excluded.amount_high + carry,
                "amount_low": low.op("&")(literal(LOW_MASK, BigInteger)),
            },
        ),
        [_row(account, code, minor) for (account, code), minor in sorted(moved.items())],
    )


def rebuild(session: Session) -> None:
    """Every balance again from the postings, summed in halves that no history overflows."""
    session.execute(delete(AccountBalanceRow))
    p = LedgerPostingRow
    summed = session.execute(
        select(p.account, p.currency, *halves(p.amount_minor)).group_by(p.account, p.currency)
    ).all()
    rows = [_row(account, code, joined(high, low)) for account, code, high, low in summed]
    for start in range(0, len(rows), REBUILT_PER_INSERT):
        session.execute(insert(AccountBalanceRow), rows[start : start + REBUILT_PER_INSERT])


def kept(session: Session) -> Balances:
    """Every stored balance, those at zero too: what `verify` holds against the postings."""
    rows = session.execute(select(B.account, B.currency, B.amount_high, B.amount_low))
    return {(account, code): joined(high, low) for account, code, high, low in rows}


def held(session: Session, *criteria: ColumnElement[bool]) -> Balances:
    """The balances that are not zero, of the accounts that meet `criteria`."""
    rows = session.execute(
        select(B.account, B.currency, B.amount_high, B.amount_low).where(HELD, *criteria)
    )
    return {(account, code): joined(high, low) for account, code, high, low in rows}


def held_in(session: Session, column: Any, keys: Iterable[str]) -> Balances:
    """`held`, of the accounts whose `column` is one of `keys` (by index, in chunks)."""
    wanted = sorted(set(keys))
    found: Balances = {}
    for start in range(0, len(wanted), IN_LIST_CHUNK):
        found.update(held(session, column.in_(wanted[start : start + IN_LIST_CHUNK])))
    return found


def pools_holding(session: Session) -> dict[ContributionId, int]:
    """Contribution id -> USD in its pool, of every pool holding more than zero: read by the
    index of the accounts that hold money, not the pool of every contribution."""
    found: dict[ContributionId, int] = {}
    for (account, _code), minor in held(session, B.kind == "pool", B.currency == USD).items():
        digits = account.removeprefix("pool:C-")
        owner = ContributionId(int(digits)) if digits.isascii() and digits.isdigit() else None
        # Only a pool named as the ledger names it: one written in SQL is no contribution's.
        if minor > 0 and owner is not None and ledger.pool(owner) == account:
            found[owner] = minor
    return found
