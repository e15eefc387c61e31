"""The read side's port for what the history keeps, read in order (part of `Reader`,
services/read_ports.py): packages' kept states, payments, the audit log and the ledger as it
stood."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from purldesk.domain.audit import AuditEntry
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment
from purldesk.domain.money import Money
from purldesk.domain.package_history import PackageRelease
from purldesk.domain.packages import PackageId


@dataclass(frozen=True, slots=True)
class Disbursement:
    """Money of one contribution paid to the supplier for one package: a posting to its
    `disbursed` account, with the ledger entry that made it."""

    package_id: PackageId
    contribution_id: ContributionId
    amount: Money
    occurred_on: date
    seq: int


class HistoryQueries(Protocol):
    """What the history keeps, read in order: packages' kept states, payments, the audit log
    and the ledger as it stood."""

    def releases(self, package_ids: Collection[PackageId]) -> list[PackageRelease]:
        """Every kept state of these packages, by package and number."""
        ...

    def releases_around(self, keys: Collection[tuple[PackageId, int]]) -> list[PackageRelease]:
        """The kept states `keys` name (package, number), with each of their packages' state
        before the first of them and its latest: what a page of releases is told from; by
        package and number."""
        ...

    def release_count(self) -> int:
        """How many states are kept, of every package."""
        ...

    def release_keys(self, *, offset: int, limit: int) -> list[tuple[PackageId, int]]:
        """(package, number) of kept states in the order they were kept (audit entry, then
        package): a page of them, so later states only ever come after."""
        ...

    def disbursements(self, package_ids: Collection[PackageId]) -> list[Disbursement]:
        """What was paid to the supplier for these packages, by entry and contribution."""
        ...

    def shipments_by_id(self, shipment_ids: Collection[int]) -> list[Shipment]:
        """These shipments (those that exist), by id."""
        ...

    def audit_since(self, seq: int, *, limit: int) -> list[AuditEntry]:
        """At most `limit` audit entries after the entry `seq` (0: from the first), in order."""
        ...

    def balances_recorded_before(self, instant: datetime) -> dict[tuple[str, str], int]:
        """(account, currency) -> non-zero balance over the entries recorded before `instant`."""
        ...
