"""The read port's queries for the ledger's page: entries and audit entries paged by their
sequence numbers, and balances by kind and by account: current ones from the running
balances (a row per kind, or per account, `balances.py`), those over the entries recorded
before an instant (the end of a day, as `balances_recorded_before` counts them) summed in SQL.

Entries are numbered from 1 without gaps (`verify` proves it), so a page is a range of
sequence numbers read by the primary key, however long the history; balances are sums, one
statement each, in halves that no history overflows (`sums.py`), as the running balances
are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from purldesk.adapters.storage.balance_tables import HELD, AccountBalanceRow, KindBalanceRow
from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.repository import from_row
from purldesk.adapters.storage.sums import LOW_BITS, halves, joined
from purldesk.adapters.storage.tables import AuditEntryRow, LedgerEntryRow, LedgerPostingRow
from purldesk.domain.audit import AuditEntry
from purldesk.domain.ledger import ACCOUNT_KINDS
from purldesk.services.read_ports import Balance, EntryRecord, PostingRecord

P = LedgerPostingRow
B = AccountBalanceRow
K = KindBalanceRow
HALF = literal(2**LOW_BITS, BigInteger)
# An account's kind: what comes before its first colon (`ledger.account_kind`), among the
# kinds there are; any other account (one written in SQL) is its own kind.
KIND = case(
    *((P.account.startswith(f"{kind}:", autoescape=True), kind) for kind in ACCOUNT_KINDS),
    else_=P.account,
)


def _posted(
    *keys: ColumnElement[Any] | InstrumentedAttribute[Any], before: datetime | None
) -> Select[Any]:
    """Postings summed by `keys` and currency, leaving out sums of zero; with `before`, only
    those of entries recorded before that instant."""
    high, low = halves(P.amount_minor)
    # The sum (high << 32) + low is zero exactly when low is a multiple of 2**32 that high
    # cancels: tested so, the test overflows no more than the halves do.
    nonzero = or_(low % HALF != 0, high + low / HALF != 0)
    query = select(*keys, P.currency, high, low)
    if before is not None:
        query = query.join(LedgerEntryRow, LedgerEntryRow.seq == P.entry_seq).where(
            LedgerEntryRow.recorded_at < before
        )
    return query.group_by(*keys, P.currency).having(nonzero)


def _balances(rows: Iterable[Any]) -> list[Balance]:
    return [Balance(key, code, joined(high, low)) for key, code, high, low in rows]


def _record(row: LedgerEntryRow, postings: tuple[PostingRecord, ...]) -> EntryRecord:
    return EntryRecord(
        row.seq, row.recorded_at, row.occurred_on, row.kind, row.memo, row.contribution_id,
        row.package_id, row.reverses, row.hash, postings,
    )  # fmt: skip


class LedgerQueries:
    """The ledger page's part of `SqlQueries`, over its read-only session."""

    _session: ReadSession

    def ledger_size(self) -> int:
        return int(self._session.scalar(select(func.max(LedgerEntryRow.seq))) or 0)

    def ledger_entries(self, *, upto: int, limit: int) -> list[EntryRecord]:
        rows = self._session.scalars(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.seq <= upto)
            .order_by(LedgerEntryRow.seq.desc())
            .limit(limit)
        ).all()
        postings: dict[int, list[PostingRecord]] = {row.seq: [] for row in rows}
        if rows:
            for p in self._session.scalars(
                select(P).where(P.entry_seq.in_(list(postings))).order_by(P.entry_seq, P.position)
            ):
                postings[p.entry_seq].append(PostingRecord(p.account, p.currency, p.amount_minor))
        return [_record(row, tuple(postings[row.seq])) for row in rows]

    def kind_balances(self, *, before: datetime | None = None) -> list[Balance]:
        if before is None:  # a row per kind, however many accounts hold money
            rows = self._session.execute(
                select(K.kind, K.currency, K.amount_high, K.amount_low).order_by(K.kind, K.currency)
            )
            return [b for b in _balances(rows) if b.balance_minor]
        kind = KIND.label("kind")
        rows = self._session.execute(_posted(kind, before=before).order_by(kind, P.currency))
        return _balances(rows)

    def count_accounts(self, *, before: datetime | None = None) -> int:
        if before is None:  # each kind counts its accounts not at zero
            return int(self._session.scalar(select(func.sum(K.accounts))) or 0)
        summed = _posted(P.account, before=before).subquery()
        return int(self._session.scalar(select(func.count()).select_from(summed)) or 0)

    def account_balances(
        self, *, before: datetime | None = None, offset: int, limit: int
    ) -> list[Balance]:
        if before is None:
            query = select(B.account, B.currency, B.amount_high, B.amount_low).where(HELD)
            ordered = query.order_by(B.account, B.currency)
        else:
            ordered = _posted(P.account, before=before).order_by(P.account, P.currency)
        return _balances(self._session.execute(ordered.offset(offset).limit(limit)))

    def audit_size(self) -> int:
        return int(self._session.scalar(select(func.max(AuditEntryRow.seq))) or 0)

    def audit_entries(self, *, upto: int, limit: int) -> list[AuditEntry]:
        rows = self._session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.seq <= upto)
            .order_by(AuditEntryRow.seq.desc())
            .limit(limit)
        )
        return [from_row(AuditEntry, row) for row in rows]
