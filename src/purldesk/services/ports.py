"""The ports services depend on; adapters satisfy them structurally. The ledger's are in
`ledger_ports`, sign-in and replay ports in `access_ports`; a unit of work holds them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self, TypeVar

from purldesk.domain.access import User, UserId
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.contribution_totals import ContributionTotals
from purldesk.domain.contributions import (
    Contribution,
    ContributionId,
    ContributionStatus,
    SpendingTerms,
)
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.kept_substitutions import HeldEffects, KeptEffect
from purldesk.domain.package_history import PackageRelease
from purldesk.domain.packages import Package, PackageId
from purldesk.domain.participants import Participant, ParticipantCode
from purldesk.domain.policies import PolicyVersion
from purldesk.domain.rates import FxRate
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    LineChange,
    LineId,
    RankChange,
    RequirementLine,
)
from purldesk.services.access_ports import (
    AuthFailureRepository,
    IdempotencyRepository,
    PasswordRepository,
    TokenRepository,
    WebSessionRepository,
)
from purldesk.services.ledger_ports import (
    AuditLog,
    CheckpointRepository,
    Ledger,
    MerkleTrees,
)

K = TypeVar("K", contravariant=True)
T = TypeVar("T")


class Repository(Protocol[K, T]):
    """Records of one kind by key: `get` raises NotFound, `add` refuses a taken key with
    AlreadyExists, `save` stores a changed record (NotFound if it was never added)."""

    def get(self, key: K, /) -> T: ...
    def add(self, record: T, /) -> None: ...
    def save(self, record: T, /) -> None: ...


class Directory(Repository[str, T], Protocol):
    """Records by a code, all listed in code order."""

    def find(self, code: str, /) -> T | None: ...
    def list(self) -> list[T]: ...


class NamedRepository(Repository[K, T], Protocol):
    """Records with a unique name besides their key, all listed in key order."""

    def find_by_name(self, name: str) -> T | None: ...
    def list(self) -> list[T]: ...


ParticipantRepository = Directory[Participant]


class CatalogRepository(Directory[CatalogItem], Protocol):
    def many(self, codes: Iterable[str], /) -> dict[str, CatalogItem]:
        """The items of `codes` the catalog has, by code, in one read; a code it has not is
        left out."""
        ...


class UserRepository(NamedRepository[UserId, User], Protocol):
    def save(self, user: User, /) -> None:
        """Name, role and revocation change; an unknown user is silently not updated."""
        ...


class CycleRepository(NamedRepository[CycleId, Cycle], Protocol):
    def list(self) -> list[Cycle]:
        """Every cycle, oldest first (opening day, then id)."""
        ...


class RequirementRepository(Protocol):
    def get(self, line_id: LineId) -> RequirementLine: ...
    def find_by_ref(self, cycle_id: CycleId, ref: str) -> RequirementLine | None: ...
    def add(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        """Store a new line and its first rank change."""
        ...

    def add_many(self, lines: Sequence[RequirementLine], *, at: datetime, by: str) -> None:
        """`add` each of `lines` in order, in a few statements: the same rows, and the error
        of the first `add` that would be refused."""
        ...

    def save(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        """Store a changed line; a new rank is appended to its rank history."""
        ...

    def rank_history(self, line_id: LineId) -> list[RankChange]: ...

    def append_changes(self, changes: Sequence[LineChange]) -> None:
        """Append edits of lines (not ranks) to their append-only history."""
        ...

    def change_history(self, line_id: LineId) -> list[LineChange]:
        """The line's edits in the order they were made (time, then record)."""
        ...

    def rank_histories(self) -> list[RankChange]:
        """Every line's rank history: by line id, then as `rank_history` orders it."""
        ...

    def change_histories(self) -> list[LineChange]:
        """Every line's edits: by line id, then as `change_history` orders them."""
        ...

    def list(self, cycle_id: CycleId) -> list[RequirementLine]:
        """The cycle's lines in priority order (rank, id)."""
        ...

    def successor(self, line_id: LineId) -> RequirementLine | None:
        """The line of a later cycle carried on from this one, if any."""
        ...

    def carried(self, line_ids: Collection[LineId], /) -> set[LineId]:
        """Those of `line_ids` a line was carried from (each has a `successor`), in one read."""
        ...


