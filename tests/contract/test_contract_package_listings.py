"""The package list's queries give the same answer on the fake, SQLite and PostgreSQL: packages
filtered, counted and paged with the sums of their parts, and how many contributors pay the
money a viewer may not see, per package and per line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.requirements import LineId
from purldesk.services.package_list_ports import HiddenPayerCount, PackageListing
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from reader_world import DEU, KIT_PRICE, NLD, OCTOBER, RADAR_PRICE, SEPTEMBER, contributions, seed

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]

GERMANY = Actor(UserId(2), "contributor-deu", DEU, Role.CONTRIBUTOR).viewer
NETHERLANDS = Actor(UserId(3), "contributor-nld", NLD, Role.CONTRIBUTOR).viewer
TARGET = Money(2_000_000_00, USD)


def _listing(pid: int, cycle: int, status: PackageStatus, cost: int, paid: int, lines: int) -> PackageListing:  # fmt: skip
    return PackageListing(
        PackageId(pid), OCTOBER if cycle == 10 else SEPTEMBER, f"P-{pid:04d}", status, TARGET,
        date(2025, 10, 5), cost, paid, lines,
    )  # fmt: skip


ACCEPTED = _listing(1, 10, PackageStatus.ACCEPTED, 1_500_000_00 + 2 * 20_000_00, 800_00, 2)
CANCELLED = _listing(2, 10, PackageStatus.CANCELLED, 20_000_00, 0, 1)
DRAFT = _listing(3, 9, PackageStatus.DRAFT, 3 * 20_000_00, 100_00, 1)


def test_packages_are_listed_by_id_with_their_sums_filtered_counted_and_paged(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with reader_factory() as reader:
        assert reader.package_listings() == [ACCEPTED, CANCELLED, DRAFT]
        assert reader.count_packages() == 3
        assert reader.package_listings(cycle_id=OCTOBER) == [ACCEPTED, CANCELLED]
        assert reader.count_packages(cycle_id=OCTOBER) == 2
        assert reader.package_listings(status=PackageStatus.DRAFT) == [DRAFT]
        assert reader.count_packages(cycle_id=OCTOBER, status=PackageStatus.DRAFT) == 0
        assert reader.package_listings(cycle_id=OCTOBER, status=PackageStatus.DRAFT) == []
        assert reader.package_listings(offset=1, limit=1) == [CANCELLED]
        assert reader.package_listings(offset=2) == [DRAFT]
        assert reader.package_listings(offset=3, limit=10) == []


def _paid_by(pid: int, *parts: tuple[int, int, int]) -> Package:
    """A package of the October cycle on lines L-1 and L-2, paid `(contribution, line, minor)`."""
    made = Package(PackageId(pid), OCTOBER, f"P-{pid:04d}", TARGET, date(2025, 10, 5))
    return replace(
        made,
        status=PackageStatus.FUNDED,
        lines=(
            PackageLine(LineId(2), ItemCode("RADAR-1"), 1, RADAR_PRICE),
            PackageLine(LineId(3), ItemCode("MED-1"), 1, KIT_PRICE),
        ),
        attributions=tuple(
            Attribution(ContributionId(cid), LineId(line), Money(minor, USD))
            for cid, line, minor in parts
        ),
    )


def test_hidden_payers_are_counted_per_package_and_per_line_for_the_packages_asked(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        # A confidential contribution of the Netherlands (5) beside Germany's two (2, and 4
        # also anonymous); Canada's (3) is anonymous only, and its amount public.
        uow.contributions.add(replace(contributions()[0], id=ContributionId(5), confidential=True))
        uow.packages.add(
            _paid_by(4, (1, 2, 100_00), (2, 2, 200_00), (4, 2, 50_00), (2, 3, 70_00), (3, 3, 1))
        )
        uow.packages.add(_paid_by(5, (2, 2, 10_00), (5, 2, 20_00), (5, 3, 30_00), (5, 3, 1)))
        uow.commit()
    four, five = PackageId(4), PackageId(5)
    with reader_factory() as reader:
        asked = [PackageId(1), four, five, PackageId(99)]
        assert reader.hidden_payer_counts(PUBLIC, asked) == [
            HiddenPayerCount(four, None, 1),
            HiddenPayerCount(four, LineId(2), 1),
            HiddenPayerCount(four, LineId(3), 1),
            HiddenPayerCount(five, None, 2),
            HiddenPayerCount(five, LineId(2), 2),
            HiddenPayerCount(five, LineId(3), 1),
        ]
        assert reader.hidden_payer_counts(NETHERLANDS, asked) == [
            HiddenPayerCount(four, None, 1),
            HiddenPayerCount(four, LineId(2), 1),
            HiddenPayerCount(four, LineId(3), 1),
            HiddenPayerCount(five, None, 1),
            HiddenPayerCount(five, LineId(2), 1),
        ]
        assert reader.hidden_payer_counts(GERMANY, [five]) == [
            HiddenPayerCount(five, None, 1),
            HiddenPayerCount(five, LineId(2), 1),
            HiddenPayerCount(five, LineId(3), 1),
        ]
        assert reader.hidden_payer_counts(GERMANY, [four]) == []  # its own money
        assert reader.hidden_payer_counts(OPERATOR, asked) == []
        assert reader.hidden_payer_counts(PUBLIC, [PackageId(1), PackageId(3)]) == []
        assert reader.hidden_payer_counts(PUBLIC, []) == []
