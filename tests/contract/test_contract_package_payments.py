"""One package's outline and a page of its payments give the same answer on the fake, SQLite
and PostgreSQL, and that answer is the one counted over the whole package in memory
(`package_money.payment_facts`): for every viewer, every page, and contents restricted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import pytest
from test_contract_package_listings import _paid_by

from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.package_money import HiddenMoney, PaymentFacts, own_only, payment_facts
from purldesk.domain.packages import Attribution, PackageId, Restriction, paid_by_line
from purldesk.domain.requirements import LineId
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from reader_world import CAN, DEU, NLD, contributions, seed

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]

GERMANY = Actor(UserId(2), "contributor-deu", DEU, Role.CONTRIBUTOR).viewer
NETHERLANDS = Actor(UserId(3), "contributor-nld", NLD, Role.CONTRIBUTOR).viewer
CANADA = Actor(UserId(4), "contributor-can", CAN, Role.CONTRIBUTOR).viewer
SUPPLIER = Actor(UserId(5), "supplier", NLD, Role.SUPPLIER).viewer
COORDINATOR = Actor(UserId(6), "coordinator", CAN, Role.COORDINATOR).viewer
VIEWERS = (PUBLIC, GERMANY, NETHERLANDS, CANADA, SUPPLIER, COORDINATOR, OPERATOR)

# (contribution, line, minor): the Netherlands' public money (1), Germany's confidential (2,
# and 4 also anonymous), Canada's anonymous only (3), and 5, a confidential one of the
# Netherlands. Lines 2 and 3 of the October cycle.
PARTS = (
    (1, 2, 100_00), (2, 2, 200_00), (4, 2, 50_00), (5, 2, 20_00), (3, 3, 1),
    (2, 3, 70_00), (1, 3, 5_00), (5, 3, 30_00), (3, 2, 7_00),
)  # fmt: skip
PAID, RESTRICTED = PackageId(4), PackageId(5)


@pytest.fixture
def world(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(replace(contributions()[0], id=ContributionId(5), confidential=True))
        uow.packages.add(_paid_by(PAID, *PARTS))
        uow.packages.add(replace(_paid_by(RESTRICTED, *PARTS), restriction=Restriction(frozenset({CAN}))))  # fmt: skip
        uow.commit()


def _read_page(reader: Reader, viewer: Viewer, package_id: PackageId = PAID, *, offset: int = 0, limit: int = 100) -> PaymentFacts:  # fmt: skip
    """A page as the storage reads it, contents restricted or not as the package is."""
    only_own = own_only(viewer, reader.package(package_id).restriction)
    return reader.package_payments(
        viewer, package_id, own_only=only_own, offset=offset, limit=limit
    )


def _reference(reader: Reader, viewer: Viewer, package_id: PackageId, offset: int, limit: int) -> PaymentFacts:  # fmt: skip
    package = reader.package(package_id)
    owners = {c.id: c for c in reader.contributions()}
    return payment_facts(viewer, package, owners, offset=offset, limit=limit)


@pytest.mark.usefixtures("world")
def test_every_page_for_every_viewer_is_the_one_counted_over_the_whole_package(
    reader_factory: ReaderFactory,
) -> None:
    with reader_factory() as reader:
        for package_id in (PAID, RESTRICTED):
            for viewer in VIEWERS:
                for limit in (1, 2, 4, 100):
                    for offset in range(0, len(PARTS) + 2):
                        found = _read_page(reader, viewer, package_id, offset=offset, limit=limit)
                        expected = _reference(reader, viewer, package_id, offset, limit)
                        assert found == expected, (package_id, viewer.name, offset, limit)


def _parts(*parts: tuple[int, int, int]) -> tuple[Attribution, ...]:
    return tuple(
        Attribution(ContributionId(c), LineId(line), Money(minor, USD)) for c, line, minor in parts
    )


@pytest.mark.usefixtures("world")
def test_what_each_viewer_may_see_and_what_is_counted_of_the_rest(
    reader_factory: ReaderFactory,
) -> None:
    with reader_factory() as reader:
        facts = partial(_read_page, reader)
        public_parts = _parts((1, 2, 100_00), (3, 3, 1), (1, 3, 5_00), (3, 2, 7_00))
        hidden = HiddenMoney(370_00, 2, {LineId(2): 2, LineId(3): 2})
        assert facts(PUBLIC) == PaymentFacts(public_parts, 0, 4, hidden)
        assert facts(PUBLIC, offset=1, limit=2) == PaymentFacts(public_parts[1:3], 1, 4, hidden)
        assert facts(PUBLIC, offset=9) == PaymentFacts((), 9, 4, hidden)
        # Germany sees its own confidential money, not the Netherlands' (5).
        assert facts(GERMANY).hidden == HiddenMoney(50_00, 1, {LineId(2): 1, LineId(3): 1})
        assert facts(GERMANY).shown == 7
        assert facts(COORDINATOR) == PaymentFacts(_parts(*PARTS), 0, 9, HiddenMoney(0, 0, {}))
        # Contents restricted to Canada: the Netherlands sees its own money only, and what is
        # hidden from it is counted as for anyone.
        assert facts(NETHERLANDS, RESTRICTED) == PaymentFacts(
            _parts((1, 2, 100_00), (5, 2, 20_00), (1, 3, 5_00), (5, 3, 30_00)), 0, 4,
            HiddenMoney(320_00, 1, {LineId(2): 1, LineId(3): 1}), own_only=True,
        )  # fmt: skip
        assert facts(PUBLIC, RESTRICTED) == PaymentFacts((), 0, 0, hidden, own_only=True)
        assert facts(CANADA, RESTRICTED).own_only is False


@pytest.mark.usefixtures("world")
def test_the_outline_is_the_package_without_its_attributions_and_what_each_line_is_paid(
    reader_factory: ReaderFactory,
) -> None:
    with reader_factory() as reader:
        for package_id in (PAID, RESTRICTED):
            package = reader.package(package_id)
            outline = reader.package_outline(package_id)
            assert outline.package == replace(package, attributions=())
            assert outline.paid_by_line == paid_by_line(package)
            assert outline.paid_by_line == {LineId(2): 377_00, LineId(3): 105_01}
        with pytest.raises(NotFound):
            reader.package_outline(PackageId(99))
