"""A group pledges with its members' parts: each priced at its own currency's rate of the
pledge day, recorded with the pledge and audited; every bad part is refused naming `members`,
on a pledge and on a row of an import, and nothing is written."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from builders import make_participant
from fakes import FakeDatabase, TableRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.errors import ImportRejected, InvalidInput
from purldesk.domain.money import USD, Money, currency
from purldesk.services import contributions, member_parts, participants
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.handle import Command, Context, handle
from purldesk.services.member_parts import MemberAmount, parse_member_list, parse_members

AT = datetime(2025, 8, 6, 12, 0, tzinfo=UTC)
PLEDGED = date(2025, 8, 5)
RATES = TableRates({"DKK": Decimal("0.154705756244"), "NOK": Decimal("0.0973770768323")})
NORDIC_PARTS = ("DNK:580000000:DKK", "NOR:1500000000:NOK", "SWE:275000000:USD")
NORDIC_SUM = Money(51_079_495_387, USD)  # USD 89,729,338.62 + 146,065,615.25 + 275,000,000.00


class World:
    def __init__(self) -> None:
        self.uow = fake_uow_factory(FakeDatabase())
        nations = [make_participant(code=code) for code in ("DNK", "NOR", "SWE", "NLD")]
        group = make_participant(code="NORDIC-3", members=("DNK", "NOR", "SWE"))
        participants.add_many(self.uow(), participants=[*nations, group])

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=RATES)
        return handle(self.uow(), command, context=context).value

    def pledge(
        self, parts: tuple[str, ...], *, who: str = "NORDIC-3", amount: Money = NORDIC_SUM
    ) -> Any:
        return self.run(
            contributions.Pledge(
                contributor=who, amount=amount, pledged_on=PLEDGED, members=parse_members(parts)
            )
        )

    def stored(self) -> list[Any]:
        with self.uow() as uow:
            return uow.contributions.list()


@pytest.fixture
def world() -> World:
    return World()


def test_a_group_pledges_with_its_members_parts_each_at_its_own_rate(world: World) -> None:
    made = world.pledge(NORDIC_PARTS)
    assert [(p.member, p.amount.format(), p.usd.format()) for p in made.members] == [
        ("DNK", "DKK 580,000,000.00", "USD 89,729,338.62"),
        ("NOR", "NOK 1,500,000,000.00", "USD 146,065,615.25"),
        ("SWE", "USD 275,000,000.00", "USD 275,000,000.00"),
    ]
    assert [(p.conversion.rate, p.conversion.rate_date) for p in made.members][:2] == [
        (Decimal("0.154705756244"), PLEDGED),
        (Decimal("0.0973770768323"), PLEDGED),
    ]
    assert world.stored() == [made]
    with world.uow() as uow:
        audited = uow.audit.entries()[-1]
    assert (audited.action, audited.target) == ("contributions.pledge", made.ref)
    assert json.loads(audited.changes)["command"]["members"] == [
        {"member": "DNK", "amount": {"minor": 58_000_000_000, "currency": "DKK"}},
        {"member": "NOR", "amount": {"minor": 150_000_000_000, "currency": "NOK"}},
        {"member": "SWE", "amount": {"minor": 27_500_000_000, "currency": "USD"}},
    ]


def test_a_group_pledge_with_parts_is_received_as_pledged(world: World) -> None:
    made = world.pledge(NORDIC_PARTS)
    received = world.run(contributions.Receive(contribution_id=made.id, on=date(2025, 8, 6)))
    assert received.usd == NORDIC_SUM == Money(sum(p.usd.minor for p in received.members), USD)
    assert received.members == made.members  # fixed with the pledge


@pytest.mark.parametrize(
    ("parts", "who", "amount", "field", "message"),
    [
        (NORDIC_PARTS, "NORDIC-3", Money(50_000_000_000, USD), "members", "sum to USD 510,794"),
        (("FIN:1:EUR",), "NORDIC-3", Money(100, USD), "members", "FIN is not a member of"),
        (("NLD:1:USD",), "NLD", Money(100, USD), "members", "NLD is not a group"),
        (("XYZ:1:USD",), "NORDIC-3", Money(100, USD), "members", "XYZ is not a member of"),
        (("SWE:1:JPY",), "NORDIC-3", Money(100, USD), "members", "JPY has no reference rate"),
        (("SWE:1:USD",), "NORDIC-3", Money(100, currency("DKK")), "currency", "pledged in USD"),
    ],
)
def test_a_bad_part_is_refused_naming_its_field_and_nothing_is_written(
    world: World, parts: tuple[str, ...], who: str, amount: Money, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as raised:
        world.pledge(parts, who=who, amount=amount)
    assert raised.value.field == field
    assert world.stored() == []


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (("DNK:1:DKK", "dnk:2:DKK"), "DNK is listed twice"),
        (("DNK:1:DKX",), "DNK: unknown ISO 4217 currency 'DKX'"),
        (("DNK:1.001:DKK",), "DNK: '1.001' has more than 2 decimal place"),
        (("DNK:10000000000000000:DKK",), "DNK: .* more than the bound on one amount"),
        (("DNK:0:DKK",), "DNK's part must be positive"),
        (("DNK 580000000 DKK",), "is not MEMBER:AMOUNT:CURRENCY"),
        ((":1:DKK",), "names its member"),
        (tuple(f"M{n}:1:USD" for n in range(101)), "at most 100 parts"),
    ],
)
def test_a_part_that_cannot_be_read_is_refused_naming_members(
    texts: tuple[str, ...], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as raised:
        parse_members(texts)
    assert raised.value.field == "members"


def test_a_command_refuses_a_member_given_twice() -> None:
    twice = (MemberAmount("DNK", Money(1, USD)), MemberAmount("dnk", Money(2, USD)))
    with pytest.raises(InvalidInput, match="DNK is listed twice"):
        contributions.Pledge(contributor="NORDIC-3", amount=Money(3, USD), members=twice)


def test_parts_in_one_text_are_separated_by_semicolons_or_lines() -> None:
    assert parse_member_list("DNK:1:DKK; NOR:2:NOK\nSWE:3:USD\n") == (
        member_parts.parse_member("DNK:1:DKK"),
        member_parts.parse_member("NOR:2:NOK"),
        member_parts.parse_member("SWE:3:USD"),
    )
    assert parse_member_list("") == ()


def _row(line: int, *, who: str, amount: Money, parts: tuple[str, ...]) -> ContributionRow:
    return ContributionRow(
        line=line, contributor=who, amount=amount, pledged_on=PLEDGED, received_on=PLEDGED,
        confidential=False, purpose="", members=parse_members(parts),
    )  # fmt: skip


def test_an_import_records_a_groups_parts(world: World) -> None:
    rows = (_row(2, who="NORDIC-3", amount=NORDIC_SUM, parts=NORDIC_PARTS),)
    [made] = world.run(contributions.Import(rows=rows))
    assert [p.member for p in made.members] == ["DNK", "NOR", "SWE"]
    assert made.usd == NORDIC_SUM


def test_an_import_gathers_every_rows_part_finding_and_writes_nothing(world: World) -> None:
    rows = (
        _row(2, who="NORDIC-3", amount=Money(50_000_000_000, USD), parts=NORDIC_PARTS),
        _row(3, who="NLD", amount=Money(100, USD), parts=("NLD:1:USD",)),
        _row(4, who="NORDIC-3", amount=NORDIC_SUM, parts=NORDIC_PARTS),
    )
    with pytest.raises(ImportRejected) as raised:
        world.run(contributions.Import(rows=rows))
    assert [(e.line, e.field) for e in raised.value.errors] == [(2, "members"), (3, "members")]
    assert "sum to USD 510,794,953.87" in raised.value.errors[0].message
    assert world.stored() == []
