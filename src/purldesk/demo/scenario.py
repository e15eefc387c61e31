"""The demo scenario: public PURL facts loaded through the same services a user calls.

Every step skips what is already there, so building twice gives the same state, and a build
that was interrupted finishes where it stopped. Time is fixed, so two builds are identical
down to the ledger's hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from typing import TypeVar

from purldesk.adapters.countries import is_nation_code
from purldesk.adapters.imports import csv_files
from purldesk.bootstrap import Application
from purldesk.domain.errors import Conflict, ImportRejected
from purldesk.domain.requirements import Cycle, CycleStatus
from purldesk.services import catalog, contributions, participants, requirements

CYCLE_NAME = "2025-09"
CYCLE_OPENS_ON = date(2025, 9, 1)
RECORDED_AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)
COORDINATOR = "NATO-NSATU"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DemoSummary:
    participants: int
    catalog_items: int
    lines: int
    contributions: int


def data_text(name: str) -> str:
    return resources.files("purldesk.demo").joinpath("data", name).read_text(encoding="utf-8")


def _rows(name: str, parse: Callable[[str], csv_files.Parsed[T]]) -> list[T]:
    parsed = parse(data_text(name))
    if parsed.errors:
        raise ImportRejected(name, parsed.errors)
    return parsed.rows


STEPS = ("participants", "catalog", "requirements list", "endorsement", "contributions")


def build(app: Application, *, advance: Callable[[str], None] = lambda _step: None) -> DemoSummary:
    """Load the scenario into an empty (or demo) database; `advance` is told each step's name."""
    existing = participants.list_all(app.uow())
    if existing and not any(p.code == COORDINATOR for p in existing):
        raise Conflict("the database holds data that is not the demo; use an empty database")
    people = _rows(
        "participants.csv",
        lambda text: csv_files.parse_participants(text, is_nation_code=is_nation_code),
    )
    participants.add_many(app.uow(), participants=people)
    advance(STEPS[0])
    items = _rows("catalog.csv", csv_files.parse_catalog)
    catalog.import_items(app.uow(), items=items)
    advance(STEPS[1])
    cycle = _cycle(app)
    if not requirements.list_lines(app.uow(), cycle_id=cycle.id):
        rows = _rows("requirements.csv", csv_files.parse_requirements)
        requirements.import_lines(app.uow(), cycle_id=cycle.id, rows=rows, at=RECORDED_AT, by="UKR")
    advance(STEPS[2])
    for status in (CycleStatus.SUBMITTED, CycleStatus.ENDORSED):
        cycle = requirements.resolve_cycle(app.uow(), name=CYCLE_NAME)
        if cycle.status is CycleStatus.DRAFT or (
            cycle.status is CycleStatus.SUBMITTED and status is CycleStatus.ENDORSED
        ):
            requirements.move_cycle(app.uow(), cycle_id=cycle.id, status=status)
    advance(STEPS[3])
    if not contributions.list_all(app.uow()):
        money = _rows("contributions.csv", csv_files.parse_contributions)
        contributions.import_rows(app.uow(), app.fx, rows=money, at=RECORDED_AT)
    advance(STEPS[4])
    return DemoSummary(
        participants=len(participants.list_all(app.uow())),
        catalog_items=len(catalog.list_all(app.uow())),
        lines=len(requirements.list_lines(app.uow(), cycle_id=cycle.id)),
        contributions=len(contributions.list_all(app.uow())),
    )


def _cycle(app: Application) -> Cycle:
    found = requirements.find_cycle(app.uow(), name=CYCLE_NAME)
    if found is not None:
        return found
    return requirements.open_cycle(app.uow(), name=CYCLE_NAME, opens_on=CYCLE_OPENS_ON)
