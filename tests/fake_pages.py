"""The work pages' queries of the Reader port in memory, as `page_queries` and
`ledger_queries` answer them in SQL: the same filters, orders, pages and sums."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from purldesk.domain.access import Viewer
from purldesk.domain.audit import AuditEntry
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.confidentiality import can_see_amount
from purldesk.domain.contributions import Contribution
from purldesk.domain.deliveries import Shipment
from purldesk.domain.errors import NotFound
from purldesk.domain.ledger import ACCOUNT_KINDS, LedgerEntry
from purldesk.domain.package_money import PaymentFacts, payment_facts
from purldesk.domain.packages import Package, PackageId, PackageStatus, paid_by_line
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId, LineId, LineStatus, RequirementLine
from purldesk.services.package_list_ports import HiddenPayerCount, PackageListing, PackageOutline
from purldesk.services.read_ports import (
    HELD_STATUSES,
    Balance,
    EntryRecord,
    Funding,
    HeldLine,
    LineCounts,
    LineFilter,
    PostingRecord,
    ShipmentLine,
)

if TYPE_CHECKING:
    from fakes import Tables


def _shown_status(held: HeldLine, item: CatalogItem) -> str:
    line = held.line
    if line.status not in HELD_STATUSES or not held.lots_hidden:
        return line.status.value
    if held.lots_shown * item.lot_size >= line.quantity:
        return LineStatus.FUNDED.value
    return (LineStatus.PARTLY_FUNDED if held.lots_shown else LineStatus.OPEN).value


def _funding(held: HeldLine, item: CatalogItem) -> Funding:
    if held.lots_shown * item.lot_size >= held.line.quantity:
        return Funding.FULLY
    return Funding.PARTLY if held.lots_shown else Funding.UNFUNDED


def _matches(held: HeldLine, item: CatalogItem, wanted: LineFilter) -> bool:
    line, text = held.line, wanted.text.strip().lower()
    withdrawn = line.status is LineStatus.WITHDRAWN
    return (
        (not text or any(text in v.lower() for v in (line.ref, item.name, line.justification)))
        and wanted.area in (None, line.area)
        and wanted.aid_class in (None, line.aid_class)
        and (wanted.status is None or _shown_status(held, item) == wanted.status.value)
        and (wanted.funding is None or (not withdrawn and _funding(held, item) is wanted.funding))
    )


def _summed(pairs: Iterable[tuple[tuple[str, str], int]]) -> list[Balance]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for key, minor in pairs:
        sums[key] += minor
    return [Balance(k, code, minor) for (k, code), minor in sorted(sums.items()) if minor]


def _kind(account: str) -> str:
    return next((k for k in ACCOUNT_KINDS if account.startswith(f"{k}:")), account)


def _record(entry: LedgerEntry) -> EntryRecord:
    tx = entry.transaction
    return EntryRecord(
        entry.seq, entry.recorded_at, tx.occurred_on, tx.kind.value, tx.memo, tx.contribution_id,
        tx.package_id, tx.reverses, entry.hash,
        tuple(PostingRecord(p.account, p.amount.currency, p.amount.minor) for p in tx.postings),
    )  # fmt: skip


class FakePageQueries:
    """The work pages' part of `FakeReader`, over its open snapshot (`tables`)."""

    tables: Tables  # the reader's open snapshot (`_Scope.tables`)

    def _held(self, cycle_id: CycleId, excluding: Collection[PackageId]) -> list[HeldLine]:
        tables = self.tables
        shown: dict[LineId, int] = defaultdict(int)
        hidden: dict[LineId, int] = defaultdict(int)
        for kept in tables.packages.values():
            package = kept.record
            if package.status is PackageStatus.CANCELLED:
                continue
            for part in package.lines:
                (hidden if package.id in excluding else shown)[part.line_id] += part.lots
        lines: list[RequirementLine] = [
            ln for ln in tables.lines.values() if ln.cycle_id == cycle_id
        ]
        lines.sort(key=lambda ln: (ln.status is LineStatus.WITHDRAWN, ln.rank, ln.id))
        return [HeldLine(ln, shown[ln.id], hidden[ln.id]) for ln in lines]

    def _matching(
        self, cycle_id: CycleId, matching: LineFilter, excluding: Collection[PackageId]
    ) -> list[HeldLine]:
        catalog = self.tables.catalog
        return [
            held
            for held in self._held(cycle_id, excluding)
            if _matches(held, catalog[held.line.item_code], matching)
        ]

    def count_lines(
        self, cycle_id: CycleId, *, matching: LineFilter, excluding: Collection[PackageId] = ()
    ) -> LineCounts:
        every = self._held(cycle_id, excluding)
        active = sum(1 for held in every if held.line.status is not LineStatus.WITHDRAWN)
        return LineCounts(len(self._matching(cycle_id, matching, excluding)), active)

    def held_lines(
        self,
        cycle_id: CycleId,
        *,
        matching: LineFilter,
        excluding: Collection[PackageId] = (),
        offset: int,
        limit: int,
    ) -> list[HeldLine]:
        return self._matching(cycle_id, matching, excluding)[offset : offset + limit]

    def _unconfirmed(self) -> list[ShipmentLine]:
        tables = self.tables
        waiting = sorted(
            (s for s in tables.shipments.values() if s.received_on is None),
            key=lambda s: (s.shipped_on, s.id),
        )
        return [
            ShipmentLine(s, tables.lines[s.line_id].ref,
                         tables.catalog[tables.lines[s.line_id].item_code].name)
            for s in waiting
        ]  # fmt: skip

    def unconfirmed_shipments(self, *, limit: int) -> list[ShipmentLine]:
        return self._unconfirmed()[:limit]

    def count_unconfirmed_shipments(self) -> int:
        return len(self._unconfirmed())

    def _given(self, contributor: ParticipantCode | None) -> list[Contribution]:
        table = self.tables.contributions
        return [
            table[key].record
            for key in sorted(table, reverse=True)
            if contributor in (None, table[key].record.contributor)
        ]

    def count_contributions(self, *, contributor: ParticipantCode | None = None) -> int:
        return len(self._given(contributor))

    def contribution_page(
        self, *, contributor: ParticipantCode | None = None, offset: int, limit: int
    ) -> list[Contribution]:
        return self._given(contributor)[offset : offset + limit]

    def _listed(self, cycle_id: CycleId | None, status: PackageStatus | None) -> list[Package]:
        table = self.tables.packages
        return [
            table[key].record
            for key in sorted(table)
            if cycle_id in (None, table[key].record.cycle_id)
            and status in (None, table[key].record.status)
        ]

    def count_packages(
        self, *, cycle_id: CycleId | None = None, status: PackageStatus | None = None
    ) -> int:
        return len(self._listed(cycle_id, status))

    def package_listings(
        self,
        *,
        cycle_id: CycleId | None = None,
        status: PackageStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[PackageListing]:
        found = self._listed(cycle_id, status)[offset:][:limit]
        return [
            PackageListing(p.id, p.cycle_id, p.name, p.status, p.target, p.created_on,
                           p.cost.minor, p.attributed.minor, len(p.lines))
            for p in found
        ]  # fmt: skip

    def hidden_payer_counts(
        self, viewer: Viewer, package_ids: Collection[PackageId]
    ) -> list[HiddenPayerCount]:
        contributions, packages = self.tables.contributions, self.tables.packages
        found: list[HiddenPayerCount] = []
        for package_id in sorted(set(package_ids) & set(packages)):
            by_line: dict[LineId, set[str]] = defaultdict(set)
            for part in packages[package_id].record.attributions:
                owner = contributions[part.contribution_id].record
                if not can_see_amount(viewer, owner):
                    by_line[part.line_id].add(owner.contributor)
            if by_line:
                everyone = set().union(*by_line.values())
                found.append(HiddenPayerCount(package_id, None, len(everyone)))
                found.extend(
                    HiddenPayerCount(package_id, line, len(who))
                    for line, who in sorted(by_line.items())
                )
        return found

    def _kept_package(self, package_id: PackageId) -> Package:
        kept = self.tables.packages.get(package_id)
        if kept is None:
            raise NotFound("package", package_id)
        return kept.record

    def package_outline(self, package_id: PackageId) -> PackageOutline:
        package = self._kept_package(package_id)
        return PackageOutline(replace(package, attributions=()), paid_by_line(package))

    def package_payments(
        self, viewer: Viewer, package_id: PackageId, *, own_only: bool, offset: int, limit: int
    ) -> PaymentFacts:
        package = self._kept_package(package_id)
        owners = {key: kept.record for key, kept in self.tables.contributions.items()}
        facts = payment_facts(viewer, package, owners, offset=offset, limit=limit)
        assert facts.own_only == own_only, "own_only is the package's restriction's"
        return facts

    def _shipped(
        self,
        package_id: PackageId | None,
        received: bool | None,
        excluding: Collection[PackageId],
    ) -> list[Shipment]:
        shipments = self.tables.shipments
        return [
            shipments[key]
            for key in sorted(shipments)
            if shipments[key].package_id not in excluding
            and package_id in (None, shipments[key].package_id)
            and received in (None, shipments[key].is_confirmed)
        ]

    def count_deliveries(
        self,
        *,
        package_id: PackageId | None = None,
        received: bool | None = None,
        excluding: Collection[PackageId] = (),
    ) -> int:
        return len(self._shipped(package_id, received, excluding))

    def deliveries(
        self,
        *,
        package_id: PackageId | None = None,
        received: bool | None = None,
        excluding: Collection[PackageId] = (),
        offset: int,
        limit: int,
    ) -> list[Shipment]:
        return self._shipped(package_id, received, excluding)[offset : offset + limit]

    def givers(self) -> list[ParticipantCode]:
        found: set[ParticipantCode] = set()
        for kept in self.tables.contributions.values():
            found.add(kept.record.contributor)
            found.update(part.member for part in kept.record.members)
        return sorted(found)

    def ledger_size(self) -> int:
        ledger = self.tables.ledger
        return ledger[-1].seq if ledger else 0

    def ledger_entries(self, *, upto: int, limit: int) -> list[EntryRecord]:
        newest = [e for e in reversed(self.tables.ledger) if e.seq <= upto]
        return [_record(e) for e in newest[:limit]]

    def _dated_postings(self, before: datetime | None) -> Iterable[tuple[str, str, int]]:
        for entry in self.tables.ledger:
            if before is None or entry.recorded_at < before:
                for p in entry.transaction.postings:
                    yield p.account, p.amount.currency, p.amount.minor

    def kind_balances(self, *, before: datetime | None = None) -> list[Balance]:
        return _summed(((_kind(a), code), minor) for a, code, minor in self._dated_postings(before))

    def _accounts(self, before: datetime | None) -> list[Balance]:
        return _summed(((a, code), minor) for a, code, minor in self._dated_postings(before))

    def count_accounts(self, *, before: datetime | None = None) -> int:
        return len(self._accounts(before))

    def account_balances(
        self, *, before: datetime | None = None, offset: int, limit: int
    ) -> list[Balance]:
        return self._accounts(before)[offset : offset + limit]

    def audit_size(self) -> int:
        log = self.tables.audit
        return log[-1].seq if log else 0

    def audit_entries(self, *, upto: int, limit: int) -> list[AuditEntry]:
        return [e for e in reversed(self.tables.audit) if e.seq <= upto][:limit]