class ContributionRepository(Repository[ContributionId, Contribution], Protocol):
    def list(
        self,
        *,
        contributor: ParticipantCode | None = None,
        statuses: Sequence[ContributionStatus] | None = None,
        ids: Collection[ContributionId] | None = None,
    ) -> list[Contribution]:
        """Contributions by id (only those of `ids`, if given)."""
        ...

    def ids(self, *, statuses: Sequence[ContributionStatus]) -> Sequence[ContributionId]:
        """The ids, in order, of the contributions in `statuses`: nothing else read."""
        ...

    def last_id(self) -> int:
        """The highest contribution id there is (0 if none): one indexed read."""
        ...

    def contributors(self, ids: Collection[ContributionId], /) -> dict[ContributionId, str]:
        """Who made each of `ids` that exists: its contributor's code, nothing else read."""
        ...

    def terms(
        self, ids: Collection[ContributionId], /, *, statuses: Sequence[ContributionStatus]
    ) -> Sequence[SpendingTerms]:
        """The terms of those of `ids` in one of `statuses`, by id: what an allocation reads of
        each contribution whose money it weighs, without amounts, conversions or parts."""
        ...

    def page(
        self,
        *,
        status: ContributionStatus | None = None,
        confidential: bool | None = None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Contribution], int]:
        """One page of the contributions by id (in `status`, confidential or not, where
        given), and how many there are in all."""
        ...

    def find_imported(self, digests: Collection[str], /) -> dict[str, ContributionId]:
        """The contribution imported from each of `digests` that was imported at all."""
        ...

    def kept_totals(self) -> ContributionTotals:
        """The totals kept beside the contributions by contributor, currency, status and
        disclosure (those at zero too), which every write of a contribution moves and the
        reads of totals read: for `verify` to hold against the contributions."""
        ...

    def rebuild_totals(self) -> int:
        """Every kept total again from the contributions; returns how many it keeps."""
        ...


class PackageRepository(Repository[PackageId, Package], Protocol):
    def save(self, package: Package, /) -> None:
        """Store status and replace lines and attributions with the package's own."""
        ...

    def list(self, *, cycle_id: CycleId | None = None) -> list[Package]: ...
    def held_lots(self, cycle_id: CycleId, /) -> dict[tuple[LineId, ItemCode], int]:
        """Lots of each line and item in the cycle's packages that are not cancelled, summed
        without reading the packages' attributions."""
        ...


class ShipmentRepository(Repository[ShipmentId, Shipment], Protocol):
    def list(self, *, package_id: PackageId | None = None) -> list[Shipment]: ...


class PolicyRepository(Protocol):
    def add(self, version: PolicyVersion) -> None: ...
    def latest_version(self, contributor: ParticipantCode) -> int:
        """The highest version number of the contributor's policy; 0 if it has none."""
        ...

    def list(self, *, contributor: ParticipantCode | None = None) -> list[PolicyVersion]:
        """Versions by contributor, then version number."""
        ...

    def list_of(
        self, contributors: Collection[ParticipantCode]
    ) -> dict[ParticipantCode, Sequence[PolicyVersion]]:
        """Each contributor's versions by version number (none for one without a policy), as
        `list(contributor=...)` gives them, read together: an allocation weighs the money of
        every contributor holding some."""
        ...


class IndicatorRepository(Protocol):
    """Observations are never edited: there is no save, only a correction that supersedes."""

    def get(self, observation_id: ObservationId) -> Observation: ...
    def add(self, observation: Observation) -> None: ...
    def names(self) -> list[str]:
        """Every indicator with at least one observation, by name."""
        ...

    def list(self, *, name: str | None = None) -> list[Observation]:
        """Observations by id, superseded ones included."""
        ...


class BasisRepository(Protocol):
    """The basis each committed package was allocated on: written with it, never changed."""

    def add(self, basis: AllocationBasis) -> None: ...
    def find(self, package_id: PackageId) -> AllocationBasis | None:
        """None for a package committed before bases were recorded."""
        ...

    def kept_effects(self) -> list[KeptEffect]:
        """The substitution effects kept apart from the bases (what the statements read),
        each as it is kept: for `verify` to hold against the bases."""
        ...

    def held_effects(self) -> HeldEffects:
        """The effects the bases hold (`kept_substitutions.held`), the bases read a chunk at a
        time without their funds (there may be thousands), and each stored basis that is not
        a basis document, set aside rather than raised: for `verify` to name beside the rest."""
        ...

    def rebuild_effects(self) -> int:
        """Every kept effect again from the bases; returns how many it keeps. A basis that is
        not a basis document raises BasisAltered naming its package."""
        ...


