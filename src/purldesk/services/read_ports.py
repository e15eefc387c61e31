"""The read side's port: what pages and reports are built from. A `Reader` is a read-only
transaction that never takes the write lock; its queries are aggregates and joins, so a page
costs the same number of statements however long the history."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from purldesk.domain.access import Viewer
from purldesk.domain.audit import AuditEntry
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.burden import HiddenReceived, ReceivedBy
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.deliveries import Shipment
from purldesk.domain.forecast import Receipts
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.money import Money
from purldesk.domain.packages import Package, PackageId, PackageStatus, Restriction
from purldesk.domain.participants import Participant, ParticipantCode
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    LineStatus,
    RankChange,
    RequirementLine,
)
from purldesk.services.history_ports import HistoryQueries
from purldesk.services.memo import StateMark, ViewMemo
from purldesk.services.package_list_ports import PackageListQueries
from purldesk.services.ports import Transaction

# A paid line is the statement's; kept importable from here, where `paid_lines` gives them.
from purldesk.services.statement_ports import PaidLine as PaidLine
from purldesk.services.statement_ports import StatementQueries


@dataclass(frozen=True, slots=True)
class ContributionGroup:
    """Contributions counted together as one viewer may see them: by pledge currency and giver.

    A group the viewer may not see the amounts of has no currency, no giver and no sums: a
    hidden amount is only counted, never summed into anything the viewer sees.
    """

    count: int
    currency: str | None  # None: amounts hidden from the viewer
    contributor: ParticipantCode | None  # None: hidden amounts, or a giver anonymous to it
    pledged_minor: int | None
    received_usd_minor: int | None  # of the contributions already received


@dataclass(frozen=True, slots=True)
class PackageTotals:
    """A package with what its lines cost (USD) and the name of its cycle."""

    id: PackageId
    name: str
    status: PackageStatus
    cycle_name: str
    cost_minor: int
    target: Money


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    """A shipment with the reference of its line and the name of the item shipped."""

    shipment: Shipment
    line_ref: str
    item_name: str


@dataclass(frozen=True, slots=True)
class HiddenPayer:
    """A contributor whose money on one line of a package a viewer may not see the amount of."""

    package_id: PackageId
    line_id: LineId
    contributor: ParticipantCode


@dataclass(frozen=True, slots=True)
class MemberReceived:
    """What one member gave through one group, in USD, summed over the group's received
    contributions whose amount and giver the viewer may see."""

    group: ParticipantCode
    member: ParticipantCode
    received_usd_minor: int


class Funding(StrEnum):
    """How much of a line the packages a viewer sees hold: every lot, some, or none."""

    FULLY = "fully"
    PARTLY = "partly"
    UNFUNDED = "unfunded"


@dataclass(frozen=True, slots=True)
class LineFilter:
    """Which lines of a cycle a list asks for: each criterion that is set must hold.

    `text` is looked for, case-insensitively, in the line's ref, its item's name and its
    justification; `status` is the status the viewer is shown (see `HeldLine`); `funding`
    counts the lots of the packages the viewer sees, on lines that are not withdrawn.
    """

    text: str = ""
    area: str | None = None
    aid_class: AidClass | None = None
    status: LineStatus | None = None
    funding: Funding | None = None


# The statuses a line takes from the lots packages hold of it: to a viewer not shown some of
# those packages, such a line has the status the others' lots alone would give it.
HELD_STATUSES = frozenset(
    {LineStatus.OPEN, LineStatus.PARTLY_FUNDED, LineStatus.FUNDED, LineStatus.DELIVERED}
)


@dataclass(frozen=True, slots=True)
class HeldLine:
    """A line with the lots packages (not cancelled) hold of it: those whose contents the
    viewer sees, and the others, which it is shown as if they did not hold."""

    line: RequirementLine
    lots_shown: int
    lots_hidden: int


@dataclass(frozen=True, slots=True)
class LineCounts:
    matching: int  # lines of the cycle the filter keeps
    active: int  # lines of the cycle not withdrawn: their ranks run from 1 to this


@dataclass(frozen=True, slots=True)
class PostingRecord:
    """One posting as stored: amounts as they are, so a page shows a row altered in SQL."""

    account: str
    currency: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """A ledger entry as stored, with its postings in order."""

    seq: int
    recorded_at: datetime
    occurred_on: date
    kind: str
    memo: str
    contribution_id: int | None
    package_id: int | None
    reverses: int | None
    hash: str
    postings: tuple[PostingRecord, ...]


@dataclass(frozen=True, slots=True)
class Balance:
    """What was posted to an account (or to every account of one kind), in one currency."""

    account: str
    currency: str
    balance_minor: int


class ReadQueries(Protocol):
    """Queries for pages and reports: aggregates and joins, a bounded number per page."""

    def participants(self) -> list[Participant]: ...
    def items(self) -> dict[ItemCode, CatalogItem]: ...
    def cycles(self) -> list[Cycle]:
        """Every cycle, oldest first (opening day, then id)."""
        ...

    def cycle(self, cycle_id: CycleId) -> Cycle:
        """The cycle; NotFound if there is none."""
        ...

    def latest_cycle(
        self, *, status: CycleStatus | None = None, opened_by: date | None = None
    ) -> Cycle | None:
        """The cycle that opens last (opening day, then id), of those in `status` and opened by
        `opened_by` if given."""
        ...

    def find_cycle(self, name: str) -> Cycle | None: ...
    def lines(self, cycle_id: CycleId) -> list[RequirementLine]:
        """The cycle's lines in priority order (rank, id)."""
        ...

    def lines_by_id(self, line_ids: Collection[LineId]) -> dict[LineId, RequirementLine]: ...
    def line_refs(self, line_ids: Collection[LineId]) -> dict[LineId, str]:
        """The reference of each of the lines found, by id: their references only."""
        ...

    def find_line(self, cycle_id: CycleId, ref: str) -> RequirementLine | None: ...
    def rank_history(self, line_id: LineId) -> list[RankChange]: ...
    def change_history(self, line_id: LineId) -> list[LineChange]: ...
    def funded_lots(
        self, cycle_id: CycleId, *, excluding: Collection[PackageId] = ()
    ) -> dict[LineId, int]:
        """Lots of each line of the cycle held by packages that are not cancelled, leaving out
        the packages `excluding` names."""
        ...

    def restrictions(
        self, *, packages: Collection[PackageId] | None = None
    ) -> dict[PackageId, Restriction]:
        """The restriction of every package whose contents are restricted (of `packages`
        only, unless None)."""
        ...

    def contribution_groups(
        self,
        viewer: Viewer,
        *,
        statuses: Collection[ContributionStatus],
        contributor: ParticipantCode | None = None,
    ) -> list[ContributionGroup]:
        """Contributions in `statuses`, counted and summed as `viewer` may see them; with
        `contributor`, only those `viewer` knows it gave (a giver anonymous to it gave none)."""
        ...

    def contributions(
        self,
        *,
        ids: Collection[ContributionId] | None = None,
        contributor: ParticipantCode | None = None,
    ) -> list[Contribution]:
        """Contributions by id: those given, or the contributor's, or all."""
        ...

    def member_contributions(self, member: ParticipantCode) -> list[Contribution]:
        """Contributions by id that list a part of `member` (groups' contributions)."""
        ...

    def package(self, package_id: PackageId) -> Package:
        """The package with its lines and attributions; NotFound if there is none."""
        ...

    def package_totals(self, *, with_cancelled: bool) -> list[PackageTotals]:
        """Packages by id with their cost."""
        ...

    def shipments(self, *, package_id: PackageId) -> list[Shipment]:
        """The package's shipments by id."""
        ...

    def latest_shipments(
        self, limit: int, *, excluding: Collection[PackageId] = ()
    ) -> list[ShipmentLine]:
        """The `limit` shipments last sent or received, the latest first (by the day of their
        last step, then newest id), leaving out those of the packages `excluding` names."""
        ...

    def paid_lines(self, contributor: ParticipantCode) -> list[PaidLine]:
        """Where the contributor's money is: package by package, in attribution order."""
        ...

    def bases(
        self, package_ids: Collection[PackageId], *, with_funds: bool = True
    ) -> list[AllocationBasis]:
        """The allocation bases of these packages, by package (one committed before bases were
        recorded has none); without `with_funds`, each with no funds (`basis.parse`)."""
        ...

    def member_paid_lines(self, member: ParticipantCode) -> list[PaidLine]:
        """`paid_lines` of the contributions that list a part of `member`."""
        ...

    def member_received(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[MemberReceived]:
        """Members' parts of received contributions in `statuses` whose amount and giver
        `viewer` may see, summed by group and member (in that order)."""
        ...

    def hidden_payers(
        self, viewer: Viewer, *, packages: Collection[PackageId] | None = None
    ) -> list[HiddenPayer]:
        """Who pays money `viewer` may not see the amount of, on each line of each package
        (cancelled ones too; of `packages` only, unless None): each payer once per line, by
        package, line and contributor."""
        ...

    def received_by_giver(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[ReceivedBy]:
        """Received contributions in `statuses` by giver, as `viewer` may see them: the USD of
        those whose amounts it may see, and how many it may not; every giver anonymous to it
        in one row (None, first), then by giver."""
        ...

    def hidden_received(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> HiddenReceived:
        """Received contributions in `statuses` whose amounts `viewer` may not see: their USD
        summed, their distinct givers and their number (for the disclosure rule only)."""
        ...

    def receipts(self, *, since: date | None = None) -> list[Receipts]:
        """Money received (USD, every contribution not refunded) by day of receipt, oldest
        first, on or after `since` if given; days without receipts are left out
        (`forecast.by_month` sums them into months)."""
        ...

    def received_before(self, day: date) -> bool:
        """Whether money counted by `receipts` came in before `day`."""
        ...

    def gdp_figures(self) -> list[GdpFigure]:
        """The GDP figures imported, by nation, then year."""
        ...

    def balance_of_kind(self, kind: str, *, currency: str) -> int:
        """The sum of the balances of every ledger account of one kind (such as disbursed)."""
        ...

    def balance_of(self, accounts: Collection[str], *, currency: str) -> int:
        """The sum of the balances of these ledger accounts."""
        ...

    # -- work pages: each is one statement, whatever the history ------------------------------

    def count_lines(
        self, cycle_id: CycleId, *, matching: LineFilter, excluding: Collection[PackageId] = ()
    ) -> LineCounts:
        """How many lines of the cycle `matching` keeps, where the packages `excluding` names
        hold lots the viewer is not shown; and how many lines are not withdrawn."""
        ...

    def held_lines(
        self,
        cycle_id: CycleId,
        *,
        matching: LineFilter,
        excluding: Collection[PackageId] = (),
        offset: int,
        limit: int,
    ) -> list[HeldLine]:
        """One page of the lines `matching` keeps: by rank, withdrawn lines last (by id)."""
        ...

    def unconfirmed_shipments(self, *, limit: int) -> list[ShipmentLine]:
        """Shipments whose receipt is not confirmed yet, the earliest shipped first."""
        ...

    def count_unconfirmed_shipments(self) -> int: ...
    def count_contributions(self, *, contributor: ParticipantCode | None = None) -> int:
        """How many contributions there are (the contributor's, or all)."""
        ...

    def contribution_page(
        self, *, contributor: ParticipantCode | None = None, offset: int, limit: int
    ) -> list[Contribution]:
        """One page of the contributions (the contributor's, or all), the newest first (by
        id), each with its members' parts."""
        ...

    def count_deliveries(
        self,
        *,
        package_id: PackageId | None = None,
        received: bool | None = None,
        excluding: Collection[PackageId] = (),
    ) -> int:
        """How many shipments `deliveries` pages through."""
        ...

    def deliveries(
        self,
        *,
        package_id: PackageId | None = None,
        received: bool | None = None,
        excluding: Collection[PackageId] = (),
        offset: int,
        limit: int,
    ) -> list[Shipment]:
        """One page of the shipments by id: of one package or of all, confirmed (`received`)
        or not, or both (None), leaving out those of the packages `excluding` names."""
        ...

    def givers(self) -> list[ParticipantCode]:
        """Who has a statement: the contributors of any contribution and the members named in
        a group's, by code."""
        ...

    def ledger_size(self) -> int:
        """The sequence number of the ledger's last entry (0: empty); entries run from 1."""
        ...

    def ledger_entries(self, *, upto: int, limit: int) -> list[EntryRecord]:
        """Up to `limit` entries numbered `upto` or lower, the newest first."""
        ...

    def kind_balances(self, *, before: datetime | None = None) -> list[Balance]:
        """The balance of every kind of account (`pool`, `disbursed`, …) and currency, summed
        over the entries recorded before `before` (None: all), as `balances_recorded_before`
        sums them, leaving out zeros; by kind and currency."""
        ...

    def count_accounts(self, *, before: datetime | None = None) -> int:
        """How many (account, currency) balances `account_balances` pages through."""
        ...

    def account_balances(
        self, *, before: datetime | None = None, offset: int, limit: int
    ) -> list[Balance]:
        """One page of the accounts' balances as `kind_balances` sums them, by account and
        currency."""
        ...

    def audit_size(self) -> int:
        """The sequence number of the audit log's last entry (0: empty)."""
        ...

    def audit_entries(self, *, upto: int, limit: int) -> list[AuditEntry]:
        """Up to `limit` audit entries numbered `upto` or lower, the newest first."""
        ...


class Reader(
    ReadQueries, HistoryQueries, StatementQueries, PackageListQueries, Transaction, Protocol
):
    """A read-only transaction: `with reader: ...`; it never takes the write lock, and every
    query in it sees the database as of one moment."""

    @property
    def min_hidden_contributors(self) -> int:
        """k of docs/SECURITY.md, the same for every page and report read through this reader:
        hidden money is published only summed over at least this many contributors."""
        ...

    @property
    def memo(self) -> ViewMemo:
        """Views the same for everyone, kept while `state_mark` stays (one per process)."""
        ...

    def state_mark(self) -> StateMark:
        """The heads of the ledger and of the audit log: every command moves the audit log's,
        so a view read under a mark holds while the mark does."""
        ...
