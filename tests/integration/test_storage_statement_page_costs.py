"""A contributor's statement page reads a page of each of its lists and sums the rest: it
issues the same SQL statements, fetching as many rows, with 30 contributions and with 430 (and
as many more lines paid), and with 29 allocations whose bases keep its substitution effects
and with 89, on SQLite and on PostgreSQL; it reads no allocation basis."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from test_storage_account_balances import Statements

import statement_world
import substitution_world
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.access import Actor, Role, UserId, Viewer
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services.views import statement
from sql_costs import Cost, SqlCounter

NLD = Actor(UserId(1), "mof@nld", ParticipantCode("NLD"), Role.CONTRIBUTOR).viewer
COORDINATOR = Actor(UserId(2), "nsatu", ParticipantCode("NATO-NSATU"), Role.COORDINATOR).viewer


def _page(engine: Engine, viewer: Viewer) -> tuple[Cost, tuple[int, int, int, int]]:
    sessions = session_factory(engine)

    def read() -> tuple[int, int, int, int]:
        view = statement.statement(
            SqlReader(sessions), viewer=viewer, contributor="NLD", contributions_asked=2,
            lines_asked=2, size=10,
        )  # fmt: skip
        return (
            len(view.contributions), len(view.rows), view.contributions_page.total,
            view.lines_page.total,
        )  # fmt: skip

    shown, cost = SqlCounter(engine).measure(read)
    return cost, shown


def test_the_statement_page_costs_the_same_however_long_the_contributors_history(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    statement_world.seed(uow_factory, count=30)
    short = {who: _page(engine, viewer) for who, viewer in (("NLD", NLD), ("co", COORDINATOR))}
    statement_world.grow(uow_factory, count=400, start=30, into=PackageId(100))
    long = {who: _page(engine, viewer) for who, viewer in (("NLD", NLD), ("co", COORDINATOR))}
    for who in short:
        assert short[who][1] == (10, 10, 31, 32), who  # a page of each, of the whole history
        assert long[who][1] == (10, 10, 431, 432), who
        assert short[who][0] == long[who][0], who  # as many statements, fetching as many rows


def _substitutions(engine: Engine, viewer: Viewer) -> tuple[Cost, tuple[int, int, int]]:
    sessions = session_factory(engine)

    def read() -> tuple[int, int, int]:
        view = statement.statement(
            SqlReader(sessions), viewer=viewer, contributor="NLD", substitutions_asked=2,
            effects_size=10,
        )  # fmt: skip
        shown = view.substitutions
        return len(shown), sum(len(r.packages) for r in shown), view.substitutions_page.total

    shown, cost = SqlCounter(engine).measure(read)
    return cost, shown


def test_the_statement_pages_substitutions_cost_the_same_however_many_allocations(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    substitution_world.seed_allocations(uow_factory)
    grown = substitution_world.ALLOCATIONS
    substitution_world.allocate(uow_factory, count=20, start=grown, restricting=True)
    viewers = (("NLD", NLD), ("co", COORDINATOR))
    short = {who: _substitutions(engine, viewer) for who, viewer in viewers}
    # more packages restricted too: only those of the page's lines are read
    substitution_world.allocate(uow_factory, count=60, start=grown + 20, restricting=True)
    statements = Statements(engine)
    long = {who: _substitutions(engine, viewer) for who, viewer in viewers}
    for who in short:
        assert short[who][1] == (10, 20, grown + 20 + 2), who  # a page of runs of two packages
        assert long[who][1] == (10, 20, grown + 80 + 2), who
        assert short[who][0] == long[who][0], who  # as many statements, fetching as many rows
    assert [sql for sql in statements.seen if "allocation_substitutions" in sql]
    assert not [sql for sql in statements.seen if "allocation_bases" in sql]
