"""The scenario's data loaded at one moment, the world most tests start from: the whole list
as one endorsed cycle (2025-09), every contribution received and none allocated, and a
hypothetical Korean pledge (Korea joins here, as it may) to exercise its phased policy. The
demo `purldesk demo` builds is PURL's history instead (`purldesk.demo.history`).

Every step skips what is already there, so building twice gives the same state; time is
fixed, so two builds are identical down to the ledger's hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from purldesk.adapters.countries import is_nation_code
from purldesk.adapters.imports import csv_files, indicator_files
from purldesk.bootstrap import Application
from purldesk.demo.scenario import (
    COORDINATOR,
    DEMO_OPERATOR,
    KOREA,
    KOREA_POLICY,
    data_text,
    demo_users,
    rows,
)  # fmt: skip
from purldesk.domain.errors import Conflict
from purldesk.domain.money import Money
from purldesk.domain.participants import ParticipantCode, ParticipantStatus
from purldesk.domain.requirements import Cycle, CycleStatus
from purldesk.services import (
    catalog,
    checkpoints,
    contributions,
    indicators,
    ledger,
    participants,
    policies,
    requirements,
)  # fmt: skip
from purldesk.services.handle import Command

CYCLE_NAME = "2025-09"
CYCLE_OPENS_ON = date(2025, 9, 1)
RECORDED_AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)

KOREA_PLEDGE = Money.of(30_000_000_000, "KRW")
KOREA_PLEDGED_ON = date(2025, 12, 4)
KOREA_PURPOSE = (
    "HYPOTHETICAL pledge for the demo: Korea has made no PURL contribution. Amount and date are "
    "illustrative; the source is the statement its phased policy is modelled on."
)
KOREA_SOURCE = "https://www.taipeitimes.com/News/world/archives/2024/11/08/2003826587"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    participants: int
    catalog_items: int
    lines: int
    contributions: int


STEPS = (
    "participants", "catalog", "requirements list", "endorsement", "contributions",
    "indicators", "policies", "korean pledge", "dashboard users", "checkpoint",
)  # fmt: skip


def build(app: Application, *, advance: Callable[[str], None] = lambda _step: None) -> DemoSummary:
    """Load the scenario into an empty (or demo) database; `advance` is told each step's name."""
    existing = participants.list_all(app.uow())
    if existing and not any(p.code == COORDINATOR for p in existing):
        raise Conflict("the database holds data that is not the demo; use an empty database")
    people = rows(
        "participants.csv",
        lambda text: csv_files.parse_participants(text, is_nation_code=is_nation_code),
    )
    _run(app, participants.AddMany(participants=tuple(people)))
    advance(STEPS[0])
    items = rows("catalog.csv", csv_files.parse_catalog)
    _run(app, catalog.Import(items=tuple(items)))
    advance(STEPS[1])
    cycle = _cycle(app)
    if not requirements.list_lines(app.uow(), cycle_id=cycle.id):
        lines = rows("requirements.csv", csv_files.parse_requirements)
        _run(app, requirements.ImportLines(cycle=cycle.name, rows=tuple(lines)))
    advance(STEPS[2])
    for status in (CycleStatus.SUBMITTED, CycleStatus.ENDORSED):
        cycle = requirements.resolve_cycle(app.uow(), name=CYCLE_NAME)
        if cycle.status is CycleStatus.DRAFT or (
            cycle.status is CycleStatus.SUBMITTED and status is CycleStatus.ENDORSED
        ):
            step = (
                requirements.SubmitCycle
                if status is CycleStatus.SUBMITTED
                else requirements.EndorseCycle
            )
            _run(app, step(cycle=cycle.name))
    advance(STEPS[3])
    if not contributions.list_all(app.uow()):
        money = rows("contributions.csv", csv_files.parse_contributions)
        _run(app, contributions.Import(rows=tuple(money), source_name="contributions.csv"))
    advance(STEPS[4])
    if not indicators.list_observations(app.uow()):
        observed = rows("indicators.csv", indicator_files.parse_observations)
        _run(app, indicators.Import(rows=tuple(observed), source_name="indicators.csv"))
    advance(STEPS[5])
    if not policies.versions(app.uow(), contributor=KOREA):
        policy = policies.SetPolicy(
            contributor=KOREA, text=data_text(KOREA_POLICY), filename=KOREA_POLICY
        )
        _run(app, policy)
    advance(STEPS[6])
    if not contributions.list_all(app.uow(), contributor=ParticipantCode(KOREA)):
        # Here Korea joins, as it may: this world answers what its phased policy would do.
        _run(app, participants.Move(code=KOREA, status=ParticipantStatus.JOINED))
        pledge = contributions.Pledge(
            contributor=KOREA, amount=KOREA_PLEDGE, pledged_on=KOREA_PLEDGED_ON,
            purpose=KOREA_PURPOSE, source=KOREA_SOURCE,
        )  # fmt: skip
        pledged = _run(app, pledge)
        _run(app, contributions.Receive(contribution_id=pledged.id, on=KOREA_PLEDGED_ON))
    advance(STEPS[7])
    demo_users(app, at=RECORDED_AT)
    advance(STEPS[8])
    _checkpoint(app)
    advance(STEPS[9])
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
    return _run(app, requirements.OpenCycle(name=CYCLE_NAME, opens_on=CYCLE_OPENS_ON))


R = TypeVar("R")


def _run(app: Application, command: Command[R]) -> R:
    return app.run(command, actor=DEMO_OPERATOR, request_id="demo", at=RECORDED_AT)


def _checkpoint(app: Application) -> None:
    """A signed checkpoint of the whole ledger, unless the latest one covers it already."""
    if not checkpoints.covers_the_ledger(app.uow()):
        _run(app, ledger.TakeCheckpoint())
