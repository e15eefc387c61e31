"""The package list reads sums and counts, never the packages' attributions: a page of it
issues the same SQL statements, fetching as many rows, however many attributions and payers
(confidential or not) pay its packages, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Engine

import reader_world
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services.views import packages as package_pages
from reader_world import NLD, OCTOBER
from sql_costs import Cost, SqlCounter

NETHERLANDS = Actor(UserId(3), "contributor-nld", NLD, Role.CONTRIBUTOR).viewer
RECIPIENT = Actor(UserId(1), "mod@ukr", ParticipantCode("UKR"), Role.RECIPIENT).viewer
VIEWERS = (PUBLIC, NETHERLANDS, RECIPIENT, OPERATOR)


def _grow(uow_factory: Callable[[], SqlUnitOfWork], *, payers: int, parts: int) -> None:
    """`payers` more givers, every other one's contribution confidential, each paying `parts`
    attributions on every line of packages 1 and 3."""
    with uow_factory() as uow:
        known = len(uow.contributions.list())
        given = len(uow.participants.list())
        model = reader_world.contributions()[1]
        for n in range(payers):
            code = ParticipantCode(f"G{given + n:03d}")
            uow.participants.add(
                Participant(
                    code, f"Giver {code}", ParticipantKind.PARTNER, ParticipantStatus.JOINED
                )
            )
            uow.contributions.add(
                replace(
                    model, id=ContributionId(known + n + 1), contributor=code,
                    confidential=n % 2 == 0,
                )
            )  # fmt: skip
        for pid in (PackageId(1), PackageId(3)):
            package = uow.packages.get(pid)
            more = tuple(
                Attribution(ContributionId(known + n + 1), line.line_id, Money(1_00, USD))
                for n in range(payers)
                for line in package.lines
                for _ in range(parts)
            )
            uow.packages.save(replace(package, attributions=package.attributions + more))
        uow.commit()


def _listed(engine: Engine) -> tuple[Cost, list[int]]:
    """What listing a page of the packages, and a cycle's, costs each viewer; how many each
    lists."""
    sessions = session_factory(engine)

    def read() -> list[int]:
        listed = []
        for viewer in VIEWERS:
            first = package_pages.package_summaries(
                SqlReader(sessions), viewer=viewer, offset=0, limit=2
            )
            cycle = package_pages.package_summaries(
                SqlReader(sessions), viewer=viewer, cycle_id=OCTOBER
            )
            listed += [len(first.packages), first.total, len(cycle.packages), cycle.total]
        return listed

    shown, cost = SqlCounter(engine).measure(read)
    return cost, shown


def test_a_page_of_packages_costs_the_same_however_many_attributions_and_payers_pay_them(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    reader_world.seed(uow_factory)
    _grow(uow_factory, payers=3, parts=1)  # confidential money on every line of 1 and 3
    few = _listed(engine)
    _grow(uow_factory, payers=60, parts=5)  # 600 more attributions a line
    many = _listed(engine)
    assert few[1] == many[1] == [2, 3, 2, 2] * len(VIEWERS)
    assert few[0] == many[0]  # as many statements, fetching as many rows
    with SqlReader(session_factory(engine)) as reader:
        assert len(reader.package(PackageId(1)).attributions) == 2 + 2 * (3 + 60 * 5)