class ReleaseRepository(Protocol):
    """Each package's kept states (`domain/package_history.py`): appended, never changed."""

    def latest(self, package_id: PackageId, /) -> PackageRelease | None:
        """The package's last kept state; None if none was kept."""
        ...

    def add(self, release: PackageRelease, /) -> None:
        """Keep a state; a number the package has already is refused with AlreadyExists."""
        ...


class StoredRates(Protocol):
    """Reference rates per euro as stored: what the FX adapter reads, by currency and date."""

    def find(self, currency: str, on: date, *, since: date) -> FxRate | None:
        """The rate of `currency` on `on`, or the last one before it, not before `since`."""
        ...

    def currencies(self) -> frozenset[str]:
        """The currencies with at least one stored rate."""
        ...


class FxRateRepository(StoredRates, Protocol):
    """Rates are never edited: a (currency, date) stored once keeps its rate."""

    def add(self, rates: Sequence[FxRate]) -> int:
        """Store the rates not stored yet and give their count; a rate that differs from the
        stored one of its (currency, date) raises RateRevised, and nothing is stored."""
        ...

    def latest(self) -> list[FxRate]:
        """The last rate of each currency, by currency."""
        ...


class GdpRepository(Protocol):
    """Imported GDP figures, one per nation and year."""

    def put(self, figures: Sequence[GdpFigure]) -> int:
        """Store the figures, each replacing the stored one of its nation and year (a revised
        figure); how many replaced one."""
        ...

    def list(self) -> list[GdpFigure]:
        """Every stored figure, by nation, then year."""
        ...


class Transaction(Protocol):
    """`with` it: the block is one database transaction."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class UnitOfWork(Transaction, Protocol):
    """One use case, one transaction: `with uow: ...; uow.commit()`; no commit rolls back."""

    # Read-only in the protocol, so an adapter may hold its own repository types.
    @property
    def participants(self) -> ParticipantRepository: ...
    @property
    def catalog(self) -> CatalogRepository: ...
    @property
    def cycles(self) -> CycleRepository: ...
    @property
    def requirements(self) -> RequirementRepository: ...
    @property
    def contributions(self) -> ContributionRepository: ...
    @property
    def packages(self) -> PackageRepository: ...
    @property
    def shipments(self) -> ShipmentRepository: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def auth_failures(self) -> AuthFailureRepository: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def passwords(self) -> PasswordRepository: ...
    @property
    def web_sessions(self) -> WebSessionRepository: ...
    @property
    def policies(self) -> PolicyRepository: ...
    @property
    def indicators(self) -> IndicatorRepository: ...
    @property
    def bases(self) -> BasisRepository: ...
    @property
    def fx_rates(self) -> FxRateRepository: ...
    @property
    def trees(self) -> MerkleTrees: ...
    @property
    def checkpoints(self) -> CheckpointRepository: ...
    @property
    def gdp(self) -> GdpRepository: ...
    @property
    def releases(self) -> ReleaseRepository: ...

    def next_id(self, sequence: str) -> int:
        """The next number of a named sequence, unique across processes."""
        ...

    def next_ids(self, sequence: str, count: int) -> range:
        """The next `count` numbers of a named sequence at once, as `count` calls of
        `next_id` would give them."""
        ...

    def read_one_moment(self) -> None:
        """Make every read of this transaction see the database as of one moment (for reads
        that must agree with each other, such as an export); call it before the first read."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class LatestRate:
    """The last rate per euro of a currency on or before some day, and whether it was loaded
    into the database (`fx update`, `fx set`); if not, it came bundled with the software, and
    when it was loaded is not known."""

    rate: FxRate
    stored: bool


class FxRates(Protocol):
    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, date, str]:
        """(target units per source unit, the date the rate is of, its source) for `on`."""
        ...

    def currencies(self) -> frozenset[str]:
        """The currencies it has rates for."""
        ...

    def latest_day(self, on: date) -> date | None:
        """The last day on or before `on` with a reference rate for USD, the pool's currency:
        how current the rates are (every conversion into the pool needs one)."""
        ...

    def latest_rates(
        self, on: date, *, currencies: Collection[str] | None = None
    ) -> list[LatestRate]:
        """The last rate of each currency (of `currencies`, or of every one it knows but the
        euro) on or before `on`, by currency: the later of the stored and the bundled one, the
        stored one on a tie. A currency without any rate is left out."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...
