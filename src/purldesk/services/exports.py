"""A consistent snapshot of everything, read in one transaction, for exports."""

from __future__ import annotations

from collections.abc import Callable
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
    def occupied(self) -> dict[str, int]: ...
    def load(
        self, tables: dict[str, Any], *, progress: Callable[[str, int], None] = ...
    ) -> int: ...


class RestorableUnitOfWork(UnitOfWork, Protocol):
    @property
    def rows(self) -> TableRows: ...


def snapshot(uow: RestorableUnitOfWork) -> Snapshot:
    """Everything, as of one moment: lines by cycle, then priority; their rank and edit
    histories by line id, then oldest first; everything else in its repository's order or by
    its key."""
    with uow:
        uow.read_one_moment()
        return read(uow)


def read(uow: RestorableUnitOfWork) -> Snapshot:
    """`snapshot` inside a unit of work already open."""
    cycles = sorted(uow.cycles.list(), key=lambda c: c.id)
    lines = [line for c in cycles for line in uow.requirements.list(c.id)]
    line_ids = sorted(line.id for line in lines)
    return Snapshot(
        participants=sorted(uow.participants.list(), key=lambda p: p.code),
        catalog=sorted(uow.catalog.list(), key=lambda i: i.code),
        cycles=cycles,
        lines=lines,
        rank_changes=[r for i in line_ids for r in uow.requirements.rank_history(i)],
        line_changes=[c for i in line_ids for c in uow.requirements.change_history(i)],
        contributions=uow.contributions.list(),
        packages=sorted(uow.packages.list(), key=lambda p: p.id),
        shipments=sorted(uow.shipments.list(), key=lambda s: s.id),
        ledger=uow.ledger.entries(),
        policies=uow.policies.list(),
        observations=uow.indicators.list(),
        tables=uow.rows.dump(),
    )
