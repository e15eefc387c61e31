"""The demo scenario's data, and `build`: the files loaded through the same services a user
calls at one moment (every contribution received, none allocated, one endorsed cycle, and a
hypothetical Korean pledge), the world the test suite starts from. `purldesk demo` records the
same files as PURL's history instead (`history.py`).

Every step skips what is already there, so building twice gives the same state, and a build
that was interrupted finishes where it stopped. Time is fixed, so two builds are identical
down to the ledger's hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import TypeVar

from purldesk.adapters.countries import is_nation_code
from purldesk.adapters.imports import csv_files, indicator_files
from purldesk.bootstrap import Application
from purldesk.domain.access import Role, operator
from purldesk.domain.errors import Conflict, ImportRejected
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
    users,
)
from purldesk.services.handle import Command

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


def rows(name: str, parse: Callable[[str], csv_files.Parsed[T]]) -> list[T]:
    parsed = parse(data_text(name))
    if parsed.errors:
        raise ImportRejected(name, parsed.errors)
    return parsed.rows


# The Republic of Korea's policy and a hypothetical Korean pledge (Korea has made no PURL
# contribution): the amount, dates and terms are illustrative, see data/SOURCES.md.
KOREA = "KOR"
KOREA_POLICY = "policies/KOR.toml"
KOREA_PLEDGE = Money.of(30_000_000_000, "KRW")
KOREA_PLEDGED_ON = date(2025, 12, 4)
KOREA_PURPOSE = (
    "HYPOTHETICAL pledge for the demo: Korea has made no PURL contribution. Amount and date are "
    "illustrative; the source is the statement its phased policy is modelled on."
)
KOREA_SOURCE = "https://www.taipeitimes.com/News/world/archives/2024/11/08/2003826587"

# One dashboard user per role, with a password known to everyone: for the demo database only.
DEMO_PASSWORD = "demo-password"
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("recipient", "UKR", Role.RECIPIENT),
    ("coordinator", COORDINATOR, Role.COORDINATOR),
    ("contributor-nld", "NLD", Role.CONTRIBUTOR),
    ("contributor-kor", KOREA, Role.CONTRIBUTOR),
    ("supplier", "USA", Role.SUPPLIER),
    ("auditor", COORDINATOR, Role.AUDITOR),
)

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
    demo_users(app)
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
DEMO_OPERATOR = operator("demo")


def _run(app: Application, command: Command[R], *, at: datetime = RECORDED_AT) -> R:
    """Every write of the demo is a command of the operator's, audited, at the demo's time."""
    return app.run(command, actor=DEMO_OPERATOR, request_id="demo", at=at)


def _checkpoint(app: Application) -> None:
    """A signed checkpoint of the whole ledger, unless the latest one covers it already."""
    if not checkpoints.covers_the_ledger(app.uow()):
        _run(app, ledger.TakeCheckpoint())


def demo_users(app: Application, *, at: datetime = RECORDED_AT) -> None:
    """One dashboard user per role with the demo password, unless they are there already."""
    existing = {u.name for u in users.list_all(app.uow())}
    hasher = app.passwords
    for name, organization, role in DEMO_USERS:
        if name not in existing:
            command = users.AddUser(
                name=name, organization=organization, role=role,
                token_lifetime=timedelta(days=app.settings.auth.token_lifetime_days),
                pepper=app.settings.auth.token_pepper.get_secret_value().encode(),
            )  # fmt: skip
            _run(app, command, at=at)
        if not users.has_password(app.uow(), hasher, name=name, password=DEMO_PASSWORD):
            password = users.SetPassword(name=name, password_hash=hasher.hash(DEMO_PASSWORD))
            _run(app, password, at=at)


def demo_logins(app: Application) -> list[tuple[str, Role]]:
    """The demo's users (name, role) if this database is the demo and they still have the
    demo password; otherwise none, so a real database never advertises logins."""
    found = {u.name: u for u in users.list_all(app.uow()) if u.is_active}
    if not all(name in found for name, _org, _role in DEMO_USERS):
        return []
    first = DEMO_USERS[0][0]
    if not users.has_password(app.uow(), app.passwords, name=first, password=DEMO_PASSWORD):
        return []
    return [(name, role) for name, _org, role in DEMO_USERS]
