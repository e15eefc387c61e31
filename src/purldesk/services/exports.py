"""A consistent snapshot of everything, read in one transaction, for exports."""

from __future__ import annotations

from dataclasses import dataclass

from purldesk.domain.catalog import CatalogItem
from purldesk.domain.contributions import Contribution
from purldesk.domain.indicators import Observation
from purldesk.domain.ledger import LedgerEntry
from purldesk.domain.packages import Package
from purldesk.domain.participants import Participant
from purldesk.domain.policies import PolicyVersion
from purldesk.domain.requirements import Cycle, RequirementLine
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Snapshot:
    participants: list[Participant]
    catalog: list[CatalogItem]
    cycles: list[Cycle]
    lines: list[RequirementLine]
    contributions: list[Contribution]
    packages: list[Package]
    ledger: list[LedgerEntry]
    policies: list[PolicyVersion]
    observations: list[Observation]


def snapshot(uow: UnitOfWork) -> Snapshot:
    with uow:
        cycles = sorted(uow.cycles.list(), key=lambda c: c.id)
        return Snapshot(
            participants=sorted(uow.participants.list(), key=lambda p: p.code),
            catalog=sorted(uow.catalog.list(), key=lambda i: i.code),
            cycles=cycles,
            lines=[line for c in cycles for line in uow.requirements.list(c.id)],
            contributions=uow.contributions.list(),
            packages=sorted(uow.packages.list(), key=lambda p: p.id),
            ledger=uow.ledger.entries(),
            policies=uow.policies.list(),
            observations=uow.indicators.list(),
        )
