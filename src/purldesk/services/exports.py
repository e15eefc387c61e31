"""A consistent snapshot of everything, read in one transaction, for exports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from purldesk.domain.catalog import CatalogItem
from purldesk.domain.contributions import Contribution
from purldesk.domain.deliveries import Shipment
from purldesk.domain.indicators import Observation
from purldesk.domain.ledger import LedgerEntry
from purldesk.domain.packages import Package
from purldesk.domain.participants import Participant
from purldesk.domain.policies import PolicyVersion
from purldesk.domain.requirements import Cycle, LineChange, RankChange, RequirementLine
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Snapshot:
    participants: list[Participant]
    catalog: list[CatalogItem]
    cycles: list[Cycle]
    lines: list[RequirementLine]
    rank_changes: list[RankChange]
    line_changes: list[LineChange]
    contributions: list[Contribution]
    packages: list[Package]
    shipments: list[Shipment]
    ledger: list[LedgerEntry]
    policies: list[PolicyVersion]
    observations: list[Observation]
    # Every row of the tables a restore writes back, by table, then key (`TableRows.dump`).
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class TableRows(Protocol):
    """The stored rows themselves, as JSON values, for a lossless export and its restore."""

    def dump(self) -> dict[str, list[dict[str, Any]]]: ...
    def streamed(self) -> Mapping[str, Iterable[dict[str, Any]]]: ...
    def occupied(self) -> dict[str, int]: ...
    def load(
        self, tables: dict[str, Any], *, progress: Callable[[str, int], None] = ...
    ) -> int: ...


class RestorableUnitOfWork(UnitOfWork, Protocol):
    @property
    def rows(self) -> TableRows: ...


class Sections:
    """The parts of a snapshot, each read when asked for, inside a unit of work open on one
    moment (`sections`): an export writes each part as it reads it, holding none whole but
    the one it is writing. The attributes are a `Snapshot`'s, in the same order."""

    def __init__(self, uow: RestorableUnitOfWork) -> None:
        self._uow = uow
        self._lines: list[RequirementLine] | None = None

    @property
    def participants(self) -> list[Participant]:
        return sorted(self._uow.participants.list(), key=lambda p: p.code)

    @property
    def catalog(self) -> list[CatalogItem]:
        return sorted(self._uow.catalog.list(), key=lambda i: i.code)

    @property
    def cycles(self) -> list[Cycle]:
        return sorted(self._uow.cycles.list(), key=lambda c: c.id)

    @property
    def lines(self) -> list[RequirementLine]:
        if self._lines is None:  # shipments name their lines' refs
            self._lines = [line for c in self.cycles for line in self._uow.requirements.list(c.id)]
        return self._lines

    @property
    def rank_changes(self) -> list[RankChange]:
        return self._uow.requirements.rank_histories()

    @property
    def line_changes(self) -> list[LineChange]:
        return self._uow.requirements.change_histories()

    @property
    def contributions(self) -> list[Contribution]:
        return self._uow.contributions.list()

    @property
    def packages(self) -> list[Package]:
        return sorted(self._uow.packages.list(), key=lambda p: p.id)

    @property
    def shipments(self) -> list[Shipment]:
        return sorted(self._uow.shipments.list(), key=lambda s: s.id)

    @property
    def ledger(self) -> list[LedgerEntry]:
        return self._uow.ledger.entries()

    @property
    def policies(self) -> list[PolicyVersion]:
        return self._uow.policies.list()

    @property
    def observations(self) -> list[Observation]:
        return self._uow.indicators.list()

    @property
    def tables(self) -> Mapping[str, Iterable[dict[str, Any]]]:
        """Each table's rows, read by key as they are iterated."""
        return self._uow.rows.streamed()


@contextmanager
def sections(uow: RestorableUnitOfWork) -> Iterator[Sections]:
    """Everything, as of one moment, read part by part while the unit of work stays open: as
    `snapshot` orders it."""
    with uow:
        uow.read_one_moment()
        yield Sections(uow)


def snapshot(uow: RestorableUnitOfWork) -> Snapshot:
    """Everything, as of one moment: lines by cycle, then priority; their rank and edit
    histories by line id, then oldest first; everything else in its repository's order or by
    its key."""
    with uow:
        uow.read_one_moment()
        return read(uow)


def read(uow: RestorableUnitOfWork) -> Snapshot:
    """`snapshot` inside a unit of work already open."""
    parts = Sections(uow)
    return Snapshot(
        participants=parts.participants,
        catalog=parts.catalog,
        cycles=parts.cycles,
        lines=parts.lines,
        rank_changes=parts.rank_changes,
        line_changes=parts.line_changes,
        contributions=parts.contributions,
        packages=parts.packages,
        shipments=parts.shipments,
        ledger=parts.ledger,
        policies=parts.policies,
        observations=parts.observations,
        tables=uow.rows.dump(),
    )
