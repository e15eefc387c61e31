"""Every repository round-trips its aggregate unchanged and refuses what the database refuses,
on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from storage_backdoor import (
    REFUSED_BY_THE_DATABASE,
    save_behind_its_back,
    stored_rank_change_instants,
    stored_version,
)

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import (
    Contribution,
    ContributionId,
    ContributionStatus,
    Earmark,
)
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.errors import AlreadyExists, Conflict, NotFound
from purldesk.domain.money import USD, Money, convert, currency
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    LineStatus,
    RequirementLine,
)
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 1, 9, 30, 15, 123456, tzinfo=UTC)


def korea() -> Participant:
    return Participant(
        ParticipantCode("KOR"), "Republic of Korea", ParticipantKind.PARTNER,
        ParticipantStatus.JOINED,
    )  # fmt: skip


def nordics() -> Participant:
    return Participant(
        ParticipantCode("NORDIC-BALTIC"), "Nordic-Baltic Eight", ParticipantKind.ALLY,
        ParticipantStatus.INVITED,
        members=(ParticipantCode("SWE"), ParticipantCode("DNK"), ParticipantCode("EST")),
    )  # fmt: skip


def radar() -> CatalogItem:
    return CatalogItem(
        code=ItemCode("RADAR-1"), name="Counter-battery radar", area="air_defence",
        aid_class=AidClass.DEFENSIVE, unit_price=Money(1_234_567_890_12, USD), lot_size=2,
        available_per_cycle=10, lead_time_days=120,
    )  # fmt: skip


def october() -> Cycle:
    return Cycle(CycleId(1), "2025-10", date(2025, 10, 1))


def line(line_id: int = 1, *, rank: int = 1, ref: str = "L-1") -> RequirementLine:
    return RequirementLine(
        id=LineId(line_id), ref=ref, cycle_id=CycleId(1), item_code=ItemCode("RADAR-1"),
        area="air_defence", aid_class=AidClass.DEFENSIVE, quantity=4, rank=rank,
        needed_by=date(2026, 1, 31), justification="protect the grid",
    )  # fmt: skip


def pledge(contribution_id: int = 1, **changes: object) -> Contribution:
    base = Contribution(
        id=ContributionId(contribution_id), contributor=ParticipantCode("KOR"),
        amount=Money(75_000_000_000, currency("KRW")), pledged_on=date(2025, 10, 2),
        purpose="non-lethal support", source="MOFA press release",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def seed(uow_factory: UowFactory, *, lines: int = 0) -> None:
    """A participant, an item, a cycle and `lines` lines, committed."""
    with uow_factory() as uow:
        uow.participants.add(korea())
        uow.catalog.add(radar())
        uow.cycles.add(october())
        for i in range(1, lines + 1):
            uow.requirements.add(line(i, rank=i, ref=f"L-{i}"), at=AT, by="mod")
        uow.commit()


def test_participants_round_trip_with_members_in_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.participants.add(nordics())
        uow.participants.add(korea())
        uow.commit()
    with uow_factory() as uow:
        assert uow.participants.get("NORDIC-BALTIC") == nordics()
        assert uow.participants.list() == [korea(), nordics()]
        assert uow.participants.find("FRA") is None
        joined = replace(
            nordics(), status=ParticipantStatus.JOINED, members=(ParticipantCode("FIN"),)
        )
        uow.participants.save(joined)
        uow.commit()
    with uow_factory() as uow:
        assert uow.participants.get("NORDIC-BALTIC") == joined


def test_catalog_round_trips_prices_past_32_bits(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.catalog.add(radar())
        uow.commit()
    repriced = replace(radar(), unit_price=Money(9_000_000_000_00, USD), lead_time_days=90)
    with uow_factory() as uow:
        assert uow.catalog.get("RADAR-1") == radar()
        uow.catalog.save(repriced)
        uow.commit()
    with uow_factory() as uow:
        assert uow.catalog.list() == [repriced]
        assert uow.catalog.find("NOPE") is None


def test_cycles_round_trip_and_are_found_by_name(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.cycles.add(october())
        uow.cycles.add(Cycle(CycleId(2), "2025-11", date(2025, 11, 1)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.cycles.get(CycleId(1)) == october()
        assert uow.cycles.find_by_name("2025-11") == Cycle(CycleId(2), "2025-11", date(2025, 11, 1))
        assert uow.cycles.find_by_name("1999-01") is None
        uow.cycles.save(october().move_to(CycleStatus.SUBMITTED))
        uow.commit()
    with uow_factory() as uow:
        assert [c.status for c in uow.cycles.list()] == [CycleStatus.SUBMITTED, CycleStatus.DRAFT]


def test_lines_keep_every_rank_they_held_in_order(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=2)
    with uow_factory() as uow:
        first, second = uow.requirements.list(CycleId(1))
        assert first == line(1, rank=1, ref="L-1")
        uow.requirements.save(replace(first, rank=2), at=AT + timedelta(days=1), by="mod")
        uow.requirements.save(replace(second, rank=1), at=AT + timedelta(days=1), by="mod")
        uow.commit()
    with uow_factory() as uow:
        line1 = uow.requirements.get(LineId(1))
        # A save that keeps the rank adds no history.
        uow.requirements.save(line1.move_to(LineStatus.FUNDED), at=AT + timedelta(days=2), by="x")
        uow.commit()
    with uow_factory() as uow:
        assert [ln.id for ln in uow.requirements.list(CycleId(1))] == [2, 1]
        assert uow.requirements.get(LineId(1)).status is LineStatus.FUNDED
        history = uow.requirements.rank_history(LineId(1))
        assert [(c.rank, c.at, c.by) for c in history] == [
            (1, AT, "mod"),
            (2, AT + timedelta(days=1), "mod"),
        ]
        assert all(c.at.tzinfo is not None for c in history)
        assert uow.requirements.find_by_ref(CycleId(1), "L-2") == uow.requirements.get(LineId(2))
        assert uow.requirements.find_by_ref(CycleId(1), "L-9") is None


def test_rank_changes_are_stored_in_utc_from_any_zone(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    kyiv_time = AT.astimezone(timezone(timedelta(hours=3)))
    with uow_factory() as uow:
        uow.requirements.add(line(), at=kyiv_time, by="mod")
        uow.commit()
    with uow_factory() as uow:
        (change,) = uow.requirements.rank_history(LineId(1))
        assert change.at == AT
        assert change.at.utcoffset() == timedelta(0)
        assert stored_rank_change_instants(uow) == [AT]


def test_contribution_round_trips_conversion_rate_and_earmarks_exactly(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    rate = Decimal("0.000712340")  # trailing zero kept: str(rate) is hashed on the ledger
    received = pledge(
        earmark=Earmark(
            package_id=7, areas=frozenset({"medical", "air_defence"}),
            aid_classes=frozenset({AidClass.NONLETHAL, AidClass.HUMANITARIAN}),
            expires_on=date(2026, 6, 30),
        ),
        confidential=True,
    ).receive(
        on=date(2025, 10, 20),
        conversion=convert(
            Money(75_000_000_000, currency("KRW")), target="USD", rate=rate,
            rate_date=date(2025, 10, 17), source="ECB",
        ),
    )  # fmt: skip
    unrestricted = pledge(2, earmark=Earmark(areas=frozenset()))
    with uow_factory() as uow:
        assert uow.contributions.last_id() == 0
        uow.contributions.add(received)
        uow.contributions.add(unrestricted)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.contributions.get(ContributionId(1))
        assert loaded == received
        assert loaded.conversion is not None and str(loaded.conversion.rate) == "0.000712340"
        # An empty set of areas allows nothing; None allows everything. They stay apart.
        assert uow.contributions.get(ContributionId(2)).earmark == Earmark(areas=frozenset())
        assert uow.contributions.list(statuses=[ContributionStatus.RECEIVED]) == [received]
        assert uow.contributions.list(contributor=ParticipantCode("KOR")) == [
            received,
            unrestricted,
        ]
        assert uow.contributions.list(contributor=ParticipantCode("JPN")) == []
        assert uow.contributions.list(ids={ContributionId(2), ContributionId(9)}) == [unrestricted]
        assert uow.contributions.list(ids=set()) == []
        assert uow.contributions.ids(statuses=[ContributionStatus.RECEIVED]) == [1]
        assert uow.contributions.ids(statuses=list(ContributionStatus)) == [1, 2]
        assert uow.contributions.last_id() == 2
        assert uow.contributions.contributors([ContributionId(2), ContributionId(9)]) == {
            2: unrestricted.contributor
        }
        assert uow.contributions.contributors([]) == {}
        page = uow.contributions.page
        assert page(offset=0, limit=5) == ([received, unrestricted], 2)
        assert page(offset=1, limit=5) == ([unrestricted], 2)
        assert page(offset=0, limit=1) == ([received], 2)
        assert page(status=ContributionStatus.RECEIVED, offset=0, limit=5) == ([received], 1)
        assert page(confidential=False, offset=0, limit=5) == ([unrestricted], 1)
        assert page(confidential=True, status=ContributionStatus.PLEDGED, offset=0, limit=5) == (
            [],
            0,
        )


def test_package_round_trips_lines_and_attributions(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=2)
    with uow_factory() as uow:
        uow.contributions.add(pledge())
        uow.commit()
    package = Package(
        id=PackageId(1), cycle_id=CycleId(1), name="P-0001", target=Money(50_000_000_000, USD),
        created_on=date(2025, 10, 5),
        lines=(
            PackageLine(LineId(2), ItemCode("RADAR-1"), 1, Money(2_469_135_780_24, USD)),
            PackageLine(LineId(1), ItemCode("RADAR-1"), 2, Money(2_469_135_780_24, USD)),
        ),
        attributions=(Attribution(ContributionId(1), LineId(2), Money(1_000, USD)),),
    )  # fmt: skip
    with uow_factory() as uow:
        uow.packages.add(package)
        uow.commit()
    with uow_factory() as uow:
        assert uow.packages.get(PackageId(1)) == package
        proposed = replace(package.move_to(PackageStatus.PROPOSED), lines=package.lines[:1])
        uow.packages.save(proposed)
        uow.commit()
    with uow_factory() as uow:
        assert uow.packages.list(cycle_id=CycleId(1)) == [proposed]
        assert uow.packages.list(cycle_id=CycleId(2)) == []
    with uow_factory() as uow:
        for k in (2, 3):
            uow.packages.add(replace(package, id=PackageId(k), name=f"P-000{k}", attributions=()))
        uow.commit()
    with uow_factory() as uow:
        everything = uow.packages.list()
        assert [p.id for p in everything] == [1, 2, 3]


def test_shipments_round_trip_and_confirm(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=1)
    with uow_factory() as uow:
        uow.packages.add(Package(PackageId(1), CycleId(1), "P", Money(1, USD), date(2025, 10, 5)))
        uow.shipments.add(Shipment(ShipmentId(1), PackageId(1), LineId(1), 2, date(2025, 11, 1)))
        uow.commit()
    with uow_factory() as uow:
        confirmed = uow.shipments.get(ShipmentId(1)).confirm_receipt(on=date(2025, 11, 9))
        uow.shipments.save(confirmed)
        uow.commit()
    with uow_factory() as uow:
        assert uow.shipments.list(package_id=PackageId(1)) == [confirmed]
        assert uow.shipments.list(package_id=PackageId(2)) == []


def test_get_of_a_missing_key_raises_not_found(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for get, key in [
            (uow.participants.get, "XXX"),
            (uow.catalog.get, "XXX"),
            (uow.cycles.get, 9),
            (uow.requirements.get, 9),
            (uow.contributions.get, 9),
            (uow.packages.get, 9),
            (uow.shipments.get, 9),
        ]:
            with pytest.raises(NotFound):
                get(key)  # type: ignore[operator]
        with pytest.raises(NotFound):
            uow.participants.save(korea())
        with pytest.raises(NotFound):
            uow.cycles.save(october())


def test_adding_an_existing_key_raises_already_exists_and_keeps_the_rest(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory, lines=1)
    with uow_factory() as uow:
        uow.contributions.add(pledge())
        uow.commit()
    with uow_factory() as uow:
        uow.participants.add(nordics())
        with pytest.raises(AlreadyExists):
            uow.participants.add(korea())
        with pytest.raises(AlreadyExists):
            uow.catalog.add(radar())
        with pytest.raises(AlreadyExists, match="2025-10"):
            uow.cycles.add(replace(october(), id=CycleId(5)))
        with pytest.raises(AlreadyExists):
            uow.requirements.add(line(), at=AT, by="mod")
        with pytest.raises(AlreadyExists):
            uow.contributions.add(pledge())
        uow.commit()  # the failed adds rolled back to their savepoints; the group stays
    with uow_factory() as uow:
        assert uow.participants.get("NORDIC-BALTIC") == nordics()


def test_a_save_over_a_newer_version_raises_conflict(uow_factory: UowFactory) -> None:
    """The version check itself: someone else's save is simulated behind the ports.

    (Two open units of work cannot interleave on SQLite, where BEGIN IMMEDIATE makes the
    second wait for the first; the two-writer race is tested on PostgreSQL.)
    """
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(pledge())
        uow.packages.add(Package(PackageId(1), CycleId(1), "P", Money(1, USD), date(2025, 10, 5)))
        uow.commit()
    with uow_factory() as uow:
        contribution = uow.contributions.get(ContributionId(1))
        package = uow.packages.get(PackageId(1))
        save_behind_its_back(uow)
        with pytest.raises(Conflict, match="contribution 1 was changed by someone else"):
            uow.contributions.save(contribution.commit())
        with pytest.raises(Conflict, match="package 1 was changed by someone else"):
            uow.packages.save(package.move_to(PackageStatus.PROPOSED))


def test_saves_in_one_unit_of_work_build_on_each_other(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(pledge())
        uow.contributions.save(pledge().commit())
        uow.commit()
    with uow_factory() as uow:
        committed = uow.contributions.list()[0]
        uow.contributions.get(ContributionId(1))  # a second read does not move the version
        uow.contributions.save(committed)
        uow.contributions.save(committed.cancel())
        uow.commit()
    with uow_factory() as uow:
        assert uow.contributions.get(ContributionId(1)).status is ContributionStatus.CANCELLED
        assert stored_version(uow, "contribution", 1) == 4


def test_saving_an_aggregate_not_loaded_in_this_unit_of_work_is_refused(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(pledge())
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict, match="not loaded"):
        uow.contributions.save(pledge().commit())


def test_next_id_counts_each_sequence_from_one(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert [uow.next_id("contribution") for _ in range(3)] == [1, 2, 3]
        assert uow.next_id("package") == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.next_id("contribution") == 4
        # not committed: the number is handed out again
    with uow_factory() as uow:
        assert uow.next_id("contribution") == 4


def test_leaving_without_commit_rolls_everything_back(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.participants.add(korea())
        uow.catalog.add(radar())
    with uow_factory() as uow:
        uow.participants.add(nordics())
        uow.rollback()
        uow.commit()
    with uow_factory() as uow:
        assert uow.participants.list() == []
        assert uow.catalog.list() == []


def test_rows_that_refer_to_nothing_are_refused(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=1)
    package = Package(PackageId(1), CycleId(1), "P", Money(1, USD), date(2025, 10, 5))
    refused: list[Callable[[UnitOfWork], object]] = [
        lambda uow: uow.contributions.add(pledge(contributor=ParticipantCode("XXX"))),
        lambda uow: uow.requirements.add(replace(line(2, ref="L-2"), cycle_id=CycleId(9)), at=AT, by="x"),
        lambda uow: uow.requirements.add(replace(line(2, ref="L-2"), item_code=ItemCode("NO")), at=AT, by="x"),
        lambda uow: uow.requirements.save(replace(line(), item_code=ItemCode("NO")), at=AT, by="x"),
        lambda uow: uow.requirements.append_changes([LineChange(LineId(9), "quantity", "1", "2", AT, "x")]),
        lambda uow: uow.packages.add(replace(package, cycle_id=CycleId(9))),
        lambda uow: uow.packages.add(replace(package, lines=(PackageLine(LineId(9), ItemCode("RADAR-1"), 1, Money(1, USD)),))),
        lambda uow: uow.packages.add(replace(package, attributions=(Attribution(ContributionId(9), LineId(1), Money(1, USD)),))),
        lambda uow: uow.shipments.add(Shipment(ShipmentId(1), PackageId(9), LineId(1), 1, date(2025, 11, 1))),
    ]  # fmt: skip
    for attempt in refused:
        with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
            attempt(uow)
    with uow_factory() as uow:
        assert uow.contributions.list() == []
        assert uow.packages.list() == []
        assert uow.requirements.list(CycleId(1)) == [line()]


def test_a_taken_unique_name_is_refused_on_save(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=2)
    with uow_factory() as uow:
        uow.cycles.add(Cycle(CycleId(2), "2025-11", date(2025, 11, 1)))
        uow.commit()
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.cycles.save(Cycle(CycleId(2), "2025-10", date(2025, 11, 1)))
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.requirements.save(line(2, rank=2, ref="L-1"), at=AT, by="x")


def test_saving_what_was_never_stored_raises_not_found(uow_factory: UowFactory) -> None:
    seed(uow_factory, lines=1)
    with uow_factory() as uow:
        uow.packages.add(Package(PackageId(1), CycleId(1), "P", Money(1, USD), date(2025, 10, 5)))
        uow.commit()
    shipment = Shipment(ShipmentId(1), PackageId(1), LineId(1), 2, date(2025, 11, 1))
    with uow_factory() as uow:
        for save, missing in [
            (lambda: uow.catalog.save(replace(radar(), code=ItemCode("NEW"))), "catalog item NEW"),
            (lambda: uow.requirements.save(line(7), at=AT, by="x"), "requirement line 7"),
            (lambda: uow.shipments.save(shipment), "shipment 1"),
        ]:
            with pytest.raises(NotFound, match=f"{missing} not found"):
                save()


def test_a_stored_conversion_must_be_of_the_pledge_into_usd(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    krw = Money(75_000_000_000, currency("KRW"))
    into_eur = convert(
        krw, target="EUR", rate=Decimal("0.0006"), rate_date=date(2025, 10, 17), source="ECB"
    )
    odd = replace(pledge(), status=ContributionStatus.RECEIVED, conversion=into_eur)
    with uow_factory() as uow:
        with pytest.raises(ValueError, match="into USD"):
            uow.contributions.add(odd)
        uow.contributions.add(pledge())
        uow.contributions.get(ContributionId(1))
        with pytest.raises(ValueError, match="into USD"):
            uow.contributions.save(odd)
        uow.commit()
    with uow_factory() as uow:
        assert uow.contributions.list() == [pledge()]


def test_a_save_rolled_back_leaves_the_unit_of_work_behind_the_stored_version(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(pledge())
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.contributions.get(ContributionId(1))
        uow.contributions.save(loaded.commit())
        uow.rollback()
        # The version it saved is gone, and it remembers only that one.
        with pytest.raises(Conflict, match="changed by someone else"):
            uow.contributions.save(loaded.commit())


def test_work_after_a_commit_is_a_new_transaction_rolled_back_on_leaving(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.participants.add(korea())
        uow.commit()
        uow.participants.add(nordics())
        assert uow.next_id("x") == 1
    with uow_factory() as uow:
        assert uow.participants.list() == [korea()]
        assert uow.next_id("x") == 1


def test_a_unit_of_work_is_used_inside_one_with_block_at_a_time(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError, match="not open"):
        uow.commit()
    with uow:
        uow.participants.add(korea())
        with pytest.raises(RuntimeError, match="already open"), uow:
            pass
        uow.commit()
    with uow:  # the same unit of work, opened again: a new transaction
        assert uow.participants.list() == [korea()]


def test_contributions_are_found_by_the_digest_of_the_row_they_were_imported_from(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(pledge(1, import_digest="a" * 64))
        uow.contributions.add(pledge(2))
        uow.contributions.add(pledge(3, import_digest="b" * 64))
        uow.commit()
    with uow_factory() as uow:
        assert uow.contributions.get(ContributionId(1)).import_digest == "a" * 64
        assert uow.contributions.find_imported(["b" * 64, "c" * 64, "a" * 64]) == {
            "a" * 64: ContributionId(1),
            "b" * 64: ContributionId(3),
        }
        assert uow.contributions.find_imported([]) == {}


def test_two_contributions_cannot_come_from_one_imported_row(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.contributions.add(pledge(1, import_digest="a" * 64))
        uow.contributions.add(pledge(2))
        uow.commit()
    with uow_factory() as uow, pytest.raises(AlreadyExists):
        uow.contributions.add(pledge(3, import_digest="a" * 64))
    with uow_factory() as uow:
        uow.contributions.add(pledge(3))  # pledges made by hand carry no digest
        uow.commit()
