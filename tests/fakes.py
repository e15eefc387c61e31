"""The storage ports in memory, with the SQL adapter's observable semantics, for fast tests.

`FakeDatabase` is the shared, committed state; each `FakeUnitOfWork` on it is one transaction:
`with uow:` takes the database's one write lock (as SQLite's BEGIN IMMEDIATE does) and works on
a copy of the committed tables, `commit()` publishes the copy, and leaving the block without a
commit throws it away. Records are frozen dataclasses, so a shallow copy of each table is a
snapshot. What the database would refuse is refused here too: taken keys as `AlreadyExists`,
missing rows as `NotFound`, stale or unloaded saves of versioned aggregates as `Conflict`, and
broken foreign keys or unique columns the adapter does not translate as `IntegrityError`.
`tests/contract/` runs one suite against this fake and both databases to keep them alike.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Generic, Self, TypeVar

from fake_pages import FakePageQueries
from purldesk.domain import audit, basis, contribution_totals, kept_substitutions, ledger, merkle
from purldesk.domain.access import ApiToken, User, UserId, Viewer
from purldesk.domain.audit import AuditEntry, AuditEvent, StoredResponse
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.checkpoints import Checkpoint, Tree, TreeHead, checkpoint_ref, leaf
from purldesk.domain.confidentiality import can_see_amount, redact
from purldesk.domain.contribution_totals import ContributionTotals
from purldesk.domain.contributions import (
    Contribution,
    ContributionId,
    ContributionStatus,
    SpendingTerms,
    contribution_ref,
)
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.disclosure import DEFAULT_MIN_HIDDEN_CONTRIBUTORS
from purldesk.domain.errors import AlreadyExists, Conflict, NotFound, TreeOutOfStep
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.kept_substitutions import HeldEffects, KeptEffect
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD
from purldesk.domain.package_history import PackageRelease
from purldesk.domain.packages import Package, PackageId, PackageStatus, Restriction, package_ref
from purldesk.domain.participants import Participant, ParticipantCode
from purldesk.domain.policies import Policy, PolicyVersion
from purldesk.domain.policy_documents import parse_policy
from purldesk.domain.rates import FxRate, RateRevised
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    RankChange,
    RequirementLine,
)
from purldesk.domain.sessions import WebSession
from purldesk.domain.substitution import Substitution
from purldesk.services.history_ports import Disbursement
from purldesk.services.read_ports import (
    ContributionGroup,
    HiddenPayer,
    MemberReceived,
    PackageTotals,
    PaidLine,
    ShipmentLine,
)
from share_fakes import FakeShareQueries

if TYPE_CHECKING:
    from purldesk.services.ports import LatestRate, UnitOfWork
from purldesk.services.memo import StateMark, ViewMemo
from purldesk.services.read_ports import Reader
from purldesk.services.statement_ports import StatementTotals, SubstitutionRun

K = TypeVar("K")
R = TypeVar("R")

# How long a unit of work waits for another's lock, as the SQLite engine's busy timeout does.
LOCK_TIMEOUT_SECONDS = 30.0


class IntegrityError(Exception):
    """What the database raises for a broken foreign key or unique column that the adapter
    passes on untranslated (sqlalchemy.exc.IntegrityError there)."""


def _utc(instant: datetime) -> datetime:
    """An instant as a timestamp column gives it back: in UTC; naive ones are refused."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: store timezone-aware instants only")
    return instant.astimezone(UTC)


def _utc_or_none(instant: datetime | None) -> datetime | None:
    return None if instant is None else _utc(instant)


def _require(present: bool, what: str) -> None:
    if not present:
        raise IntegrityError(f"foreign key violated: {what} does not exist")


@dataclass(frozen=True, slots=True)
class Versioned(Generic[R]):
    """A stored aggregate and its version column."""

    record: R
    version: int


@dataclass(slots=True)
class Tables:
    """Every table, keyed as in the SQL schema; append-only ones are lists in id order."""

    sequences: dict[str, int] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)
    catalog: dict[str, CatalogItem] = field(default_factory=dict)
    cycles: dict[int, Cycle] = field(default_factory=dict)
    lines: dict[int, RequirementLine] = field(default_factory=dict)
    rank_changes: list[RankChange] = field(default_factory=list)
    line_changes: list[LineChange] = field(default_factory=list)
    contributions: dict[int, Versioned[Contribution]] = field(default_factory=dict)
    packages: dict[int, Versioned[Package]] = field(default_factory=dict)
    shipments: dict[int, Shipment] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    # The running balances the SQL adapter keeps beside the postings, at zero too.
    balances: dict[tuple[str, str], int] = field(default_factory=dict)
    # Their totals by kind and currency, with how many of those accounts are not at zero.
    kind_balances: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    tokens: dict[str, ApiToken] = field(default_factory=dict)
    auth_failures: dict[tuple[str, int], int] = field(default_factory=dict)
    idempotency: dict[tuple[int, str], tuple[StoredResponse, datetime]] = field(
        default_factory=dict
    )
    audit: list[AuditEntry] = field(default_factory=list)
    passwords: dict[int, tuple[str, datetime]] = field(default_factory=dict)
    web_sessions: dict[str, WebSession] = field(default_factory=dict)
    policies: dict[int, PolicyVersion] = field(default_factory=dict)
    observations: dict[int, Observation] = field(default_factory=dict)
    fx_rates: dict[tuple[str, date], FxRate] = field(default_factory=dict)
    bases: dict[int, str] = field(default_factory=dict)  # package id -> document
    trees: dict[Tree, merkle.Frontier] = field(default_factory=dict)
    tree_nodes: dict[tuple[Tree, merkle.Node], bytes] = field(default_factory=dict)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    gdp: dict[tuple[str, int], GdpFigure] = field(default_factory=dict)
    releases: list[PackageRelease] = field(default_factory=list)  # in the order kept

    def copy(self) -> Tables:
        """A snapshot: new containers around the same (immutable) records."""
        return Tables(**{f.name: copy.copy(getattr(self, f.name)) for f in fields(self)})


class FakeDatabase:
    """The committed state several units of work share, as several sessions share one database.

    One unit of work at a time holds it, like SQLite's BEGIN IMMEDIATE; a thread opening a
    second one inside its first would wait for itself, so that is refused at once.
    """

    def __init__(self) -> None:
        self._committed = Tables()
        self._lock = threading.Lock()
        self._holder: int | None = None

    def begin(self) -> Tables:
        if self._holder == threading.get_ident():
            raise RuntimeError(
                "this thread already has a unit of work open on this database; the SQLite "
                "adapter would wait for itself here"
            )
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
            raise RuntimeError("database is locked")
        self._holder = threading.get_ident()
        return self._committed.copy()

    def publish(self, tables: Tables) -> Tables:
        """Make `tables` the committed state; returns a copy to go on working with."""
        self._committed = tables
        return tables.copy()

    def snapshot(self) -> Tables:
        """The committed state, for the open transaction's rollback."""
        return self._committed.copy()

    def end(self) -> None:
        self._holder = None
        self._lock.release()

    def clear(self) -> None:
        """Empty every table (between examples of a hypothesis run)."""
        with self._lock:
            self._committed = Tables()


class _Transaction:
    """The open transaction's working tables; repositories read them through it."""

    def __init__(self, tables: Tables) -> None:
        self._tables: Tables | None = tables

    @property
    def tables(self) -> Tables:
        if self._tables is None:
            raise RuntimeError("the unit of work is not open; use it in a `with` block")
        return self._tables

    def swap(self, tables: Tables | None) -> None:
        self._tables = tables


def _add_unique(
    entity: str, keys: Sequence[tuple[bool, object]], foreign: Iterable[tuple[bool, str]] = ()
) -> None:
    """Refuse an insert as the adapter does: a taken key (taken, key) first, then foreign keys."""
    for taken, key in keys:
        if taken:
            raise AlreadyExists(entity, key)
    for present, what in foreign:
        _require(present, what)


# -- participants, catalog, cycles, requirement lines ------------------------------------------


class FakeParticipantRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, code: str) -> Participant:
        found = self.find(code)
        if found is None:
            raise NotFound("participant", code)
        return found

    def find(self, code: str) -> Participant | None:
        return self._tx.tables.participants.get(code)

    def add(self, participant: Participant) -> None:
        table = self._tx.tables.participants
        _add_unique("participant", [(participant.code in table, participant.code)])
        table[participant.code] = participant

    def save(self, participant: Participant) -> None:
        table = self._tx.tables.participants
        if participant.code not in table:
            raise NotFound("participant", participant.code)
        table[participant.code] = participant

    def list(self) -> list[Participant]:
        table = self._tx.tables.participants
        return [table[code] for code in sorted(table)]


class FakeCatalogRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, code: str) -> CatalogItem:
        found = self.find(code)
        if found is None:
            raise NotFound("catalog item", code)
        return found

    def find(self, code: str) -> CatalogItem | None:
        return self._tx.tables.catalog.get(code)

    def add(self, item: CatalogItem) -> None:
        table = self._tx.tables.catalog
        _add_unique("catalog item", [(item.code in table, item.code)])
        table[item.code] = item

    def save(self, item: CatalogItem) -> None:
        table = self._tx.tables.catalog
        if item.code not in table:
            raise NotFound("catalog item", item.code)
        table[item.code] = item

    def list(self) -> list[CatalogItem]:
        table = self._tx.tables.catalog
        return [table[code] for code in sorted(table)]

    def many(self, codes: Iterable[str]) -> dict[str, CatalogItem]:
        table = self._tx.tables.catalog
        return {code: table[code] for code in codes if code in table}


class FakeCycleRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, cycle_id: CycleId) -> Cycle:
        found = self._tx.tables.cycles.get(cycle_id)
        if found is None:
            raise NotFound("cycle", cycle_id)
        return found

    def find_by_name(self, name: str) -> Cycle | None:
        return next((c for c in self._tx.tables.cycles.values() if c.name == name), None)

    def add(self, cycle: Cycle) -> None:
        table = self._tx.tables.cycles
        taken_name = any(c.name == cycle.name for c in table.values())
        _add_unique("cycle", [(cycle.id in table, cycle.id), (taken_name, cycle.name)])
        table[cycle.id] = cycle

    def save(self, cycle: Cycle) -> None:
        table = self._tx.tables.cycles
        if cycle.id not in table:
            raise NotFound("cycle", cycle.id)
        if any(c.name == cycle.name and c.id != cycle.id for c in table.values()):
            raise IntegrityError(f"unique constraint violated: cycle name {cycle.name}")
        table[cycle.id] = cycle

    def list(self) -> list[Cycle]:
        return sorted(self._tx.tables.cycles.values(), key=lambda c: (c.opens_on, c.id))


class FakeRequirementRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, line_id: LineId) -> RequirementLine:
        found = self._tx.tables.lines.get(line_id)
        if found is None:
            raise NotFound("requirement line", line_id)
        return found

    def find_by_ref(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        lines = self._tx.tables.lines.values()
        return next((ln for ln in lines if ln.cycle_id == cycle_id and ln.ref == ref), None)

    def _foreign(self, line: RequirementLine) -> list[tuple[bool, str]]:
        tables = self._tx.tables
        return [
            (line.cycle_id in tables.cycles, f"cycle {line.cycle_id}"),
            (line.item_code in tables.catalog, f"catalog item {line.item_code}"),
            (line.carried_from in (None, *tables.lines), f"requirement line {line.carried_from}"),
        ]

    def add(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        tables = self._tx.tables
        same_ref = self.find_by_ref(line.cycle_id, line.ref) is not None
        _add_unique(
            "requirement line",
            [
                (line.id in tables.lines, line.id),
                (same_ref, f"{line.ref} in cycle {line.cycle_id}"),
            ],
            self._foreign(line),
        )
        change = RankChange(line.id, line.rank, _utc(at), by)
        tables.lines[line.id] = line
        tables.rank_changes.append(change)

    def add_many(self, lines: Sequence[RequirementLine], *, at: datetime, by: str) -> None:
        for line in lines:
            self.add(line, at=at, by=by)

    def save(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        tables = self._tx.tables
        previous = tables.lines.get(line.id)
        if previous is None:
            raise NotFound("requirement line", line.id)
        for present, what in self._foreign(line):
            _require(present, what)
        twin = self.find_by_ref(line.cycle_id, line.ref)
        if twin is not None and twin.id != line.id:
            raise IntegrityError(f"unique constraint violated: {line.ref} in cycle {line.cycle_id}")
        change = (
            None if previous.rank == line.rank else RankChange(line.id, line.rank, _utc(at), by)
        )
        tables.lines[line.id] = line
        if change is not None:
            tables.rank_changes.append(change)

    def rank_history(self, line_id: LineId) -> list[RankChange]:
        # sorted() is stable: changes of one instant stay in the order they were stored (by id).
        found = [c for c in self._tx.tables.rank_changes if c.line_id == line_id]
        return sorted(found, key=lambda c: c.at)

    def append_changes(self, changes: Sequence[LineChange]) -> None:
        tables = self._tx.tables
        for change in changes:
            _require(change.line_id in tables.lines, f"requirement line {change.line_id}")
        tables.line_changes.extend(replace(c, at=_utc(c.at)) for c in changes)

    def change_history(self, line_id: LineId) -> list[LineChange]:
        found = [c for c in self._tx.tables.line_changes if c.line_id == line_id]
        return sorted(found, key=lambda c: c.at)

    def rank_histories(self) -> list[RankChange]:
        return sorted(self._tx.tables.rank_changes, key=lambda c: (c.line_id, c.at))

    def change_histories(self) -> list[LineChange]:
        return sorted(self._tx.tables.line_changes, key=lambda c: (c.line_id, c.at))

    def list(self, cycle_id: CycleId) -> list[RequirementLine]:
        found = [ln for ln in self._tx.tables.lines.values() if ln.cycle_id == cycle_id]
        return sorted(found, key=lambda ln: (ln.rank, ln.id))

    def successor(self, line_id: LineId) -> RequirementLine | None:
        lines = self._tx.tables.lines.values()
        return next((ln for ln in lines if ln.carried_from == line_id), None)

    def carried(self, line_ids: Collection[LineId]) -> set[LineId]:
        found = {ln.carried_from for ln in self._tx.tables.lines.values()}
        return {line_id for line_id in line_ids if line_id in found}


# -- versioned aggregates: contributions and packages ------------------------------------------


class _Versions:
    """The version of each aggregate as first loaded in this unit of work (as in the adapter)."""

    def __init__(self, entity: str) -> None:
        self.entity = entity
        self._seen: dict[int, int] = {}

    def saw(self, key: int, version: int) -> None:
        self._seen.setdefault(key, version)

    def expected(self, key: int) -> int:
        try:
            return self._seen[key]
        except KeyError:
            raise Conflict(
                f"{self.entity} {key} was not loaded in this unit of work; "
                "load it before saving, so concurrent changes can be detected"
            ) from None

    def bumped(self, key: int, version: int) -> None:
        self._seen[key] = version


def _save_versioned(
    table: dict[int, Versioned[R]],
    versions: _Versions,
    key: int,
    record: R,
    check: Callable[[], None] = lambda: None,
) -> None:
    """Store `record` over the version this unit of work loaded, or refuse as the adapter does."""
    loaded = versions.expected(key)
    stored = table.get(key)
    if stored is None:
        raise NotFound(versions.entity, key)
    if stored.version != loaded:
        raise Conflict(
            f"{versions.entity} {key} was changed by someone else since it was loaded "
            f"(version {loaded}); reload it and try again"
        )
    check()
    table[key] = Versioned(record, loaded + 1)
    versions.bumped(key, loaded + 1)


def _storable(contribution: Contribution) -> Contribution:
    """The contribution as its row keeps it; the adapter refuses what the row cannot hold."""
    conversion = contribution.conversion
    if conversion is not None and (
        conversion.original != contribution.amount or conversion.converted.currency != USD
    ):
        raise ValueError(
            f"contribution {contribution.id}: a stored conversion must be of the pledged "
            f"{contribution.amount} into USD, not {conversion.original} into "
            f"{conversion.converted.currency}"
        )
    return contribution


class FakeContributionRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx
        self._versions = _Versions("contribution")

    def _seen(self, stored: Versioned[Contribution]) -> Contribution:
        self._versions.saw(stored.record.id, stored.version)
        return stored.record

    def get(self, contribution_id: ContributionId) -> Contribution:
        stored = self._tx.tables.contributions.get(contribution_id)
        if stored is None:
            raise NotFound("contribution", contribution_id)
        return self._seen(stored)

    def _foreign(self, contribution: Contribution) -> tuple[bool, str]:
        present = contribution.contributor in self._tx.tables.participants
        return present, f"participant {contribution.contributor}"

    def add(self, contribution: Contribution) -> None:
        table = self._tx.tables.contributions
        stored = _storable(contribution)
        key = contribution.id
        taken: list[tuple[bool, object]] = [(key in table, key)]
        if (digest := contribution.import_digest) is not None:
            taken.append((digest in self._imported(), digest))
        _add_unique("contribution", taken, [self._foreign(contribution)])
        table[key] = Versioned(stored, 1)
        self._versions.saw(key, 1)

    def save(self, contribution: Contribution) -> None:
        # The members' parts are written once, by `add`; a save leaves them as pledged.
        earlier = self._tx.tables.contributions.get(contribution.id)
        members = contribution.members if earlier is None else earlier.record.members
        stored = _storable(replace(contribution, members=members))
        _save_versioned(
            self._tx.tables.contributions,
            self._versions,
            contribution.id,
            stored,
            lambda: _require(*self._foreign(contribution)),
        )

    def list(
        self,
        *,
        contributor: ParticipantCode | None = None,
        statuses: Sequence[ContributionStatus] | None = None,
        ids: Collection[ContributionId] | None = None,
    ) -> list[Contribution]:
        table = self._tx.tables.contributions
        found = []
        for key in sorted(table):
            if ids is not None and key not in ids:
                continue
            record = table[key].record
            if contributor is not None and record.contributor != contributor:
                continue
            if statuses is not None and record.status not in statuses:
                continue
            found.append(self._seen(table[key]))
        return found

    def terms(
        self, ids: Collection[ContributionId], /, *, statuses: Sequence[ContributionStatus]
    ) -> Sequence[SpendingTerms]:
        table = self._tx.tables.contributions
        found = [table[key].record for key in sorted(set(ids)) if key in table]
        return [
            SpendingTerms(c.id, c.contributor, c.earmark, c.received_on)
            for c in found
            if c.status in statuses
        ]

    def ids(self, *, statuses: Sequence[ContributionStatus]) -> Sequence[ContributionId]:
        table = self._tx.tables.contributions
        return [key for key in sorted(table) if table[key].record.status in statuses]

    def last_id(self) -> int:
        return max(self._tx.tables.contributions, default=0)

    def contributors(self, ids: Collection[ContributionId], /) -> dict[ContributionId, str]:
        table = self._tx.tables.contributions
        return {key: table[key].record.contributor for key in ids if key in table}

    def page(
        self,
        *,
        status: ContributionStatus | None = None,
        confidential: bool | None = None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Contribution], int]:
        found = [
            c for c in self.list()
            if status in (None, c.status) and confidential in (None, c.confidential)
        ]  # fmt: skip
        return found[offset : offset + limit], len(found)

    def _imported(self) -> dict[str, ContributionId]:
        records = (stored.record for stored in self._tx.tables.contributions.values())
        return {c.import_digest: c.id for c in records if c.import_digest is not None}

    def find_imported(self, digests: Collection[str]) -> dict[str, ContributionId]:
        imported = self._imported()
        return {digest: imported[digest] for digest in digests if digest in imported}

    def kept_totals(self) -> ContributionTotals:
        """Summed when asked: the fake's totals are never out of step with its contributions."""
        records = (stored.record for stored in self._tx.tables.contributions.values())
        return contribution_totals.totals(records)

    def rebuild_totals(self) -> int:
        return len(self.kept_totals())


class FakePackageRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx
        self._versions = _Versions("package")

    def _seen(self, stored: Versioned[Package]) -> Package:
        self._versions.saw(stored.record.id, stored.version)
        return stored.record

    def get(self, package_id: PackageId) -> Package:
        stored = self._tx.tables.packages.get(package_id)
        if stored is None:
            raise NotFound("package", package_id)
        return self._seen(stored)

    def _foreign(self, package: Package) -> list[tuple[bool, str]]:
        tables = self._tx.tables
        found = [(package.cycle_id in tables.cycles, f"cycle {package.cycle_id}")]
        for ln in package.lines:
            found.append((ln.line_id in tables.lines, f"requirement line {ln.line_id}"))
            found.append((ln.item_code in tables.catalog, f"catalog item {ln.item_code}"))
        for part in package.attributions:
            present = part.contribution_id in tables.contributions
            found.append((present, f"contribution {part.contribution_id}"))
            found.append((part.line_id in tables.lines, f"requirement line {part.line_id}"))
        return found

    def add(self, package: Package) -> None:
        table = self._tx.tables.packages
        _add_unique("package", [(package.id in table, package.id)], self._foreign(package))
        table[package.id] = Versioned(package, 1)
        self._versions.saw(package.id, 1)

    def save(self, package: Package) -> None:
        def check() -> None:
            for present, what in self._foreign(package):
                _require(present, what)

        _save_versioned(self._tx.tables.packages, self._versions, package.id, package, check)

    def list(self, *, cycle_id: CycleId | None = None) -> list[Package]:
        table = self._tx.tables.packages
        return [
            self._seen(table[key])
            for key in sorted(table)
            if cycle_id is None or table[key].record.cycle_id == cycle_id
        ]

    def held_lots(self, cycle_id: CycleId, /) -> dict[tuple[LineId, ItemCode], int]:
        held: dict[tuple[LineId, ItemCode], int] = defaultdict(int)
        for stored in self._tx.tables.packages.values():
            package = stored.record
            if package.cycle_id == cycle_id and package.status is not PackageStatus.CANCELLED:
                for line in package.lines:
                    held[line.line_id, line.item_code] += line.lots
        return dict(held)


class FakeShipmentRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, shipment_id: ShipmentId) -> Shipment:
        found = self._tx.tables.shipments.get(shipment_id)
        if found is None:
            raise NotFound("shipment", shipment_id)
        return found

    def _foreign(self, shipment: Shipment) -> list[tuple[bool, str]]:
        tables = self._tx.tables
        return [
            (shipment.package_id in tables.packages, f"package {shipment.package_id}"),
            (shipment.line_id in tables.lines, f"requirement line {shipment.line_id}"),
        ]

    def add(self, shipment: Shipment) -> None:
        table = self._tx.tables.shipments
        _add_unique("shipment", [(shipment.id in table, shipment.id)], self._foreign(shipment))
        table[shipment.id] = shipment

    def save(self, shipment: Shipment) -> None:
        table = self._tx.tables.shipments
        if shipment.id not in table:
            raise NotFound("shipment", shipment.id)
        for present, what in self._foreign(shipment):
            _require(present, what)
        table[shipment.id] = shipment

    def list(self, *, package_id: PackageId | None = None) -> list[Shipment]:
        table = self._tx.tables.shipments
        return [
            table[key]
            for key in sorted(table)
            if package_id is None or table[key].package_id == package_id
        ]


# -- the ledger --------------------------------------------------------------------------------


class FakeLedger:
    """The hash-chained ledger, sealed by the domain; balances are kept as each append moves
    them, and read from there, as the SQL adapter does."""

    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def head(self) -> LedgerEntry | None:
        entries = self._tx.tables.ledger
        return entries[-1] if entries else None

    def head_seq(self) -> int:
        entries = self._tx.tables.ledger
        return entries[-1].seq if entries else 0

    def append(
        self, transactions: Sequence[LedgerTransaction], *, recorded_at: datetime
    ) -> list[LedgerEntry]:
        if not transactions:
            return []
        if recorded_at.tzinfo is None or recorded_at.utcoffset() is None:
            raise ValueError("recorded_at must be timezone-aware")
        head = self.head()
        entries = ledger.chain(head, transactions, recorded_at=recorded_at.astimezone(UTC))
        after = 0 if head is None else head.seq
        _grow(self._tx.tables, Tree.LEDGER, [leaf(e.hash) for e in entries], after=after)
        self._tx.tables.ledger.extend(entries)
        self._keep(entries)
        return entries

    def _keep(self, entries: Iterable[LedgerEntry]) -> None:
        """Move the kept balances and kind totals by `entries`' postings, as the SQL does."""
        kept, kinds = self._tx.tables.balances, self._tx.tables.kind_balances
        for entry in entries:
            for posting in entry.transaction.postings:
                code, minor = posting.amount.currency, posting.amount.minor
                was = kept.get((posting.account, code), 0)
                kept[posting.account, code] = was + minor
                kind = (ledger.reported_kind(posting.account), code)
                total, accounts = kinds.get(kind, (0, 0))
                kinds[kind] = (total + minor, accounts + (was + minor != 0) - (was != 0))

    def rebuild_balances(self) -> int:
        self._tx.tables.balances.clear()
        self._tx.tables.kind_balances.clear()
        self._keep(self._tx.tables.ledger)
        return len(self._tx.tables.balances)

    def lock(self) -> None:
        """Nothing to do: the open unit of work holds the database's only lock already."""

    def entries(self) -> list[LedgerEntry]:
        return list(self._tx.tables.ledger)

    def entries_of(self, contribution_id: int) -> list[LedgerEntry]:
        return [
            e for e in self._tx.tables.ledger if e.transaction.contribution_id == contribution_id
        ]

    def entries_page(
        self,
        *,
        contribution_ids: Collection[int] | None = None,
        package_id: int | None = None,
        kind: TransactionKind | None = None,
        offset: int,
        limit: int,
    ) -> tuple[list[LedgerEntry], int]:
        found = [
            e for e in self._tx.tables.ledger
            if (contribution_ids is None or e.transaction.contribution_id in contribution_ids)
            and package_id in (None, e.transaction.package_id)
            and kind in (None, e.transaction.kind)
        ]  # fmt: skip
        return found[offset : offset + limit], len(found)

    def balances(self) -> dict[tuple[str, str], int]:
        return {key: value for key, value in self._tx.tables.balances.items() if value}

    def balances_of(self, accounts: Iterable[str]) -> dict[tuple[str, str], int]:
        wanted = set(accounts)
        return {key: value for key, value in self.balances().items() if key[0] in wanted}

    def contribution_balances(self, contribution_ids: Iterable[int]) -> dict[tuple[str, str], int]:
        refs = {contribution_ref(contribution_id) for contribution_id in contribution_ids}
        return {
            key: value
            for key, value in self.balances().items()
            if ledger.account_contribution(key[0]) in refs
        }

    def pools_holding(self) -> dict[ContributionId, int]:
        found: dict[ContributionId, int] = {}
        for (account, code), value in self.balances().items():
            digits = account.removeprefix("pool:C-")
            owner = ContributionId(int(digits)) if digits.isascii() and digits.isdigit() else None
            if code == USD and value > 0 and owner is not None and ledger.pool(owner) == account:
                found[owner] = value
        return found

    def kept_balances(self) -> dict[tuple[str, str], int]:
        return dict(self._tx.tables.balances)

    def kept_kind_balances(self) -> dict[tuple[str, str], tuple[int, int]]:
        return dict(self._tx.tables.kind_balances)

    def mislabelled_balances(self) -> list[tuple[str, str]]:
        return []  # the fake keeps no kind or contribution beside a balance


def _grow(tables: Tables, tree: Tree, leaves: list[bytes], *, after: int) -> None:
    """Grow a tree as the SQL adapter does, refusing one out of step with its log."""
    frontier = tables.trees.get(tree, merkle.Frontier())
    if frontier.size != after:
        raise TreeOutOfStep(tree, after, frontier.size)
    tables.trees[tree], completed = merkle.extend(frontier, leaves)
    tables.tree_nodes.update(((tree, node), digest) for node, digest in completed)


class FakeMerkleTrees:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def frontier(self, tree: Tree) -> merkle.Frontier:
        return self._tx.tables.trees.get(tree, merkle.Frontier())

    def head(self, tree: Tree) -> TreeHead:
        frontier = self.frontier(tree)
        log = self._tx.tables.ledger if tree is Tree.LEDGER else self._tx.tables.audit
        last = log[-1].seq if log else 0
        if last != frontier.size:
            raise TreeOutOfStep(tree, last, frontier.size)
        return TreeHead.of(frontier)

    def nodes(self, tree: Tree, wanted: Collection[merkle.Node]) -> dict[merkle.Node, bytes]:
        stored = self._tx.tables.tree_nodes
        return {node: stored[tree, node] for node in wanted if (tree, node) in stored}


class FakeCheckpoints:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def add(self, checkpoint: Checkpoint) -> None:
        self._tx.tables.checkpoints.append(checkpoint)  # numbered by next_id, never twice

    def latest(self) -> Checkpoint | None:
        stored = self._tx.tables.checkpoints
        return stored[-1] if stored else None

    def get(self, seq: int) -> Checkpoint:
        found = next((c for c in self._tx.tables.checkpoints if c.seq == seq), None)
        if found is None:
            raise NotFound("checkpoint", checkpoint_ref(seq))
        return found

    def list(self, *, offset: int = 0, limit: int | None = None) -> list[Checkpoint]:
        stored = self._tx.tables.checkpoints[offset:]
        return stored if limit is None else stored[:limit]

    def count(self) -> int:
        return len(self._tx.tables.checkpoints)


# -- access: users, tokens, failed authentications, idempotency keys, audit log ----------------


class FakeUserRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, user_id: UserId) -> User:
        found = self._tx.tables.users.get(user_id)
        if found is None:
            raise NotFound("user", user_id)
        return found

    def find_by_name(self, name: str) -> User | None:
        return next((u for u in self._tx.tables.users.values() if u.name == name), None)

    def add(self, user: User) -> None:
        tables = self._tx.tables
        taken_name = self.find_by_name(user.name) is not None
        _add_unique(
            "user",
            [(user.id in tables.users, user.id), (taken_name, user.name)],
            [(user.organization in tables.participants, f"participant {user.organization}")],
        )
        tables.users[user.id] = replace(
            user, created_at=_utc(user.created_at), revoked_at=_utc_or_none(user.revoked_at)
        )

    def save(self, user: User) -> None:
        """Name, role and revocation change; an unknown user is silently not updated."""
        table = self._tx.tables.users
        stored = table.get(user.id)
        if stored is None:
            return
        twin = self.find_by_name(user.name)
        if twin is not None and twin.id != user.id:
            raise IntegrityError(f"unique constraint violated: user name {user.name}")
        table[user.id] = replace(
            stored, name=user.name, role=user.role, revoked_at=_utc_or_none(user.revoked_at)
        )

    def list(self) -> list[User]:
        table = self._tx.tables.users
        return [table[key] for key in sorted(table)]


class FakeTokenRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def find(self, token_id: str) -> ApiToken | None:
        return self._tx.tables.tokens.get(token_id)

    def add(self, token: ApiToken) -> None:
        tables = self._tx.tables
        _add_unique(
            "token",
            [(token.token_id in tables.tokens, "id")],
            [(token.user_id in tables.users, f"user {token.user_id}")],
        )
        tables.tokens[token.token_id] = replace(
            token,
            created_at=_utc(token.created_at),
            expires_at=_utc(token.expires_at),
            revoked_at=_utc_or_none(token.revoked_at),
        )

    def revoke_all(self, user_id: UserId, *, at: datetime) -> int:
        table = self._tx.tables.tokens
        live = [t for t in table.values() if t.user_id == user_id and t.revoked_at is None]
        for token in live:
            table[token.token_id] = replace(token, revoked_at=_utc(at))
        return len(live)


class FakeAuthFailures:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def count(self, client: str, window: int) -> int:
        return self._tx.tables.auth_failures.get((client, window), 0)

    def record(self, client: str, window: int) -> int:
        key = (client[:200], window)  # the column's width, as the adapter cuts it
        table = self._tx.tables.auth_failures
        table[key] = table.get(key, 0) + 1
        return table[key]


class FakeIdempotencyKeys:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def find(self, user_id: UserId, key: str) -> StoredResponse | None:
        found = self._tx.tables.idempotency.get((user_id, key))
        return None if found is None else found[0]

    def add(self, user_id: UserId, key: str, response: StoredResponse, *, at: datetime) -> None:
        tables = self._tx.tables
        if (user_id, key) in tables.idempotency:
            raise IntegrityError(f"unique constraint violated: key {key!r} of user {user_id}")
        _require(user_id in tables.users, f"user {user_id}")
        tables.idempotency[user_id, key] = (response, _utc(at))


