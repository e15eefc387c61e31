"""The contributions' kept totals on SQLite and PostgreSQL: on the demo, every role of every
organization reads from them what the row-by-row SQL read, before and after pledges, receipts,
cancellations and disclosure changes; migration 0020 builds them for contributions written
before it, a restore and `rebuild-balances` rebuild them, `verify` names one that drifted, and
the totals' reads read them alone, as many rows however many contributions there are; writers
at once on PostgreSQL add up."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select, text
from test_storage_account_balances import Statements
from test_storage_concurrency import run_together

import reader_world
from contribution_sums import (
    row_by_row_count,
    row_by_row_groups,
    row_by_row_hidden_received,
    row_by_row_received_by_giver,
)
from database_world import CHEAP_PASSWORDS
from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.balance_tables import ContributionTotalRow
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.bootstrap import Application
from purldesk.bootstrap import build as wire
from purldesk.config import load_settings
from purldesk.demo.scenario import DEMO_OPERATOR
from purldesk.domain import contribution_totals
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.contributions import ContributionId, ContributionStatus
from purldesk.domain.ledger import Finding
from purldesk.domain.money import Money
from purldesk.services import contributions
from purldesk.services import ledger as ledger_service
from purldesk.services.views import contributions as contribution_pages
from purldesk.services.views import overview
from sql_costs import SqlCounter

UowFactory = Callable[[], SqlUnitOfWork]
AT = datetime(2025, 12, 1, 9, tzinfo=UTC)
ASKED = (frozenset(ContributionStatus), overview.LIVE)  # the contributions page, the overviews


@pytest.fixture
def app(demo_url: str) -> Iterator[Application]:
    wired = wire(load_settings(database_url=demo_url), passwords=CHEAP_PASSWORDS)
    yield wired
    wired.close()


def _viewers(app: Application) -> list[Viewer]:
    """The public, the command line, and every role of every organization."""
    with app.reader() as reader:
        codes = [p.code for p in reader.participants()]
    roles = [role for role in Role if role is not Role.OPERATOR]
    actors = [Actor(UserId(1), f"{r}-{c}", c, r).viewer for r in roles for c in codes]
    return [PUBLIC, OPERATOR, *actors]


def _reads_as_row_by_row(app: Application, viewers: list[Viewer]) -> None:
    with app.reader() as reader, app.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        every = uow.contributions.list()
        kept = uow.contributions.kept_totals()
        assert {k: t for k, t in kept.items() if t != contribution_totals.NOTHING} == (
            contribution_totals.totals(every)
        )
        givers = sorted({c.contributor for c in every})
        for viewer in viewers:
            for statuses in ASKED:
                assert reader.contribution_groups(viewer, statuses=statuses) == (
                    row_by_row_groups(session, viewer, statuses=statuses)
                ), viewer
                assert reader.received_by_giver(viewer, statuses=statuses) == (
                    row_by_row_received_by_giver(session, viewer, statuses=statuses)
                ), viewer
                assert reader.hidden_received(viewer, statuses=statuses) == (
                    row_by_row_hidden_received(session, viewer, statuses=statuses)
                ), viewer
            if viewer.organization is not None:  # what its contributions page totals
                own = viewer.organization
                assert reader.contribution_groups(
                    viewer, statuses=frozenset(ContributionStatus), contributor=own
                ) == row_by_row_groups(
                    session, viewer, statuses=frozenset(ContributionStatus), contributor=own
                )
        for code in (None, *givers):
            assert reader.count_contributions(contributor=code) == (
                row_by_row_count(session, contributor=code)
            )


def test_every_role_of_every_organization_reads_the_demo_as_row_by_row(app: Application) -> None:
    viewers = _viewers(app)
    _reads_as_row_by_row(app, viewers)
    every = contributions.list_all(app.uow())
    pledged = [c for c in every if c.status is ContributionStatus.PLEDGED]
    assert len(pledged) >= 2, "the demo has pledges to receive and to cancel"
    on = pledged[0].pledged_on
    contributions.receive(app.uow(), app.fx, contribution_id=pledged[0].id, received_on=on, at=AT)
    contributions.cancel(app.uow(), contribution_id=pledged[1].id, on=pledged[1].pledged_on, at=AT)
    for contribution, (confidential, anonymous) in zip(
        every[:4], [(True, True), (True, False), (False, True), (False, False)], strict=False
    ):
        command_ = contributions.SetDisclosure(
            contribution_id=contribution.id, confidential=confidential, anonymous=anonymous
        )
        app.run(command_, actor=DEMO_OPERATOR, request_id="test")
    contributions.pledge(
        app.uow(), contributor=every[0].contributor, amount=Money.of(12_345, "EUR"),
        pledged_on=on, at=AT, confidential=True, anonymous=True,
    )  # fmt: skip
    _reads_as_row_by_row(app, viewers)
    assert _findings(app.uow()) == []


def _findings(uow: SqlUnitOfWork | object) -> list[Finding]:
    return [f for f in ledger_service.verify(uow)[1] if f.rule == "contribution-total"]  # type: ignore[arg-type]


def test_migration_0020_builds_the_totals_the_writes_keep(
    empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    factory = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    reader_world.seed(factory)
    with factory() as uow:
        kept = uow.contributions.kept_totals()
        assert kept == contribution_totals.totals(uow.contributions.list())
    command.downgrade(migrate.alembic_config(empty_database_url), "0019")
    with engines(empty_database_url).connect() as connection:
        assert "contribution_totals" not in inspect(connection).get_table_names()
    migrate.upgrade(empty_database_url)
    with factory() as uow:
        assert uow.contributions.kept_totals() == kept
        received = uow.contributions.list(statuses=[ContributionStatus.RECEIVED])[0]
        uow.contributions.save(received.move_to(ContributionStatus.ALLOCATED))
        uow.commit()
    with factory() as uow:  # and they move on
        assert uow.contributions.kept_totals() != kept
        every = uow.contributions.list()
        assert {k: t for k, t in uow.contributions.kept_totals().items() if t.count} == (
            contribution_totals.totals(every)
        )
    assert _findings(factory()) == []


def test_a_restore_rebuilds_the_totals_from_the_contributions(
    uow_factory: UowFactory, empty_database_url: str, engines: Callable[[str], Engine]
) -> None:
    reader_world.seed(uow_factory)
    with uow_factory() as uow:
        kept = uow.contributions.kept_totals()
        dumped = uow.rows.dump()
    assert "contribution_totals" not in dumped
    migrate.upgrade(empty_database_url)
    sessions = session_factory(engines(empty_database_url))
    with SqlUnitOfWork(sessions) as uow:
        uow.rows.load(dumped)
        uow.commit()
    with SqlUnitOfWork(sessions) as uow:
        assert uow.contributions.kept_totals() == kept
    assert _findings(SqlUnitOfWork(sessions)) == []


KEY = "contributor = 'NLD' AND currency = 'EUR' AND status = 'received'"


@pytest.mark.parametrize(
    ("statement", "says", "sums"),
    [
        (f"UPDATE contribution_totals SET usd_low = usd_low + 1 WHERE {KEY}",
         "1 of 100000000 minor units, 1 of them converted to 110000001 USD minor units",
         "1 of 100000000 minor units, 1 of them converted to 110000000 USD minor units"),
        (f"UPDATE contribution_totals SET converted = 0 WHERE {KEY}",
         "1 of 100000000 minor units, 0 of them converted to 110000000 USD minor units",
         "1 of 100000000 minor units, 1 of them converted to 110000000 USD minor units"),
        (f"DELETE FROM contribution_totals WHERE {KEY}",
         "0 of 0 minor units, 0 of them converted to 0 USD minor units",
         "1 of 100000000 minor units, 1 of them converted to 110000000 USD minor units"),
    ],
)  # fmt: skip
def test_verify_names_a_drifted_total_and_a_rebuild_repairs_it(
    uow_factory: UowFactory, statement: str, says: str, sums: str
) -> None:
    reader_world.seed(uow_factory)
    assert _findings(uow_factory()) == []
    with uow_factory() as uow:
        kept_before = uow.contributions.kept_totals()
        assert uow.session.execute(text(statement)).rowcount == 1  # type: ignore[attr-defined]
        uow.commit()
    (finding,) = _findings(uow_factory())
    row = "contribution_totals NLD EUR received disclosed named"
    assert (finding.row, finding.contribution) == (row, None)
    assert finding.message == f"{row} holds {says}, the contributions sum to {sums}"
    with uow_factory() as uow:
        assert uow.contributions.rebuild_totals() == len(kept_before)
        uow.commit()
    assert _findings(uow_factory()) == []


def _grow(uow_factory: UowFactory, *, count: int) -> None:
    """`count` more contributions, copies of the world's (same givers, currencies, statuses
    and disclosure)."""
    with uow_factory() as uow:
        last = uow.contributions.last_id()
        models = reader_world.contributions()
        for n in range(count):
            model = models[n % len(models)]
            uow.contributions.add(replace(model, id=ContributionId(last + n + 1)))
        uow.commit()


VIEWER = Actor(UserId(1), "mof@nld", reader_world.NLD, Role.CONTRIBUTOR).viewer


def _totals_reads(engine: Engine) -> Callable[[], object]:
    sessions = session_factory(engine)

    def read() -> object:
        with SqlReader(sessions) as reader:
            reader.contribution_groups(VIEWER, statuses=overview.LIVE)  # the overviews
            reader.received_by_giver(VIEWER, statuses=overview.LIVE)  # burden sharing
            reader.hidden_received(VIEWER, statuses=overview.LIVE)
            reader.count_contributions()
        # The contributions page's and GET /api/v1/contributions/totals' totals.
        return contribution_pages.contribution_totals(SqlReader(sessions), viewer=VIEWER)

    return read


def test_the_totals_read_the_kept_rows_alone_however_many_contributions(
    engine: Engine, uow_factory: UowFactory
) -> None:
    reader_world.seed(uow_factory)
    read = _totals_reads(engine)
    statements = Statements(engine)
    ran = statements.of(read)
    assert [sql for sql in ran if "contribution_totals" in sql], ran
    # No statement reads the contributions themselves: only the kept rows.
    assert not [sql for sql in ran if re.search(r"\bcontributions\b", sql)], ran

    def kept_rows() -> int:
        with uow_factory() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(ContributionTotalRow)))  # type: ignore[attr-defined]

    _grow(uow_factory, count=30)
    short_totals, short = SqlCounter(engine).measure(read)
    rows = kept_rows()
    _grow(uow_factory, count=400)
    long_totals, long = SqlCounter(engine).measure(read)
    assert kept_rows() == rows  # the copies add to the rows there: none more to read
    assert short == long  # as many statements, fetching as many rows
    assert short_totals != long_totals  # the totals did move


WRITES_PER_WRITER = 12


@pytest.mark.postgres
def test_writers_at_once_without_the_write_lock_add_up_on_postgresql(
    postgres_url: str, engines: Callable[[str], Engine]
) -> None:
    """Two writers pledge into the same keys and move each other's contributions between them,
    each on its own engine and without the commands' write lock: the upserts add up."""
    factory = lambda: SqlUnitOfWork(session_factory(engines(postgres_url)))  # noqa: E731
    with factory() as uow:
        for participant in reader_world.participants():
            uow.participants.add(participant)
        uow.commit()
    models = reader_world.contributions()

    def writer(offset: int) -> Callable[[threading.Barrier], None]:
        sessions = session_factory(engines(postgres_url))

        def write(barrier: threading.Barrier) -> None:
            barrier.wait()
            for n in range(WRITES_PER_WRITER):
                with SqlUnitOfWork(sessions) as uow:
                    model = models[n % len(models)]
                    uow.contributions.add(replace(model, id=ContributionId(offset + n + 1)))
                    uow.commit()
                if n % 2:  # and disclose or hide the one before
                    with SqlUnitOfWork(sessions) as uow:
                        earlier = uow.contributions.get(ContributionId(offset + n))
                        uow.contributions.save(
                            replace(earlier, confidential=not earlier.confidential)
                        )
                        uow.commit()

        return write

    run_together(writer(0), writer(1000))
    with factory() as uow:
        every = uow.contributions.list()
        assert len(every) == 2 * WRITES_PER_WRITER
        kept = uow.contributions.kept_totals()
        assert {k: t for k, t in kept.items() if t.count} == contribution_totals.totals(every)
