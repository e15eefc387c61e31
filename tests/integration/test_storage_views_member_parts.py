"""A member's statement and the transparency report by members read the same on SQLite and
PostgreSQL as on the in-memory reader the view tests use (tests/unit/services/
test_views_member_parts.py), for a viewer that sees everything and for the member itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine

from fakes import FakeDatabase, FakeReader, FakeUnitOfWork
from member_world import PUBLIC_PARTS, seed
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.access import OPERATOR, Actor, Role, UserId
from purldesk.domain.participants import ParticipantCode
from purldesk.services.read_ports import Reader
from purldesk.services.views import statement, transparency
from purldesk.services.views.overview import ContributorsBy, OverviewView

TODAY = date(2025, 11, 20)
DENMARK = Actor(UserId(9), "denmark", ParticipantCode("DNK"), Role.CONTRIBUTOR).viewer


def _fake() -> FakeReader:
    database = FakeDatabase()
    seed(lambda: FakeUnitOfWork(database))
    return FakeReader(database)


def _reads(reader: Reader) -> list[object]:
    return [
        statement.statement(reader, viewer=OPERATOR, contributor="DNK"),
        statement.statement(reader, viewer=DENMARK, contributor="DNK"),
        statement.statement_report(reader, viewer=OPERATOR, contributor="SWE"),
        transparency.transparency(reader, today=TODAY, contributors_by=ContributorsBy.MEMBERS),
    ]


def test_member_views_read_alike_on_the_database_and_the_fake(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    seed(uow_factory)
    found = _reads(SqlReader(session_factory(engine)))
    assert found == _reads(_fake())
    by_members = found[3]
    assert isinstance(by_members, OverviewView)
    bars = {bar.label: bar.value_minor for bar in by_members.by_contributor}
    assert bars["Sweden"] == PUBLIC_PARTS[2].usd.minor