class FakeAuditLog:
    """Append-only, sealed by the domain's own `audit.seal`."""

    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def lock(self) -> None:
        """Nothing to do: the open unit of work holds the database's only lock already."""

    def append(self, event: AuditEvent, *, at: datetime) -> AuditEntry:
        entries = self._tx.tables.audit
        entry = audit.seal(event, head=entries[-1] if entries else None, at=at)
        _grow(self._tx.tables, Tree.AUDIT, [leaf(entry.hash)], after=len(entries))
        entries.append(entry)
        return entry

    def entries(self) -> list[AuditEntry]:
        return list(self._tx.tables.audit)

    def page(self, *, offset: int, limit: int) -> list[AuditEntry]:
        return self._tx.tables.audit[offset : offset + limit]

    def count(self) -> int:
        return len(self._tx.tables.audit)


class FakePasswordRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def find(self, user_id: UserId) -> str | None:
        found = self._tx.tables.passwords.get(user_id)
        return None if found is None else found[0]

    def set(self, user_id: UserId, password_hash: str, *, at: datetime) -> None:
        tables = self._tx.tables
        _require(user_id in tables.users, f"user {user_id}")
        tables.passwords[user_id] = (password_hash, _utc(at))


class FakeWebSessionRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def find(self, digest: str) -> WebSession | None:
        return self._tx.tables.web_sessions.get(digest)

    def add(self, session: WebSession) -> None:
        tables = self._tx.tables
        if session.digest in tables.web_sessions:
            raise IntegrityError("unique constraint violated: session digest")
        _require(session.user_id in tables.users, f"user {session.user_id}")
        tables.web_sessions[session.digest] = replace(
            session,
            created_at=_utc(session.created_at),
            expires_at=_utc(session.expires_at),
            ended_at=_utc_or_none(session.ended_at),
        )

    def end(self, digest: str, *, at: datetime) -> None:
        table = self._tx.tables.web_sessions
        found = table.get(digest)
        if found is not None and found.ended_at is None:
            table[digest] = replace(found, ended_at=_utc(at))


# -- policies and indicators -------------------------------------------------------------------


class FakePolicyRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def add(self, version: PolicyVersion) -> None:
        tables = self._tx.tables
        same = any(
            v.contributor == version.contributor and v.version == version.version
            for v in tables.policies.values()
        )
        _add_unique(
            "policy version",
            [
                (version.id in tables.policies, version.id),
                (same, f"{version.contributor} v{version.version}"),
            ],
            [(version.contributor in tables.participants, f"participant {version.contributor}")],
        )
        tables.policies[version.id] = replace(version, recorded_at=_utc(version.recorded_at))

    def latest_version(self, contributor: ParticipantCode) -> int:
        found = [
            v.version for v in self._tx.tables.policies.values() if v.contributor == contributor
        ]
        return max(found, default=0)

    def list(self, *, contributor: ParticipantCode | None = None) -> list[PolicyVersion]:
        found = [
            v
            for v in self._tx.tables.policies.values()
            if contributor is None or v.contributor == contributor
        ]
        found.sort(key=lambda v: (v.contributor, v.version))
        # The adapter keeps the document and parses it again when read; so does this.
        return [replace(v, policy=_parsed(v.document, v.filename)) for v in found]

    def list_of(
        self, contributors: Collection[ParticipantCode]
    ) -> dict[ParticipantCode, Sequence[PolicyVersion]]:
        return {code: self.list(contributor=code) for code in sorted(set(contributors))}


@functools.lru_cache(maxsize=256)
def _parsed(document: str, filename: str) -> Policy:
    """Parsing is pure and a policy is frozen, so one parse per document serves every read."""
    return parse_policy(document, filename=filename)


class FakeIndicatorRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def get(self, observation_id: ObservationId) -> Observation:
        found = self._tx.tables.observations.get(observation_id)
        if found is None:
            raise NotFound("observation", f"#{observation_id}")
        return found

    def add(self, observation: Observation) -> None:
        table = self._tx.tables.observations
        keys: list[tuple[bool, object]] = [(observation.id in table, f"#{observation.id}")]
        foreign: list[tuple[bool, str]] = []
        if observation.supersedes is not None:
            corrected = any(o.supersedes == observation.supersedes for o in table.values())
            keys.append((corrected, f"correction of #{observation.supersedes}"))
            foreign.append(
                (observation.supersedes in table, f"observation #{observation.supersedes}")
            )
        _add_unique("observation", keys, foreign)
        table[observation.id] = replace(observation, recorded_at=_utc(observation.recorded_at))

    def names(self) -> list[str]:
        return sorted({o.name for o in self._tx.tables.observations.values()})

    def list(self, *, name: str | None = None) -> list[Observation]:
        table = self._tx.tables.observations
        return [table[key] for key in sorted(table) if name is None or table[key].name == name]


class FakeBasisRepository:
    """Keeps each basis as its document, as the adapter does, so what is read back is parsed."""

    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def add(self, record: AllocationBasis) -> None:
        tables = self._tx.tables
        _add_unique(
            "allocation basis",
            [(record.package_id in tables.bases, package_ref(record.package_id))],
            [(record.package_id in tables.packages, f"package {record.package_id}")],
        )
        tables.bases[record.package_id] = basis.document(record)

    def find(self, package_id: PackageId) -> AllocationBasis | None:
        stored = self._tx.tables.bases.get(package_id)
        return None if stored is None else basis.parse(package_id, stored)

    def kept_effects(self) -> list[KeptEffect]:
        """Derived when asked: the fake keeps no effects apart from its bases (its reader reads
        the statements' effects from the bases), so they never drift from them."""
        return list(self.held_effects().effects)

    def held_effects(self) -> HeldEffects:
        stored = sorted(self._tx.tables.bases.items())
        return kept_substitutions.held((PackageId(key), document) for key, document in stored)

    def rebuild_effects(self) -> int:
        """Refuses an unreadable basis as the adapter does (BasisAltered naming it)."""
        stored = sorted(self._tx.tables.bases.items())
        read = (basis.parse(PackageId(key), text, with_funds=False) for key, text in stored)
        return sum(len(kept_substitutions.effects_of(kept)) for kept in read)


class FakeReleaseRepository:
    """Each package's kept states, append-only; a taken (package, number) is refused."""

    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def latest(self, package_id: PackageId) -> PackageRelease | None:
        found = [r for r in self._tx.tables.releases if r.package_id == package_id]
        return max(found, key=lambda r: r.number) if found else None

    def add(self, release: PackageRelease) -> None:
        tables = self._tx.tables
        taken = any(
            (r.package_id, r.number) == (release.package_id, release.number)
            for r in tables.releases
        )
        _add_unique(
            "package release",
            [(taken, f"{package_ref(release.package_id)} release {release.number}")],
            [(release.package_id in tables.packages, f"package {release.package_id}")],
        )
        tables.releases.append(replace(release, at=_utc(release.at)))


# -- the unit of work --------------------------------------------------------------------------


