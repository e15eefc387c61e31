"""Members' parts on the fake, SQLite and PostgreSQL alike: written with the pledge, read back
exactly (amounts, rates to the last digit, order), never rewritten by a save; and the reader's
queries over them give the same answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

import pytest

import member_world
from member_world import (
    ANONYMOUS_GIFT,
    CONFIDENTIAL_GIFT,
    DNK,
    NOR,
    NORDIC,
    PUBLIC_GIFT,
    PUBLIC_PARTS,
    RADAR_PAID,
    SWE,
    seed,
)
from purldesk.domain.access import OPERATOR, PUBLIC
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import MemberReceived, Reader

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]
LIVE = frozenset(ContributionStatus)


@pytest.fixture
def reader(uow_factory: UowFactory, reader_factory: ReaderFactory) -> Iterable[Reader]:
    seed(uow_factory)
    with reader_factory() as opened:
        yield opened


def test_parts_read_back_exactly_in_their_order(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        found = uow.contributions.get(PUBLIC_GIFT)
        listed = uow.contributions.list(contributor=NORDIC)
        nation = uow.contributions.list(contributor=ParticipantCode("NLD"))
    assert found.members == PUBLIC_PARTS
    assert str(found.members[1].conversion.rate) == "0.0973770768323"
    assert listed == member_world.contributions()
    assert [c.members for c in nation] == [()]


def test_a_save_never_rewrites_the_parts(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        found = uow.contributions.get(PUBLIC_GIFT)
        moved = found.move_to(ContributionStatus.ALLOCATED)
        uow.contributions.save(replace(moved, members=found.members[::-1]))
        uow.commit()
    with uow_factory() as uow:
        again = uow.contributions.get(PUBLIC_GIFT)
    assert again.status is ContributionStatus.ALLOCATED
    assert again.members == PUBLIC_PARTS


def test_a_member_finds_its_groups_contributions_and_what_they_paid(reader: Reader) -> None:
    assert [c.id for c in reader.member_contributions(DNK)] == [
        PUBLIC_GIFT, CONFIDENTIAL_GIFT, ANONYMOUS_GIFT,
    ]  # fmt: skip
    assert [c.id for c in reader.member_contributions(SWE)] == [PUBLIC_GIFT, CONFIDENTIAL_GIFT]
    assert reader.member_contributions(ParticipantCode("NLD")) == []
    assert reader.member_contributions(DNK)[0].members == PUBLIC_PARTS
    paid = reader.member_paid_lines(SWE)
    assert [(p.contribution_id, p.package_id, p.line_ref, p.amount) for p in paid] == [
        (PUBLIC_GIFT, PackageId(4), "L-1", RADAR_PAID)
    ]
    assert [p.contribution_id for p in reader.member_paid_lines(NOR)] == [
        PUBLIC_GIFT, ANONYMOUS_GIFT,
    ]  # fmt: skip
    assert reader.paid_lines(DNK) == []  # its own money, none given directly


def test_members_received_sums_only_what_the_viewer_sees_in_full(reader: Reader) -> None:
    public = reader.member_received(PUBLIC, statuses=LIVE)
    assert public == [MemberReceived(NORDIC, p.member, p.usd.minor) for p in PUBLIC_PARTS]
    everything = {(r.member, r.received_usd_minor) for r in reader.member_received(
        OPERATOR, statuses=LIVE
    )}  # fmt: skip
    every_part = [p for c in member_world.contributions() for p in c.members]
    assert everything == {
        (member, sum(p.usd.minor for p in every_part if p.member == member))
        for member in (DNK, NOR, SWE)
    }
    assert reader.member_received(PUBLIC, statuses={ContributionStatus.PLEDGED}) == []


def test_parts_come_with_every_read_of_a_contribution(reader: Reader) -> None:
    by_id = {c.id: c for c in reader.contributions(ids=[PUBLIC_GIFT, ANONYMOUS_GIFT])}
    assert by_id[PUBLIC_GIFT].members == PUBLIC_PARTS
    assert by_id[ANONYMOUS_GIFT].members == member_world.ANONYMOUS_PARTS
    assert [c.members for c in reader.contributions(contributor=NORDIC)] == [
        c.members for c in member_world.contributions()
    ]
    assert date(2025, 10, 2) == by_id[PUBLIC_GIFT].members[0].conversion.rate_date
