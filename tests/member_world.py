"""The read side's small world (`reader_world`) with a group that lists its members' parts: the
Nordic package of Denmark, Norway and Sweden, given three times (in public, confidentially and
anonymously), and a package its public and anonymous money paid. Written through the write
ports, so that the fake and both databases hold the same rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import reader_world
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.member_parts import MemberPart, parts_total
from purldesk.domain.money import USD, Money, convert, currency
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import LineId
from purldesk.services.ports import UnitOfWork
from reader_world import KIT_PRICE, OCTOBER, RADAR_PRICE

AT = datetime(2025, 10, 3, 9, 30, tzinfo=UTC)
PLEDGED = date(2025, 10, 2)
NORDIC = ParticipantCode("NORDIC-3")
DNK, NOR, SWE = ParticipantCode("DNK"), ParticipantCode("NOR"), ParticipantCode("SWE")
PUBLIC_GIFT, CONFIDENTIAL_GIFT, ANONYMOUS_GIFT = (
    ContributionId(5),
    ContributionId(6),
    ContributionId(7),
)
NORDIC_PACKAGE = PackageId(4)


def part(member: ParticipantCode, minor: int, code: str, rate: str) -> MemberPart:
    conversion = convert(
        Money(minor, currency(code)), target="USD", rate=Decimal(rate), rate_date=PLEDGED,
        source="ECB",
    )  # fmt: skip
    return MemberPart(member, conversion)


DENMARK_PART = part(DNK, 580_000_000_00, "DKK", "0.154705756244")  # USD 89,729,338.62
NORWAY_PART = part(NOR, 1_500_000_000_00, "NOK", "0.0973770768323")  # USD 146,065,615.25
SWEDEN_PART = part(SWE, 275_000_000_00, "USD", "1")
PUBLIC_PARTS = (DENMARK_PART, NORWAY_PART, SWEDEN_PART)
CONFIDENTIAL_PARTS = (part(DNK, 10_000_00, "DKK", "0.15"), part(SWE, 5_000_00, "USD", "1"))
ANONYMOUS_PARTS = (part(DNK, 20_000_00, "DKK", "0.15"), part(NOR, 1_000_00, "USD", "1"))


def participants() -> list[Participant]:
    nations = [
        Participant(code, name, ParticipantKind.ALLY, ParticipantStatus.JOINED)
        for code, name in [(DNK, "Denmark"), (NOR, "Norway"), (SWE, "Sweden")]
    ]
    group = Participant(
        NORDIC, "Denmark, Norway and Sweden", ParticipantKind.ALLY, ParticipantStatus.JOINED,
        members=(DNK, NOR, SWE),
    )  # fmt: skip
    return [*nations, group]


def _gift(
    cid: ContributionId, parts: tuple[MemberPart, ...], *, received: bool, **disclosure: bool
) -> Contribution:
    whole = parts_total(parts)
    pledged = Contribution(
        id=cid, contributor=NORDIC, amount=whole, pledged_on=PLEDGED, purpose="Nordic package",
        members=parts, **disclosure,
    )  # fmt: skip
    if not received:
        return pledged
    at_par = convert(whole, target="USD", rate=Decimal(1), rate_date=PLEDGED, source="ECB")
    return pledged.receive(on=PLEDGED, conversion=at_par)


def contributions() -> list[Contribution]:
    return [
        _gift(PUBLIC_GIFT, PUBLIC_PARTS, received=True),
        _gift(CONFIDENTIAL_GIFT, CONFIDENTIAL_PARTS, received=True, confidential=True),
        _gift(ANONYMOUS_GIFT, ANONYMOUS_PARTS, received=True, anonymous=True),
    ]


# What the Nordic package paid: USD 1,000,000.00 of the radar line from the public gift, and a
# kit line from the anonymous one.
RADAR_PAID = Money(1_000_000_00, USD)
KITS_PAID = Money(20_000_00, USD)


def package() -> Package:
    return Package(
        NORDIC_PACKAGE, OCTOBER, "Nordic package", Money(2_000_000_00, USD), date(2025, 10, 5),
        status=PackageStatus.ACCEPTED,
        lines=(
            PackageLine(LineId(2), reader_world.items()[1].code, 1, RADAR_PRICE),
            PackageLine(LineId(4), reader_world.items()[0].code, 1, KIT_PRICE),
        ),
        attributions=(
            Attribution(PUBLIC_GIFT, LineId(2), RADAR_PAID),
            Attribution(ANONYMOUS_GIFT, LineId(4), KITS_PAID),
        ),
    )  # fmt: skip


def seed(uow_factory: Callable[[], UnitOfWork]) -> None:
    """The reader's world, then the Nordic group, its three gifts and the package they paid."""
    reader_world.seed(uow_factory)
    with uow_factory() as uow:
        for participant in participants():
            uow.participants.add(participant)
        for contribution in contributions():
            uow.contributions.add(contribution)
        uow.packages.add(package())
        uow.commit()