class _Scope:
    """What one `with` block opens on a `FakeDatabase`: working tables and fresh repositories
    on them (as `SessionScope` opens a session for SQL)."""

    what: ClassVar[str]  # as errors name it: "unit of work", "reader"

    def __init__(self, database: FakeDatabase) -> None:
        self.database = database
        self._tx: _Transaction | None = None
        self._repositories: _Repositories | None = None

    @property
    def tables(self) -> Tables:
        """The open block's tables, for tests that reach past the ports (as
        `SqlUnitOfWork.session` does for SQL)."""
        return self._open().tables

    def _open(self) -> _Transaction:
        if self._tx is None:
            raise RuntimeError(f"the {self.what} is not open; use it in a `with` block")
        return self._tx

    def _repos(self) -> _Repositories:
        if self._repositories is None:
            raise RuntimeError(f"the {self.what} is not open; use it in a `with` block")
        return self._repositories

    def _start(self) -> Tables:
        """The tables the block works on."""
        raise NotImplementedError

    def _ended(self) -> None:
        """The block has ended."""

    def __enter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError(f"this {self.what} is already open")
        self._tx = _Transaction(self._start())
        self._repositories = _Repositories(self._tx)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tx, self._tx, self._repositories = self._open(), None, None
        tx.swap(None)  # anything not committed is dropped with the working copy
        self._ended()


class FakeUnitOfWork(_Scope):
    """`with uow: ...; uow.commit()` over a `FakeDatabase`; no commit rolls everything back.

    Each `with` opens fresh repositories, so versions remembered for optimistic concurrency
    never leak from one use case into the next, as in `SqlUnitOfWork`.
    """

    what = "unit of work"

    def _start(self) -> Tables:
        return self.database.begin()  # waits for the database's one write lock

    def _ended(self) -> None:
        self.database.end()

    def commit(self) -> None:
        tx = self._open()
        tx.swap(self.database.publish(tx.tables))

    def rollback(self) -> None:
        tx = self._open()
        tx.swap(self.database.snapshot())

    def read_one_moment(self) -> None:
        """Nothing to do: the working copy is one moment already, and nobody else writes."""
        self._open()

    def next_id(self, sequence: str) -> int:
        """The next number of `sequence` from 1; a rolled-back number is handed out again."""
        sequences = self._open().tables.sequences
        sequences[sequence] = sequences.get(sequence, 0) + 1
        return sequences[sequence]

    def next_ids(self, sequence: str, count: int) -> range:
        if count < 1:
            if count < 0:
                raise ValueError(f"cannot take {count} numbers")
            return range(0)
        sequences = self._open().tables.sequences
        first = sequences.get(sequence, 0) + 1
        sequences[sequence] = first + count - 1
        return range(first, first + count)

    @property
    def participants(self) -> FakeParticipantRepository:
        return self._repos().participants

    @property
    def catalog(self) -> FakeCatalogRepository:
        return self._repos().catalog

    @property
    def cycles(self) -> FakeCycleRepository:
        return self._repos().cycles

    @property
    def requirements(self) -> FakeRequirementRepository:
        return self._repos().requirements

    @property
    def contributions(self) -> FakeContributionRepository:
        return self._repos().contributions

    @property
    def packages(self) -> FakePackageRepository:
        return self._repos().packages

    @property
    def shipments(self) -> FakeShipmentRepository:
        return self._repos().shipments

    @property
    def ledger(self) -> FakeLedger:
        return self._repos().ledger

    @property
    def users(self) -> FakeUserRepository:
        return self._repos().users

    @property
    def tokens(self) -> FakeTokenRepository:
        return self._repos().tokens

    @property
    def auth_failures(self) -> FakeAuthFailures:
        return self._repos().auth_failures

    @property
    def idempotency(self) -> FakeIdempotencyKeys:
        return self._repos().idempotency

    @property
    def audit(self) -> FakeAuditLog:
        return self._repos().audit

    @property
    def passwords(self) -> FakePasswordRepository:
        return self._repos().passwords

    @property
    def web_sessions(self) -> FakeWebSessionRepository:
        return self._repos().web_sessions

    @property
    def policies(self) -> FakePolicyRepository:
        return self._repos().policies

    @property
    def indicators(self) -> FakeIndicatorRepository:
        return self._repos().indicators

    @property
    def bases(self) -> FakeBasisRepository:
        return self._repos().bases

    @property
    def fx_rates(self) -> FakeFxRateRepository:
        return self._repos().fx_rates

    @property
    def trees(self) -> FakeMerkleTrees:
        return self._repos().trees

    @property
    def checkpoints(self) -> FakeCheckpoints:
        return self._repos().checkpoints

    @property
    def gdp(self) -> FakeGdpRepository:
        return self._repos().gdp

    @property
    def releases(self) -> FakeReleaseRepository:
        return self._repos().releases


class _Repositories:
    """One set of repositories per `with` block."""

    def __init__(self, tx: _Transaction) -> None:
        self.participants = FakeParticipantRepository(tx)
        self.catalog = FakeCatalogRepository(tx)
        self.cycles = FakeCycleRepository(tx)
        self.requirements = FakeRequirementRepository(tx)
        self.contributions = FakeContributionRepository(tx)
        self.packages = FakePackageRepository(tx)
        self.shipments = FakeShipmentRepository(tx)
        self.ledger = FakeLedger(tx)
        self.users = FakeUserRepository(tx)
        self.tokens = FakeTokenRepository(tx)
        self.auth_failures = FakeAuthFailures(tx)
        self.idempotency = FakeIdempotencyKeys(tx)
        self.audit = FakeAuditLog(tx)
        self.passwords = FakePasswordRepository(tx)
        self.web_sessions = FakeWebSessionRepository(tx)
        self.policies = FakePolicyRepository(tx)
        self.indicators = FakeIndicatorRepository(tx)
        self.bases = FakeBasisRepository(tx)
        self.fx_rates = FakeFxRateRepository(tx)
        self.trees = FakeMerkleTrees(tx)
        self.checkpoints = FakeCheckpoints(tx)
        self.gdp = FakeGdpRepository(tx)
        self.releases = FakeReleaseRepository(tx)


class FakeFxRateRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def add(self, rates: Sequence[FxRate]) -> int:
        table = self._tx.tables.fx_rates
        for rate in rates:
            known = table.get((rate.currency, rate.rate_date))
            if known is not None and known.per_eur != rate.per_eur:
                raise RateRevised(known, rate.per_eur)
        new = [rate for rate in rates if (rate.currency, rate.rate_date) not in table]
        for rate in new:
            table[rate.currency, rate.rate_date] = replace(rate, loaded_at=_utc(rate.loaded_at))
        return len(new)

    def find(self, currency: str, on: date, *, since: date) -> FxRate | None:
        found = [
            rate for (code, day), rate in self._tx.tables.fx_rates.items()
            if code == currency and since <= day <= on
        ]  # fmt: skip
        return max(found, key=lambda rate: rate.rate_date, default=None)

    def currencies(self) -> frozenset[str]:
        return frozenset(code for code, _ in self._tx.tables.fx_rates)

    def latest(self) -> list[FxRate]:
        last: dict[str, FxRate] = {}
        for (code, _), rate in sorted(self._tx.tables.fx_rates.items()):
            last[code] = rate
        return list(last.values())


class FakeGdpRepository:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def put(self, figures: Sequence[GdpFigure]) -> int:
        tables = self._tx.tables
        for figure in figures:
            _require(figure.nation in tables.participants, f"participant {figure.nation}")
        replaced = sum(1 for f in figures if (f.nation, f.year) in tables.gdp)
        for figure in figures:
            assert figure.loaded_at is not None, "a stored figure is an imported one"
            tables.gdp[figure.nation, figure.year] = replace(
                figure, loaded_at=_utc(figure.loaded_at)
            )
        return replaced

    def list(self) -> list[GdpFigure]:
        return [figure for _, figure in sorted(self._tx.tables.gdp.items())]


# -- the reader --------------------------------------------------------------------------------


