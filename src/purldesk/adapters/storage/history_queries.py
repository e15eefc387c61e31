"""The read port's history queries on SQLAlchemy: packages' kept states, payments to the
supplier, the audit log from a sequence number on, and the ledger's balances as they stood.

Each is one statement, in the order the history was written."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.history_tables import PackageReleaseRow
from purldesk.adapters.storage.ledger import POSTED, _nonzero
from purldesk.adapters.storage.releases import release_of
from purldesk.adapters.storage.repository import from_row
from purldesk.adapters.storage.tables import (
    AuditEntryRow,
    LedgerEntryRow,
    LedgerPostingRow,
    ShipmentRow,
)
from purldesk.domain.audit import AuditEntry
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment
from purldesk.domain.money import Currency, Money
from purldesk.domain.package_history import PackageRelease
from purldesk.domain.packages import PackageId
from purldesk.services.history_ports import Disbursement

DISBURSED = "disbursed:"  # the prefix of the accounts money paid to the supplier is posted to


def _int(value: int | None) -> int:
    """A key the ledger records on every payment (a disbursed account names both)."""
    if value is None:
        raise ValueError("a payment to the supplier names its package and contribution")
    return value


def _spans(keys: Collection[tuple[PackageId, int]]) -> dict[PackageId, tuple[int, int]]:
    """Per package, the numbers from the one before the first of `keys` to the last."""
    spans: dict[PackageId, tuple[int, int]] = {}
    for package_id, number in keys:
        lo, hi = spans.get(package_id, (number - 1, number))
        spans[package_id] = (min(lo, number - 1), max(hi, number))
    return spans


class SqlHistoryQueries:
    """`HistoryQueries` over the read-only session `self._session` (set by `SqlQueries`)."""

    _session: ReadSession

    def releases(self, package_ids: Collection[PackageId]) -> list[PackageRelease]:
        r = PackageReleaseRow
        rows = self._session.scalars(
            select(r).where(r.package_id.in_(sorted(package_ids))).order_by(r.package_id, r.number)
        )
        return [release_of(row) for row in rows]

    def releases_around(self, keys: Collection[tuple[PackageId, int]]) -> list[PackageRelease]:
        r, each = PackageReleaseRow, aliased(PackageReleaseRow)
        spans = _spans(keys)
        if not spans:
            return []
        latest = select(func.max(each.number)).where(each.package_id == r.package_id)
        rows = self._session.scalars(
            select(r)
            .where(
                or_(
                    *(and_(r.package_id == pid, r.number.between(lo, hi))
                      for pid, (lo, hi) in spans.items()),
                    and_(r.package_id.in_(sorted(spans)), r.number == latest.scalar_subquery()),
                )
            )
            .order_by(r.package_id, r.number)
        )  # fmt: skip
        return [release_of(row) for row in rows]

    def release_count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(PackageReleaseRow)) or 0)

    def release_keys(self, *, offset: int, limit: int) -> list[tuple[PackageId, int]]:
        r = PackageReleaseRow
        rows = self._session.execute(
            select(r.package_id, r.number)
            .order_by(r.audit_seq, r.package_id, r.number)
            .offset(offset)
            .limit(limit)
        )
        return [(PackageId(package_id), number) for package_id, number in rows]

    def disbursements(self, package_ids: Collection[PackageId]) -> list[Disbursement]:
        e, p = LedgerEntryRow, LedgerPostingRow
        rows = self._session.execute(
            select(
                e.package_id, e.contribution_id, p.amount_minor, p.currency, e.occurred_on, e.seq
            )
            .join(p, p.entry_seq == e.seq)
            .where(
                e.package_id.in_(sorted(package_ids)),
                p.account.startswith(DISBURSED, autoescape=True),
            )
            .order_by(e.seq, p.position)
        )
        found = []
        for package_id, contribution_id, amount, currency, occurred_on, seq in rows:
            money = Money(amount, Currency(currency))
            payer = ContributionId(_int(contribution_id))
            found.append(Disbursement(PackageId(_int(package_id)), payer, money, occurred_on, seq))
        return found

    def shipments_by_id(self, shipment_ids: Collection[int]) -> list[Shipment]:
        s = ShipmentRow
        rows = self._session.scalars(select(s).where(s.id.in_(sorted(shipment_ids))).order_by(s.id))
        return [from_row(Shipment, row) for row in rows]

    def audit_since(self, seq: int, *, limit: int) -> list[AuditEntry]:
        a = AuditEntryRow
        rows = self._session.scalars(select(a).where(a.seq > seq).order_by(a.seq).limit(limit))
        return [from_row(AuditEntry, row) for row in rows]

    def balances_recorded_before(self, instant: datetime) -> dict[tuple[str, str], int]:
        e, p = LedgerEntryRow, LedgerPostingRow
        return _nonzero(
            self._session.execute(
                select(p.account, p.currency, *POSTED)
                .join(e, e.seq == p.entry_seq)
                .where(e.recorded_at < instant)
                .group_by(p.account, p.currency)
            )
        )
