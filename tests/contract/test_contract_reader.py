"""Every query of the Reader port gives the same, concrete answer on the fake, SQLite and
PostgreSQL, over one world written through the write ports (`reader_world`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

import pytest

import reader_world
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import Cycle, CycleId, CycleStatus, LineId, LineStatus
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import (
    ContributionGroup,
    HiddenPayer,
    PackageTotals,
    PaidLine,
    Reader,
)
from reader_world import (
    AT,
    CAN,
    DEU,
    EUR,
    KIT_PRICE,
    NLD,
    OCTOBER,
    RADAR_PRICE,
    SEPTEMBER,
    contribution_statuses,
    seed,
)

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]

GERMANY = Actor(UserId(2), "contributor-deu", DEU, Role.CONTRIBUTOR).viewer
NETHERLANDS = Actor(UserId(3), "contributor-nld", NLD, Role.CONTRIBUTOR).viewer


@pytest.fixture
def reader(uow_factory: UowFactory, reader_factory: ReaderFactory) -> Iterable[Reader]:
    """An open reader over the seeded world."""
    seed(uow_factory)
    with reader_factory() as opened:
        yield opened


def test_participants_items_and_cycles_come_in_their_orders(reader: Reader) -> None:
    assert reader.participants() == reader_world.participants()
    assert reader.items() == {item.code: item for item in reader_world.items()}
    assert list(reader.items()) == [ItemCode("MED-1"), ItemCode("RADAR-1")]
    assert [c.name for c in reader.cycles()] == ["2025-09", "2025-10"]
    assert reader.cycle(OCTOBER) == reader_world.cycles()[1]
    assert reader.latest_cycle() == reader_world.cycles()[1]
    assert reader.find_cycle("2025-09") == reader_world.cycles()[0]
    assert reader.find_cycle("1999-01") is None
    with pytest.raises(NotFound):
        reader.cycle(CycleId(9))


def test_the_latest_cycle_of_a_status_that_has_opened_by_a_day(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    endorsed = CycleStatus.ENDORSED
    november = Cycle(CycleId(11), "2025-11", date(2025, 11, 3), endorsed)
    december = Cycle(CycleId(12), "2025-12", date(2025, 12, 1), endorsed)
    december_too = Cycle(CycleId(13), "2025-12b", date(2025, 12, 1), endorsed)
    january = Cycle(CycleId(14), "2026-01", date(2026, 1, 5))
    with uow_factory() as uow:
        for cycle in (november, december_too, december, january):
            uow.cycles.add(cycle)
        uow.commit()
    with reader_factory() as reader:
        assert reader.latest_cycle(status=endorsed) == december_too  # same day: the later id
        assert reader.latest_cycle(status=endorsed, opened_by=date(2025, 12, 1)) == december_too
        assert reader.latest_cycle(status=endorsed, opened_by=date(2025, 11, 30)) == november
        assert reader.latest_cycle(status=endorsed, opened_by=date(2025, 11, 2)) is None
        assert reader.latest_cycle(opened_by=date(2026, 1, 4)) == december_too
        assert reader.latest_cycle(opened_by=date(2025, 10, 31)) == reader_world.cycles()[1]
        assert reader.latest_cycle(status=CycleStatus.DRAFT) == january


def test_lines_come_in_priority_order_with_their_histories(reader: Reader) -> None:
    assert [(ln.ref, ln.rank) for ln in reader.lines(OCTOBER)] == [
        ("L-1", 1),
        ("L-3", 1),
        ("L-2", 2),
    ]
    assert [ln.ref for ln in reader.lines(SEPTEMBER)] == ["A-1"]
    found = reader.lines_by_id({LineId(4), LineId(1), LineId(99)})
    assert list(found) == [LineId(1), LineId(4)]
    assert found[LineId(4)].rank == 1
    assert reader.line_refs({LineId(4), LineId(1), LineId(99)}) == {
        LineId(1): "A-1",
        LineId(4): "L-3",
    }
    assert reader.line_refs(set()) == {}
    line = reader.find_line(OCTOBER, "L-2")
    assert line is not None and line.id == LineId(3)
    assert reader.find_line(SEPTEMBER, "L-2") is None
    assert [(c.rank, c.by) for c in reader.rank_history(LineId(4))] == [(3, "UKR"), (1, "UKR")]
    assert reader.rank_history(LineId(4))[0].at == AT
    assert [(c.field, c.before, c.after) for c in reader.change_history(LineId(3))] == [
        ("quantity", "4", "6")
    ]
    assert reader.change_history(LineId(2)) == []


def test_lines_come_whole_with_every_field_as_written(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    carried = replace(
        reader_world.line(5, "L-4", OCTOBER, "RADAR-1", 4),
        status=LineStatus.WITHDRAWN, carried_from=LineId(1), justification="carried on",
    )  # fmt: skip
    with uow_factory() as uow:
        uow.requirements.add(carried, at=AT, by="UKR")
        uow.commit()
    with reader_factory() as reader:
        found = reader.lines(OCTOBER)
        by_id = reader.lines_by_id({line.id for line in found})
    assert found[-1] == carried
    assert found[-1].status is LineStatus.WITHDRAWN  # the enum, not its value
    assert found[-1].aid_class is carried.aid_class
    assert found == [by_id[line.id] for line in found]


def test_funded_lots_leave_out_cancelled_packages(reader: Reader) -> None:
    assert reader.funded_lots(OCTOBER) == {LineId(2): 1, LineId(3): 2}
    assert reader.funded_lots(SEPTEMBER) == {LineId(1): 3}


def groups(reader: Reader, viewer: Viewer) -> list[ContributionGroup]:
    """In a fixed order: the databases order a hidden (NULL) currency or giver differently,
    first on SQLite and last on PostgreSQL, and no page depends on it."""
    found = reader.contribution_groups(viewer, statuses=contribution_statuses())
    return sorted(found, key=lambda g: (g.currency or "", g.contributor or ""))


def test_contribution_groups_fold_hidden_amounts_and_givers_as_each_viewer_may_see(
    reader: Reader,
) -> None:
    nld = ContributionGroup(1, EUR, NLD, 1_000_000_00, 1_100_000_00)
    anonymous_can = ContributionGroup(1, EUR, None, 200_000_00, 220_000_00)
    germany = ContributionGroup(2, USD, DEU, 600_000_00, None)
    assert groups(reader, PUBLIC) == [
        ContributionGroup(2, None, None, None, None),
        anonymous_can,
        nld,
    ]
    assert groups(reader, GERMANY) == [anonymous_can, nld, germany]
    assert groups(reader, OPERATOR) == [
        ContributionGroup(1, EUR, CAN, 200_000_00, 220_000_00),
        nld,
        germany,
    ]
    assert reader.contribution_groups(PUBLIC, statuses=[]) == []


def test_contributions_are_found_by_id_or_giver(reader: Reader) -> None:
    assert reader.contributions() == reader_world.contributions()
    assert [c.id for c in reader.contributions(ids={ContributionId(4), ContributionId(2)})] == [
        2,
        4,
    ]
    assert [c.id for c in reader.contributions(contributor=NLD)] == [1]
    assert reader.contributions(ids={ContributionId(1)}, contributor=DEU) == []


def test_packages_come_whole_and_with_their_cost(reader: Reader) -> None:
    assert reader.package(PackageId(1)) == reader_world.packages()[0]
    with pytest.raises(NotFound):
        reader.package(PackageId(9))
    target = Money(2_000_000_00, USD)
    accepted = PackageTotals(
        PackageId(1), "P-0001", PackageStatus.ACCEPTED, "2025-10", 1_540_000_00, target
    )
    draft = PackageTotals(PackageId(3), "P-0003", PackageStatus.DRAFT, "2025-09", 60_000_00, target)
    cancelled = PackageTotals(
        PackageId(2), "P-0002", PackageStatus.CANCELLED, "2025-10", 20_000_00, target
    )
    assert reader.package_totals(with_cancelled=False) == [accepted, draft]
    assert reader.package_totals(with_cancelled=True) == [accepted, cancelled, draft]


def test_shipments_by_package_and_by_day(reader: Reader) -> None:
    first, second, third = reader_world.shipments()
    assert reader.shipments(package_id=PackageId(1)) == [first, second]
    assert reader.shipments(package_id=PackageId(2)) == []
    latest = reader.latest_shipments(2)  # the first was received on the 9th, after the others
    assert [(s.shipment, s.line_ref, s.item_name) for s in latest] == [
        (first, "L-1", "Counter-battery radar"),
        (second, "L-2", "Trauma kit"),
    ]
    assert [s.shipment for s in reader.latest_shipments(10)] == [first, second, third]
    assert reader.latest_shipments(0) == []


def test_paid_lines_follow_a_givers_money_with_what_was_shipped(reader: Reader) -> None:
    accepted, draft = PackageStatus.ACCEPTED, PackageStatus.DRAFT
    assert reader.paid_lines(NLD) == [
        PaidLine(ContributionId(1), PackageId(1), accepted, LineId(2), "L-1",
                 "Counter-battery radar", Money(500_00, USD), shipped=1, received=1),
        PaidLine(ContributionId(1), PackageId(3), draft, LineId(1), "A-1", "Trauma kit",
                 Money(100_00, USD), shipped=1, received=0),
    ]  # fmt: skip
    assert reader.paid_lines(CAN) == [
        PaidLine(ContributionId(3), PackageId(1), accepted, LineId(3), "L-2", "Trauma kit",
                 Money(300_00, USD), shipped=2, received=0),
    ]  # fmt: skip
    assert reader.paid_lines(DEU) == []


def _paid_by(pid: int, status: PackageStatus, *parts: tuple[int, int, int]) -> Package:
    """A package of the October cycle on lines L-1 and L-2, paid `(contribution, line, minor)`."""
    lines = (
        PackageLine(LineId(2), ItemCode("RADAR-1"), 1, RADAR_PRICE),
        PackageLine(LineId(3), ItemCode("MED-1"), 1, KIT_PRICE),
    )
    attributions = tuple(
        Attribution(ContributionId(cid), LineId(line), Money(minor, USD))
        for cid, line, minor in parts
    )
    made = Package(
        PackageId(pid), OCTOBER, f"P-{pid:04d}", Money(2_000_000_00, USD), date(2025, 10, 5)
    )
    return replace(made, status=status, lines=lines, attributions=attributions)


def test_hidden_payers_name_who_pays_money_a_viewer_may_not_see_once_per_line(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        # Germany's two confidential contributions (2, and 4 also anonymous) on L-1, one on
        # L-2, beside public money of the Netherlands and anonymous money of Canada.
        uow.packages.add(
            _paid_by(4, PackageStatus.ACCEPTED, (1, 2, 100_00), (2, 2, 200_00), (4, 2, 50_00),
                     (2, 3, 70_00), (3, 3, 30_00))
        )  # fmt: skip
        uow.packages.add(_paid_by(5, PackageStatus.CANCELLED, (4, 3, 10_00)))
        uow.commit()
    with reader_factory() as reader:
        germany_pays = [
            HiddenPayer(PackageId(4), LineId(2), DEU),
            HiddenPayer(PackageId(4), LineId(3), DEU),
            HiddenPayer(PackageId(5), LineId(3), DEU),
        ]
        assert reader.hidden_payers(PUBLIC) == germany_pays
        assert reader.hidden_payers(NETHERLANDS) == germany_pays
        assert reader.hidden_payers(GERMANY) == []  # its own money
        assert reader.hidden_payers(OPERATOR) == []


def test_a_world_without_confidential_payments_has_no_hidden_payers(reader: Reader) -> None:
    assert reader.hidden_payers(PUBLIC) == []


def test_balances_sum_postings_by_kind_or_account_in_one_currency(reader: Reader) -> None:
    assert reader.balance_of_kind("disbursed", currency=USD) == 800_00
    assert reader.balance_of_kind("pool", currency=USD) == -800_00
    assert reader.balance_of_kind("receivable", currency=EUR) == 1_000_000_00
    assert reader.balance_of_kind("receivable", currency=USD) == 0
    # The kind is the account's whole first part, and matched literally (no LIKE patterns).
    assert reader.balance_of_kind("disburse", currency=USD) == 0
    assert reader.balance_of_kind("p%", currency=USD) == 0
    assert reader.balance_of({"pool:C-00001", "disbursed:P-0001:C-00003"}, currency=USD) == -200_00
    assert reader.balance_of({"pool:C-00009"}, currency=USD) == 0


def test_a_reader_sees_only_what_was_committed(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    seed(uow_factory)
    writer = uow_factory()
    with writer:
        writer.participants.add(
            Participant(ParticipantCode("FRA"), "France", ParticipantKind.ALLY,
                        ParticipantStatus.JOINED)
        )  # fmt: skip
        # A reader takes no write lock: it reads beside the open writer, as of the last commit.
        with reader_factory() as reader:
            assert [p.code for p in reader.participants()] == [CAN, DEU, NLD]
