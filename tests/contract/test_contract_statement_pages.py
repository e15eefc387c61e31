"""The statement page's queries read a page of a contributor's paid lines and sum the rest in
SQL: the totals equal what the whole statement sums row by row under `redact`, and the pages
together are the whole list, newest package first, for every viewer and contributor, on the
fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import reader_world
import statement_world
from purldesk.domain import ledger
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Permission, Role, UserId, Viewer
from purldesk.domain.confidentiality import redact
from purldesk.domain.money import USD
from purldesk.domain.participants import ParticipantCode
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import PaidLine, Reader
from purldesk.services.statement_ports import StatementTotals
from purldesk.services.views import statement

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]
COUNT = 90  # NLD's contributions added: three packages of them


def _actor(role: Role, organization: str) -> Viewer:
    return Actor(UserId(1), f"{role}-{organization}", ParticipantCode(organization), role).viewer


VIEWERS = {
    "coordinator": _actor(Role.COORDINATOR, "NATO-NSATU"),
    "auditor": _actor(Role.AUDITOR, "NATO-NSATU"),
    "operator": OPERATOR,
    "public": PUBLIC,
    "contributor NLD": _actor(Role.CONTRIBUTOR, "NLD"),
    "contributor DEU": _actor(Role.CONTRIBUTOR, "DEU"),
    "recipient": _actor(Role.RECIPIENT, "UKR"),
}
GIVERS = (reader_world.NLD, reader_world.DEU, reader_world.CAN)


def _whole(reader: Reader, viewer: Viewer, code: ParticipantCode) -> list[PaidLine]:
    """The lines the whole statement lists (`statement._statement`): those whose paying
    contribution's amount `redact` leaves to the viewer, in the order it reads them."""
    own = {c.id: c for c in reader.contributions(contributor=code)}
    return [p for p in reader.paid_lines(code) if redact(viewer, own[p.contribution_id]).amount]


@pytest.mark.parametrize("name", sorted(VIEWERS))
def test_totals_and_pages_are_the_whole_statements_as_the_viewer_may_see_it(
    name: str, uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    statement_world.seed(uow_factory, count=COUNT)
    viewer = VIEWERS[name]
    for code in GIVERS:
        with reader_factory() as reader:
            whole = _whole(reader, viewer, code)
            own = reader.contributions(contributor=code)
            pools = reader.balance_of([ledger.pool(c.id) for c in own], currency=USD)
            totals = reader.statement_totals(viewer, contributor=code)
            pages = [
                reader.paid_line_page(viewer, contributor=code, offset=at, limit=7)
                for at in range(0, len(whole) + 7, 7)
            ]
            packages = reader.paid_packages(code)
            every = sorted({p.package_id for p in reader.paid_lines(code)})
        spent = sum(p.amount.minor for p in whole)
        assert totals == StatementTotals(len(own), len(whole), spent, pools), code
        newest_first = sorted(whole, key=lambda p: -p.package_id)  # stable: attribution order
        assert [p for page in pages for p in page] == newest_first, code
        assert packages == every, code


def test_the_world_hides_some_lines_from_others_and_none_from_their_giver(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    statement_world.seed(uow_factory, count=COUNT)
    nld = reader_world.NLD
    with reader_factory() as reader:
        public = reader.statement_totals(PUBLIC, contributor=nld)
        own = reader.statement_totals(VIEWERS["contributor NLD"], contributor=nld)
        everyone = reader.statement_totals(VIEWERS["coordinator"], contributor=nld)
    assert own == everyone
    assert own.contributions == COUNT + 1 and own.lines == COUNT + 2  # and reader_world's two
    # Hidden from the public: the confidential ones, and the anonymous ones pledged in euros.
    hidden = [n for n in range(COUNT) if n % 3 == 0 or (n % 4 == 0 and n % 5 == 0)]
    assert public.lines == own.lines - len(hidden) and 0 < public.spent_minor < own.spent_minor
    # Every added pool (the one with a six-digit reference too), and reader_world's moved out.
    assert own.unallocated_minor == sum(1_000_00 + n for n in range(COUNT)) - 500_00


# Reads every ledger account, but not every amount: such a viewer is not one of today's roles,
# and the statement's rule for it is written once, for whoever it may be.
LEDGER_READER = Viewer("ledger reader", ParticipantCode("UKR"), frozenset({Permission.READ_LEDGER}))


@pytest.mark.parametrize("name", ["ledger reader", "operator", "contributor NLD"])
def test_every_page_of_the_statement_has_the_whole_statements_totals_and_rows(
    name: str, uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    statement_world.seed(uow_factory, count=COUNT)
    viewer = LEDGER_READER if name == "ledger reader" else VIEWERS[name]
    whole = statement.statement_export(reader_factory(), viewer=viewer, contributor="NLD")
    size = 25
    pages = [
        statement.statement(
            reader_factory(), viewer=viewer, contributor="nld", contributions_asked=n,
            lines_asked=n, size=size,
        )
        for n in range(1, 6)
    ]  # fmt: skip
    for shown in pages:
        assert (shown.spent_usd, shown.unallocated_usd) == (whole.spent_usd, whole.unallocated_usd)
        assert shown.substitutions == whole.substitutions
        assert shown.through_groups == whole.through_groups
    listed = [r for shown in pages[:4] for r in shown.contributions]  # 91 in four pages
    assert listed == sorted(whole.contributions, key=lambda r: -r.view.id)
    assert pages[4].contributions == pages[3].contributions  # past the last page: the last
    by_page = {shown.lines_page.number: shown.rows for shown in pages}  # past the last: last
    rows = [r for number in sorted(by_page) for r in by_page[number]]
    assert sorted(rows, key=repr) == sorted(whole.rows, key=repr)
    assert [p.lines_page.total for p in pages] == [len(whole.rows)] * 5
    if name == "ledger reader":  # the lines paid by money hidden from it are left out
        assert 0 < len(whole.rows) < COUNT + 2
    else:
        assert len(whole.rows) == COUNT + 2