class FakeReader(_Scope, FakeShareQueries, FakePageQueries):
    """The Reader port over a `FakeDatabase`: `with reader:` reads a snapshot of what was
    committed, without the write lock, so every query of the block sees one moment. What a
    repository answers too, it answers through the repository, as `SqlQueries` does. The work
    pages' queries are `FakePageQueries`'."""

    what = "reader"

    def __init__(
        self,
        database: FakeDatabase,
        *,
        min_hidden_contributors: int = DEFAULT_MIN_HIDDEN_CONTRIBUTORS,
    ) -> None:
        super().__init__(database)
        self.min_hidden_contributors = min_hidden_contributors
        self.memo = ViewMemo()

    def _start(self) -> Tables:
        return self.database.snapshot()  # the committed tables, without the write lock

    def state_mark(self) -> StateMark:
        ledger, audit = self.tables.ledger, self.tables.audit
        return StateMark(
            len(ledger), len(audit), ledger[-1].hash if ledger else "",
            audit[-1].hash if audit else "",
        )  # fmt: skip

    def participants(self) -> list[Participant]:
        return self._repos().participants.list()

    def items(self) -> dict[ItemCode, CatalogItem]:
        return {item.code: item for item in self._repos().catalog.list()}

    def cycles(self) -> list[Cycle]:
        return self._repos().cycles.list()

    def cycle(self, cycle_id: CycleId) -> Cycle:
        return self._repos().cycles.get(cycle_id)

    def latest_cycle(
        self, *, status: CycleStatus | None = None, opened_by: date | None = None
    ) -> Cycle | None:
        chosen = [
            c for c in self.cycles()
            if (status is None or c.status is status) and (opened_by is None or c.opens_on <= opened_by)
        ]  # fmt: skip
        return chosen[-1] if chosen else None

    def find_cycle(self, name: str) -> Cycle | None:
        return self._repos().cycles.find_by_name(name)

    def lines(self, cycle_id: CycleId) -> list[RequirementLine]:
        return self._repos().requirements.list(cycle_id)

    def lines_by_id(self, line_ids: Collection[LineId]) -> dict[LineId, RequirementLine]:
        table = self.tables.lines
        return {LineId(key): table[key] for key in sorted(table) if key in line_ids}

    def line_refs(self, line_ids: Collection[LineId]) -> dict[LineId, str]:
        return {key: line.ref for key, line in self.lines_by_id(line_ids).items()}

    def find_line(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        return self._repos().requirements.find_by_ref(cycle_id, ref)

    def rank_history(self, line_id: LineId) -> list[RankChange]:
        return self._repos().requirements.rank_history(line_id)

    def change_history(self, line_id: LineId) -> list[LineChange]:
        return self._repos().requirements.change_history(line_id)

    def _packages(self) -> list[Package]:
        return self._repos().packages.list()

    def funded_lots(
        self, cycle_id: CycleId, *, excluding: Collection[PackageId] = ()
    ) -> dict[LineId, int]:
        lots: dict[LineId, int] = defaultdict(int)
        for package in self._packages():
            if package.id in excluding:
                continue
            if package.cycle_id == cycle_id and package.status != PackageStatus.CANCELLED:
                for line in package.lines:
                    lots[line.line_id] += line.lots
        return dict(lots)

    def restrictions(
        self, *, packages: Collection[PackageId] | None = None
    ) -> dict[PackageId, Restriction]:
        return {
            p.id: p.restriction
            for p in self._packages()
            if p.restriction is not None and (packages is None or p.id in packages)
        }

    def contribution_groups(
        self,
        viewer: Viewer,
        *,
        statuses: Collection[ContributionStatus],
        contributor: ParticipantCode | None = None,
    ) -> list[ContributionGroup]:
        """Grouped as the SQL does: a hidden amount is only counted, a hidden giver is None."""
        groups: dict[tuple[str | None, ParticipantCode | None], list[Contribution]] = {}
        for contribution in self.contributions():
            if contribution.status not in statuses:
                continue
            sees_all = viewer.sees_everything_of(contribution.contributor)
            shown = sees_all or not contribution.confidential
            named = sees_all or not contribution.anonymous
            if contributor is not None and not (named and contribution.contributor == contributor):
                continue
            key = (
                contribution.amount.currency if shown else None,
                contribution.contributor if shown and named else None,
            )
            groups.setdefault(key, []).append(contribution)
        return [
            ContributionGroup(
                count=len(members),
                currency=currency,
                contributor=giver,
                pledged_minor=_sum_or_none(c.amount.minor for c in members if currency is not None),
                received_usd_minor=_sum_or_none(
                    c.conversion.converted.minor
                    for c in members
                    if currency is not None and c.conversion is not None
                ),
            )
            for (currency, giver), members in sorted(groups.items(), key=_nones_first)
        ]

    def contributions(
        self,
        *,
        ids: Collection[ContributionId] | None = None,
        contributor: ParticipantCode | None = None,
    ) -> list[Contribution]:
        table = self.tables.contributions
        return [
            table[key].record
            for key in sorted(table)
            if (ids is None or key in ids)
            and (contributor is None or table[key].record.contributor == contributor)
        ]

    def member_contributions(self, member: ParticipantCode) -> list[Contribution]:
        return [c for c in self.contributions() if any(p.member == member for p in c.members)]

    def package(self, package_id: PackageId) -> Package:
        return self._repos().packages.get(package_id)

    def package_totals(self, *, with_cancelled: bool) -> list[PackageTotals]:
        cycles = self.tables.cycles
        return [
            PackageTotals(
                id=package.id,
                name=package.name,
                status=package.status,
                cycle_name=cycles[package.cycle_id].name,
                cost_minor=sum(line.lots * line.lot_price.minor for line in package.lines),
                target=package.target,
            )
            for package in self._packages()
            if with_cancelled or package.status != PackageStatus.CANCELLED
        ]

    def shipments(self, *, package_id: PackageId) -> list[Shipment]:
        return self._repos().shipments.list(package_id=package_id)

    def latest_shipments(
        self, limit: int, *, excluding: Collection[PackageId] = ()
    ) -> list[ShipmentLine]:
        tables = self.tables
        shipments = sorted(
            (s for s in tables.shipments.values() if s.package_id not in excluding),
            key=lambda s: (s.received_on or s.shipped_on, s.id),
            reverse=True,
        )[:limit]
        found = []
        for shipment in shipments:
            line = tables.lines[shipment.line_id]
            found.append(ShipmentLine(shipment, line.ref, tables.catalog[line.item_code].name))
        return found

    def paid_lines(self, contributor: ParticipantCode) -> list[PaidLine]:
        return self._paid_lines(lambda c: c.contributor == contributor)

    def _shown_paid(self, viewer: Viewer, contributor: ParticipantCode) -> list[PaidLine]:
        """The contributor's paid lines whose contribution's amount `redact` leaves to viewer."""
        shown = {
            c.id for c in self.contributions(contributor=contributor)
            if redact(viewer, c).amount is not None
        }  # fmt: skip
        return [part for part in self.paid_lines(contributor) if part.contribution_id in shown]

    def statement_totals(self, viewer: Viewer, *, contributor: ParticipantCode) -> StatementTotals:
        found = self._shown_paid(viewer, contributor)
        own = self.contributions(contributor=contributor)
        pools = self.balance_of([ledger.pool(c.id) for c in own], currency=USD)
        spent = sum(part.amount.minor for part in found)
        return StatementTotals(len(own), len(found), spent, pools)

    def paid_line_page(
        self, viewer: Viewer, *, contributor: ParticipantCode, offset: int, limit: int
    ) -> list[PaidLine]:
        found = self._shown_paid(viewer, contributor)  # by package, then attribution order
        newest = sorted(found, key=lambda part: -part.package_id)  # stable: keeps the order
        return newest[offset : offset + limit]

    def paid_packages(self, contributor: ParticipantCode) -> list[PackageId]:
        return sorted({part.package_id for part in self.paid_lines(contributor)})

    def count_substitution_runs(self, contributor: ParticipantCode) -> int:
        return len(self.substitution_runs(contributor))

    def substitution_runs(
        self,
        contributor: ParticipantCode,
        *,
        offset: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[SubstitutionRun]:
        """From the bases of the packages the contributor pays, each once per allocation."""
        runs: dict[tuple[datetime, date, Substitution[LineId]], list[PackageId]] = {}
        for kept in self.bases(self.paid_packages(contributor), with_funds=False):
            for found in kept.substitutions:
                if found.contributor == contributor:
                    runs.setdefault((kept.recorded_at, kept.on, found), []).append(kept.package_id)
        ordered = sorted(
            runs.items(), key=lambda run: (*run[0][:2], min(run[1])), reverse=newest_first
        )
        found = [
            SubstitutionRun(on, at, tuple(packages), effect)
            for (at, on, effect), packages in ordered
        ]
        return found[offset:] if limit is None else found[offset : offset + limit]

    def member_paid_lines(self, member: ParticipantCode) -> list[PaidLine]:
        return self._paid_lines(lambda c: any(p.member == member for p in c.members))

    def member_received(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[MemberReceived]:
        summed: dict[tuple[ParticipantCode, ParticipantCode], int] = defaultdict(int)
        for c in self.contributions():
            seen = viewer.sees_everything_of(c.contributor) or not (c.confidential or c.anonymous)
            if c.status in statuses and c.conversion is not None and seen:
                for part in c.members:
                    summed[c.contributor, part.member] += part.usd.minor
        return [MemberReceived(g, m, minor) for (g, m), minor in sorted(summed.items())]

    def _paid_lines(self, paid_by: Callable[[Contribution], bool]) -> list[PaidLine]:
        tables = self.tables
        found = []
        for package in self._packages():
            for part in package.attributions:
                if not paid_by(tables.contributions[part.contribution_id].record):
                    continue
                line = tables.lines[part.line_id]
                shipped = [
                    s
                    for s in tables.shipments.values()
                    if s.package_id == package.id and s.line_id == part.line_id
                ]
                found.append(
                    PaidLine(
                        contribution_id=part.contribution_id,
                        package_id=package.id,
                        package_status=package.status,
                        line_id=part.line_id,
                        line_ref=line.ref,
                        item_name=tables.catalog[line.item_code].name,
                        amount=part.amount,
                        shipped=sum(s.quantity for s in shipped),
                        received=sum(s.quantity for s in shipped if s.received_on is not None),
                    )
                )
        return found

    def bases(
        self, package_ids: Collection[PackageId], *, with_funds: bool = True
    ) -> list[AllocationBasis]:
        found = (self._repos().bases.find(package_id) for package_id in sorted(package_ids))
        kept = [basis for basis in found if basis is not None]
        return kept if with_funds else [replace(basis, funds=()) for basis in kept]

    def hidden_payers(
        self, viewer: Viewer, *, packages: Collection[PackageId] | None = None
    ) -> list[HiddenPayer]:
        contributions = self.tables.contributions
        found = set()
        for package in self._packages():
            if packages is not None and package.id not in packages:
                continue
            for part in package.attributions:
                owner = contributions[part.contribution_id].record
                if not can_see_amount(viewer, owner):
                    found.add(HiddenPayer(package.id, part.line_id, owner.contributor))
        return sorted(found, key=lambda p: (p.package_id, p.line_id, p.contributor))

    def _postings(self, currency: str) -> Iterator[Posting]:
        for entry in self.tables.ledger:
            for posting in entry.transaction.postings:
                if posting.amount.currency == currency:
                    yield posting

    def balance_of_kind(self, kind: str, *, currency: str) -> int:
        prefix = f"{kind}:"
        return sum(p.amount.minor for p in self._postings(currency) if p.account.startswith(prefix))

    def balance_of(self, accounts: Collection[str], *, currency: str) -> int:
        return sum(p.amount.minor for p in self._postings(currency) if p.account in accounts)

    # -- history: kept states, payments, the audit log, the ledger as it stood --------------

    def releases(self, package_ids: Collection[PackageId]) -> list[PackageRelease]:
        found = [r for r in self.tables.releases if r.package_id in package_ids]
        return sorted(found, key=lambda r: (r.package_id, r.number))

    def releases_around(self, keys: Collection[tuple[PackageId, int]]) -> list[PackageRelease]:
        wanted = {package_id for package_id, _ in keys}
        kept = self.releases(wanted)
        latest = {r.package_id: r.number for r in kept}
        first = {pid: min(n for p, n in keys if p == pid) for pid in wanted}
        last = {pid: max(n for p, n in keys if p == pid) for pid in wanted}
        return [
            r for r in kept
            if first[r.package_id] - 1 <= r.number <= last[r.package_id]
            or r.number == latest[r.package_id]
        ]  # fmt: skip

    def release_count(self) -> int:
        return len(self.tables.releases)

    def release_keys(self, *, offset: int, limit: int) -> list[tuple[PackageId, int]]:
        kept = sorted(self.tables.releases, key=lambda r: (r.audit_seq, r.package_id, r.number))
        return [(r.package_id, r.number) for r in kept[offset : offset + limit]]

    def disbursements(self, package_ids: Collection[PackageId]) -> list[Disbursement]:
        found = []
        for entry in self.tables.ledger:
            tx = entry.transaction
            if tx.package_id is None or tx.contribution_id is None:
                continue
            if tx.package_id not in package_ids:
                continue
            package_id, payer = PackageId(tx.package_id), ContributionId(tx.contribution_id)
            for posting in tx.postings:
                if posting.account.startswith("disbursed:"):
                    paid = Disbursement(
                        package_id, payer, posting.amount, tx.occurred_on, entry.seq
                    )
                    found.append(paid)
        return found

    def shipments_by_id(self, shipment_ids: Collection[int]) -> list[Shipment]:
        table = self.tables.shipments
        return [table[key] for key in sorted(table) if key in shipment_ids]

    def audit_since(self, seq: int, *, limit: int) -> list[AuditEntry]:
        return [entry for entry in self.tables.audit if entry.seq > seq][:limit]

    def balances_recorded_before(self, instant: datetime) -> dict[tuple[str, str], int]:
        return ledger.balances(e.transaction for e in self.tables.ledger if e.recorded_at < instant)


def _sum_or_none(values: Iterable[int]) -> int | None:
    """SQL's SUM: None over no values."""
    found = list(values)
    return sum(found) if found else None


def _nones_first(group: tuple[tuple[str | None, str | None], object]) -> tuple[object, ...]:
    """SQLite's order of a key with NULLs: NULL before any value, column by column."""
    (currency, giver), _members = group
    return (currency is not None, currency or "", giver is not None, giver or "")


def fake_uow_factory(database: FakeDatabase | None = None) -> Callable[[], FakeUnitOfWork]:
    """A new unit of work on one shared database at each call (a fresh database if none)."""
    shared = FakeDatabase() if database is None else database
    return lambda: FakeUnitOfWork(shared)


if TYPE_CHECKING:

    def _satisfies_the_port(uow: FakeUnitOfWork) -> UnitOfWork:
        return uow  # mypy checks FakeUnitOfWork against the protocol here

    def _satisfies_the_read_port(reader: FakeReader) -> Reader:
        return reader


class UsdOnlyRates:
    """The FX port for worlds whose money is all in USD: received as it is."""

    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, date, str]:
        assert source == target == "USD", f"no test rate {source}->{target}"
        return Decimal(1), on, "TEST"

    def currencies(self) -> frozenset[str]:
        return frozenset({"USD"})

    def latest_day(self, on: date) -> date | None:
        return on

    def latest_rates(
        self, on: date, *, currencies: Collection[str] | None = None
    ) -> list[LatestRate]:
        return []  # no rate per euro: these worlds convert without one


class TableRates:
    """The FX port at fixed rates into USD, the same on every day (`rates`: USD per unit)."""

    def __init__(self, rates: dict[str, Decimal]) -> None:
        self._rates = {"USD": Decimal(1), **rates}

    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, date, str]:
        assert target == "USD", f"no test rate {source}->{target}"
        return self._rates[source], on, "TEST"

    def currencies(self) -> frozenset[str]:
        return frozenset(self._rates)

    def latest_day(self, on: date) -> date | None:
        return on

    def latest_rates(
        self, on: date, *, currencies: Collection[str] | None = None
    ) -> list[LatestRate]:
        return []  # rates into USD, none per euro
