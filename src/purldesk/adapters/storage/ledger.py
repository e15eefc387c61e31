"""The hash-chained ledger on SQLAlchemy: entries and postings, appended under a lock, and
its Merkle tree and running balances grown with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, insert, select, text
from sqlalchemy.orm import Session

from purldesk.adapters.storage import balances
from purldesk.adapters.storage.balance_tables import AccountBalanceRow
from purldesk.adapters.storage.rows import IN_LIST_CHUNK, LEDGER_LOCK_KEY
from purldesk.adapters.storage.sums import halves, joined
from purldesk.adapters.storage.tables import LedgerEntryRow, LedgerPostingRow
from purldesk.adapters.storage.trees import SqlMerkleTrees
from purldesk.domain import ledger
from purldesk.domain.checkpoints import Tree, leaf
from purldesk.domain.contributions import ContributionId, contribution_ref
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import Conversion, Currency, Money

T = TypeVar("T")


def _unchecked(cls: type[T], **fields: object) -> T:
    """Build a frozen dataclass without its __post_init__ checks.

    Only for reading the ledger back: a row altered in SQL must still load so that
    `verify` can report it, instead of failing in the constructor.
    """
    instance = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(instance, name, value)
    return instance


def _posting(account: str, code: str, minor: int) -> Posting:
    """`_unchecked` Posting of `_unchecked` Money, spelled out: `verify` reads millions."""
    amount = object.__new__(Money)
    object.__setattr__(amount, "minor", minor)
    object.__setattr__(amount, "currency", code)
    posting = object.__new__(Posting)
    object.__setattr__(posting, "account", account)
    object.__setattr__(posting, "amount", amount)
    return posting


class SqlLedger:
    """The hash-chained ledger; appends are serialised across processes by a database lock."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def head(self) -> LedgerEntry | None:
        row = self._session.execute(
            select(*ENTRY_COLUMNS).order_by(LedgerEntryRow.seq.desc()).limit(1)
        ).first()
        return None if row is None else self._load([row])[0]

    def head_seq(self) -> int:
        return int(self._session.scalar(select(func.max(LedgerEntryRow.seq))) or 0)

    def append(
        self, transactions: Sequence[LedgerTransaction], *, recorded_at: datetime
    ) -> list[LedgerEntry]:
        """Seal the transactions onto the chain, holding the ledger lock until commit."""
        if not transactions:
            return []
        if recorded_at.tzinfo is None or recorded_at.utcoffset() is None:
            raise ValueError("recorded_at must be timezone-aware")
        # Hash the instant exactly as it will be read back (UTC), so verify recomputes it.
        recorded_at = recorded_at.astimezone(UTC)
        self.lock()
        tip = self._session.execute(
            select(LedgerEntryRow.seq, LedgerEntryRow.hash)
            .order_by(LedgerEntryRow.seq.desc())
            .limit(1)
        ).first()
        entries = ledger.chain_after(
            None if tip is None else (tip.seq, tip.hash), transactions, recorded_at=recorded_at
        )
        self._session.execute(insert(LedgerEntryRow), [_entry_values(e) for e in entries])
        SqlMerkleTrees(self._session).append(
            Tree.LEDGER, [leaf(e.hash) for e in entries], after=0 if tip is None else tip.seq
        )
        self._session.execute(
            insert(LedgerPostingRow),
            [
                {
                    "entry_seq": e.seq,
                    "position": i,
                    "account": p.account,
                    "currency": p.amount.currency,
                    "amount_minor": p.amount.minor,
                    "contribution_ref": ledger.account_contribution(p.account),
                }
                for e in entries
                for i, p in enumerate(e.transaction.postings)
            ],
        )
        balances.move(self._session, (p for e in entries for p in e.transaction.postings))
        return entries

    def entries(self) -> list[LedgerEntry]:
        rows = self._session.execute(select(*ENTRY_COLUMNS).order_by(LedgerEntryRow.seq)).all()
        return self._load(rows, every=True)

    def entries_of(self, contribution_id: int) -> list[LedgerEntry]:
        """The entries recorded for one contribution, in sequence, found by index."""
        rows = self._session.execute(
            select(*ENTRY_COLUMNS)
            .where(LedgerEntryRow.contribution_id == contribution_id)
            .order_by(LedgerEntryRow.seq)
        ).all()
        return self._load(rows)

    def entries_page(
        self,
        *,
        contribution_ids: Collection[int] | None = None,
        package_id: int | None = None,
        kind: TransactionKind | None = None,
        offset: int,
        limit: int,
    ) -> tuple[list[LedgerEntry], int]:
        """Counted and paged in SQL: a page reads its own entries and postings only."""
        e = LedgerEntryRow
        criteria: list[ColumnElement[bool]] = []
        if contribution_ids is not None:
            criteria.append(e.contribution_id.in_(sorted(contribution_ids)))
        if package_id is not None:
            criteria.append(e.package_id == package_id)
        if kind is not None:
            criteria.append(e.kind == kind.value)
        if criteria:
            total = self._session.scalar(select(func.count()).select_from(e).where(*criteria))
        else:  # the chain numbers its entries 1, 2, 3...: the last one counts them, by index
            total = self._session.scalar(select(func.max(e.seq)))
        rows = self._session.execute(
            select(*ENTRY_COLUMNS).where(*criteria).order_by(e.seq).offset(offset).limit(limit)
        ).all()
        return self._load(rows), int(total or 0)

    def balances(self) -> dict[tuple[str, str], int]:
        """Read from the running balances: a row per account, however long the history."""
        return balances.held(self._session)

    def balances_of(self, accounts: Iterable[str]) -> dict[tuple[str, str], int]:
        """The accounts' running balances, found by their key."""
        return balances.held_in(self._session, AccountBalanceRow.account, accounts)

    def contribution_balances(self, contribution_ids: Iterable[int]) -> dict[tuple[str, str], int]:
        """The running balances of the contributions' accounts, by the contribution_ref index."""
        refs = (contribution_ref(contribution_id) for contribution_id in contribution_ids)
        return balances.held_in(self._session, AccountBalanceRow.contribution_ref, refs)

    def pools_holding(self) -> dict[ContributionId, int]:
        return balances.pools_holding(self._session)

    def kept_balances(self) -> dict[tuple[str, str], int]:
        return balances.kept(self._session)

    def kept_kind_balances(self) -> dict[tuple[str, str], tuple[int, int]]:
        return balances.kept_kinds(self._session)

    def mislabelled_balances(self) -> list[tuple[str, str]]:
        return balances.mislabelled(self._session)

    def rebuild_balances(self) -> int:
        self.lock()
        balances.rebuild(self._session)
        return len(balances.kept(self._session))

    def lock(self) -> None:
        """Hold the ledger's write lock until the transaction ends (re-entrant within it)."""
        # Read committed: the head read after the lock sees every append committed before it.
        # On SQLite, the engine's BEGIN IMMEDIATE already holds the only write lock.
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY}
            )

    def _load(self, rows: Sequence[Any], *, every: bool = False) -> list[LedgerEntry]:
        """The entries of `rows` (of ENTRY_COLUMNS) with their postings: all postings at once
        when `rows` are `every` entry, else those of the rows' entries only. Plain rows, not
        ORM objects: reading the whole ledger is what `verify` costs."""
        postings: dict[int, list[Posting]] = defaultdict(list)
        columns = (
            LedgerPostingRow.entry_seq, LedgerPostingRow.account, LedgerPostingRow.currency,
            LedgerPostingRow.amount_minor,
        )  # fmt: skip
        order = (LedgerPostingRow.entry_seq, LedgerPostingRow.position)
        if every:
            queries = [select(*columns).order_by(*order)]
        else:
            seqs = [row.seq for row in rows]
            queries = [
                select(*columns)
                .where(LedgerPostingRow.entry_seq.in_(seqs[start : start + IN_LIST_CHUNK]))
                .order_by(*order)
                for start in range(0, len(seqs), IN_LIST_CHUNK)
            ]
        for query in queries if rows else []:
            for seq, account, code, minor in self._session.execute(query):
                postings[seq].append(_posting(account, code, minor))
        return [_entry(row, tuple(postings[row.seq])) for row in rows]


