"""Pages and reports cost a fixed number of SQL statements, however long the history: the
overview, a package page, the transparency report and a statement take as many statements
after ten cycles of history as after one (ten times the contributions, packages, shipments
and ledger entries the allocated demo is followed by), on SQLite and PostgreSQL. And what the
reader sums is exactly what redaction lets each viewer sum."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from history_world import NOW, FixedClock, add_cycles, build
from sqlalchemy import event, func, select

from database_world import CHEAP_PASSWORDS
from purldesk.adapters.storage.tables import (
    ContributionRow,
    LedgerEntryRow,
    PackageRow,
    ShipmentRow,
)
from purldesk.bootstrap import Application
from purldesk.bootstrap import build as wire
from purldesk.config import load_settings
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.confidentiality import redact, totals
from purldesk.domain.packages import PackageId, PackageStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.services.views import overview, packages, statement, transparency

COORDINATOR = Actor(UserId(1), "coordinator", ParticipantCode("NATO-NSATU"), Role.COORDINATOR)
NLD = Actor(UserId(2), "contributor-nld", ParticipantCode("NLD"), Role.CONTRIBUTOR)
LVA = Actor(UserId(3), "contributor-lva", ParticipantCode("LVA"), Role.CONTRIBUTOR)
RECIPIENT = Actor(UserId(4), "recipient", ParticipantCode("UKR"), Role.RECIPIENT)
VIEWERS = (PUBLIC, OPERATOR, COORDINATOR.viewer, NLD.viewer, LVA.viewer, RECIPIENT.viewer)


@pytest.fixture
def app(database_url: str) -> Iterator[Application]:
    # This test reads pages and never logs in: the demo's users get cheap hashes.
    settings = load_settings(database_url=database_url)
    wired = wire(settings, clock=FixedClock(), passwords=CHEAP_PASSWORDS)
    yield wired
    wired.close()


def statements_of(app: Application, read: Callable[[], object]) -> int:
    """How many SQL statements one read sends to the database."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(args[2])

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        read()
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    return len(sent)


def page_costs(app: Application) -> dict[str, int]:
    """Statements per page and report, for a package that is shipping (it has everything)."""
    today = NOW.date()
    with app.engine.connect() as connection:
        shipping = connection.scalar(
            select(func.max(PackageRow.id)).where(
                PackageRow.status == PackageStatus.DELIVERING.value
            )
        )
    assert shipping is not None
    package_id = PackageId(shipping)
    reads: dict[str, Callable[[], object]] = {
        "overview": lambda: overview.overview(app.reader(), viewer=COORDINATOR.viewer, today=today),
        "contributor's overview": lambda: overview.overview(
            app.reader(), viewer=NLD.viewer, today=today
        ),
        "package page": lambda: packages.package_detail(
            app.reader(), viewer=COORDINATOR.viewer, package_id=package_id
        ),
        "package as the public sees it": lambda: packages.public_package(
            app.reader(), package_id=package_id
        ),
        "transparency report": lambda: transparency.transparency(app.reader(), today=today),
        "statement": lambda: statement.statement(
            app.reader(), viewer=NLD.viewer, contributor="NLD"
        ),
        "statement report": lambda: statement.statement_report(
            app.reader(), viewer=OPERATOR, contributor="NLD"
        ),
    }
    return {name: statements_of(app, read) for name, read in reads.items()}


def sizes(app: Application) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table)) or 0
            for name, table in (
                ("contributions", ContributionRow),
                ("packages", PackageRow),
                ("shipments", ShipmentRow),
                ("ledger entries", LedgerEntryRow),
            )
        }


def assert_sums_are_what_redaction_allows(app: Application, viewer: Viewer) -> None:
    with app.uow() as uow:
        found = uow.contributions.list(statuses=sorted(overview.LIVE))
    expected = totals(redact(viewer, c) for c in found)
    with app.reader() as reader:
        groups = reader.contribution_groups(viewer, statuses=overview.LIVE)
    summed = overview.group_totals(groups)
    assert (summed.pledged, summed.received_usd) == (expected.pledged, expected.received_usd)
    assert (summed.counted, summed.undisclosed_count) == (
        expected.counted,
        expected.undisclosed_count,
    )


def test_pages_cost_as_many_statements_on_a_history_ten_times_longer(app: Application) -> None:
    build(app, cycles=0)
    demo = sizes(app)
    add_cycles(app, first=1, last=1)
    small, before = sizes(app), page_costs(app)
    for viewer in VIEWERS:
        assert_sums_are_what_redaction_allows(app, viewer)

    add_cycles(app, first=2, last=10)
    large, after = sizes(app), page_costs(app)

    for name in demo:  # ten times the history the demo's allocated cycle is followed by
        assert large[name] - demo[name] >= 9 * (small[name] - demo[name]) > 0, (name, small, large)
    assert after == before
    # The transparency report first reads the state mark its kept copy is filed under
    # (services/memo.py): two statements more than the overview it then computes.
    assert after["transparency report"] <= after["overview"] + 2, after
    others = {name: n for name, n in after.items() if name != "transparency report"}
    assert max(others.values()) <= 13, after  # one more since restricted contents: a constant
    for viewer in VIEWERS:
        assert_sums_are_what_redaction_allows(app, viewer)
