"""The ledger's running balances (`balance_tables.py`): moved by every append in its
transaction, touching only the rows of the accounts it posts to and of their kinds; read for
every current balance; rebuilt from the postings where the postings are written without
appends (a restore). Balances as of an earlier instant are still summed from the postings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, delete, insert, literal, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.balance_tables import HELD, AccountBalanceRow, KindBalanceRow
from purldesk.adapters.storage.rows import IN_LIST_CHUNK, _upsert
from purldesk.adapters.storage.sums import LOW_BITS, LOW_MASK, halves, joined
from purldesk.adapters.storage.tables import LedgerPostingRow
from purldesk.domain import ledger, reconciliation
from purldesk.domain.contributions import ContributionId
from purldesk.domain.ledger import Posting
from purldesk.domain.money import USD

B = AccountBalanceRow
K = KindBalanceRow
BALANCES = B.__table__
KINDS = K.__table__
# Rows per INSERT of a rebuild: few enough bound parameters for SQLite.
REBUILT_PER_INSERT = 500

Balances = dict[tuple[str, str], int]
# (kind, currency) -> (the balances of its accounts summed, how many of them are not zero)
KindBalances = dict[tuple[str, str], tuple[int, int]]

# What the ledger's page sums an account under (`ledger.reported_kind`).
reported_kind = ledger.reported_kind


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


def _kind_row(kind: str, currency: str, minor: int, accounts: int) -> dict[str, Any]:
    """A kind's row (or what to add to it), its amount in normalised halves."""
    return {
        "kind": kind,
        "currency": currency,
        "amount_high": minor >> LOW_BITS,
        "amount_low": minor & LOW_MASK,
        "accounts": accounts,
    }


def move(session: Session, postings: Iterable[Posting]) -> None:
    """Add `postings` to their accounts' balances and to their kinds' totals: one upsert of
    the accounts they post to, then one of those accounts' kinds, each adding halves and
    carrying the low half's overflow into the high one. A kind counts an account more when
    it leaves zero and one less when it comes back to zero, as its balance read before says."""
    moved: Balances = defaultdict(int)
    for posting in postings:
        moved[posting.account, posting.amount.currency] += posting.amount.minor
    if not moved:
        return
    before = _kept_of(session, moved.keys())
    _add(session, BALANCES, [BALANCES.c.account, BALANCES.c.currency],
         [_row(account, code, minor) for (account, code), minor in sorted(moved.items())])  # fmt: skip
    kinds: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (account, code), minor in moved.items():
        was = before.get((account, code), 0)
        kind = kinds[reported_kind(account), code]
        kind[0] += minor
        kind[1] += (was + minor != 0) - (was != 0)
    _add(session, KINDS, [KINDS.c.kind, KINDS.c.currency],
         [_kind_row(kind, code, minor, accounts)
          for (kind, code), (minor, accounts) in sorted(kinds.items())],
         accounts=KINDS.c.accounts)  # fmt: skip


def _kept_of(session: Session, keys: Iterable[tuple[str, str]]) -> Balances:
    """The stored balances of the (account, currency) `keys`, by the accounts' key in chunks
    (an append's few accounts: one statement)."""
    wanted = set(keys)
    accounts = sorted({account for account, _code in wanted})
    found: Balances = {}
    for start in range(0, len(accounts), IN_LIST_CHUNK):
        rows = session.execute(
            select(B.account, B.currency, B.amount_high, B.amount_low).where(
                B.account.in_(accounts[start : start + IN_LIST_CHUNK])
            )
        )
        found.update(
            ((account, code), joined(high, low))
            for account, code, high, low in rows
            if (account, code) in wanted
        )
    return found


def _add(
    session: Session, table: Any, key: list[Any], rows: list[dict[str, Any]], **counts: Any
) -> None:
    """Upsert `rows` into `table` by `key`, adding their halves (and the `counts` columns) to
    those of the rows there."""
    upsert = _upsert(session, table)
    low = table.c.amount_low + upsert.excluded.amount_low  # below 2**33: both are normalised
    carry = low.op(">>")(literal(LOW_BITS, Integer))
    added = {name: column + upsert.excluded[name] for name, column in counts.items()}
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=key,
            set_={
                "amount_high": table.c.amount_high + upsert.excluded.amount_high + carry,
                "amount_low": low.op("&")(literal(LOW_MASK, BigInteger)),
                **added,
            },
        ),
        rows,
    )


def rebuild(session: Session) -> None:
    """Every balance again from the postings, summed in halves that no history overflows, and
    every kind's total from those balances."""
    session.execute(delete(AccountBalanceRow))
    session.execute(delete(KindBalanceRow))
    p = LedgerPostingRow
    summed = {
        (account, code): joined(high, low)
        for account, code, high, low in session.execute(
            select(p.account, p.currency, *halves(p.amount_minor)).group_by(p.account, p.currency)
        )
    }
    rows = [_row(account, code, minor) for (account, code), minor in summed.items()]
    for start in range(0, len(rows), REBUILT_PER_INSERT):
        session.execute(insert(AccountBalanceRow), rows[start : start + REBUILT_PER_INSERT])
    totals = reconciliation.kind_totals(summed.items())
    kinds = [_kind_row(kind, code, *total) for (kind, code), total in sorted(totals.items())]
    for start in range(0, len(kinds), REBUILT_PER_INSERT):
        session.execute(insert(KindBalanceRow), kinds[start : start + REBUILT_PER_INSERT])


def kept(session: Session) -> Balances:
    """Every stored balance, those at zero too: what `verify` holds against the postings."""
    rows = session.execute(select(B.account, B.currency, B.amount_high, B.amount_low))
    return {(account, code): joined(high, low) for account, code, high, low in rows}


def mislabelled(session: Session) -> list[tuple[str, str]]:
    """(account, currency) of each stored balance whose kind or contribution is not the one
    its account's name gives (`_row`)."""
    rows = session.execute(select(B.account, B.currency, B.kind, B.contribution_ref))
    return sorted(
        (account, code)
        for account, code, kind, ref in rows
        if (kind, ref) != (reported_kind(account), ledger.account_contribution(account))
    )


def kept_kinds(session: Session) -> KindBalances:
    """Every stored kind's total and count of accounts not at zero, those at zero too."""
    rows = session.execute(select(K.kind, K.currency, K.amount_high, K.amount_low, K.accounts))
    return {(kind, code): (joined(high, low), int(n)) for kind, code, high, low, n in rows}


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