def _entry_values(entry: LedgerEntry) -> dict[str, Any]:
    tx, conversion = entry.transaction, entry.transaction.conversion
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "kind": tx.kind.value,
        "occurred_on": tx.occurred_on,
        "memo": tx.memo,
        "contribution_id": tx.contribution_id,
        "package_id": tx.package_id,
        "reverses": tx.reverses,
        "fx_from_minor": None if conversion is None else conversion.original.minor,
        "fx_from_currency": None if conversion is None else conversion.original.currency,
        "fx_to_minor": None if conversion is None else conversion.converted.minor,
        "fx_to_currency": None if conversion is None else conversion.converted.currency,
        "fx_rate": None if conversion is None else str(conversion.rate),
        "fx_rate_date": None if conversion is None else conversion.rate_date,
        "fx_source": None if conversion is None else conversion.source,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


ENTRY_COLUMNS = tuple(LedgerEntryRow.__table__.columns)
_KINDS = {kind.value: kind for kind in TransactionKind}  # a dict is faster than the enum's call


def _entry(row: Any, postings: tuple[Posting, ...]) -> LedgerEntry:
    conversion = None
    if row.fx_rate is not None:
        assert row.fx_from_minor is not None and row.fx_from_currency is not None
        assert row.fx_to_minor is not None and row.fx_to_currency is not None
        assert row.fx_rate_date is not None and row.fx_source is not None
        conversion = Conversion(
            original=_unchecked(
                Money, minor=row.fx_from_minor, currency=Currency(row.fx_from_currency)
            ),
            converted=_unchecked(
                Money, minor=row.fx_to_minor, currency=Currency(row.fx_to_currency)
            ),
            rate=Decimal(row.fx_rate),
            rate_date=row.fx_rate_date,
            source=row.fx_source,
        )
    transaction = _unchecked(
        LedgerTransaction,
        kind=_KINDS.get(row.kind) or TransactionKind(row.kind),
        occurred_on=row.occurred_on,
        postings=postings,
        memo=row.memo,
        contribution_id=row.contribution_id,
        package_id=row.package_id,
        conversion=conversion,
        reverses=row.reverses,
    )
    return LedgerEntry(row.seq, row.recorded_at, transaction, row.prev_hash, row.hash)


# What was posted to an account, summed in halves so that no history overflows the sum (the
# balances recorded before an instant; current ones are kept, `balances.py`).
POSTED = halves(LedgerPostingRow.amount_minor)


def _nonzero(rows: Iterable[Any]) -> dict[tuple[str, str], int]:
    """Balances by (account, currency) from rows of POSTED, leaving out those at zero."""
    summed = {(account, cur): joined(high, low) for account, cur, high, low in rows}
    return {key: balance for key, balance in summed.items() if balance}
