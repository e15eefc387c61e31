"""Members' parts of a group's contribution: each in its own currency at its own rate, each
member of the group once, summing in USD exactly to the contribution; who sees them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from builders import (
    make_contribution,
    make_conversion,
    make_member_part,
    make_participant,
    money,
    usd,
)
from purldesk.domain.access import PUBLIC, Actor, Role, UserId
from purldesk.domain.confidentiality import can_see_own_part, can_see_parts, redact
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.member_parts import (
    MAX_PARTS,
    MemberPart,
    check_members_once,
    check_membership,
    parts_total,
    shares,
)
from purldesk.domain.participants import ParticipantCode

NORDIC = make_participant(code="NORDIC-3", members=("DNK", "NOR", "SWE"))
DENMARK = make_member_part(member="DNK")  # DKK 580M at 0.154705756244
NORWAY = make_member_part(
    member="NOR", amount=money(150_000_000_000, "NOK"), rate=Decimal("0.0973770768323")
)
SWEDEN = make_member_part(member="SWE", amount=usd(27_500_000_000), rate=Decimal(1))
PACKAGE = (DENMARK, NORWAY, SWEDEN)


def test_the_nordic_package_is_the_sum_of_its_parts_at_their_own_rates() -> None:
    assert DENMARK.usd == usd(8_972_933_862)  # DKK 580,000,000.00 x 0.154705756244
    assert NORWAY.usd == usd(14_606_561_525)
    assert SWEDEN.usd == usd(27_500_000_000)
    group = make_contribution(contributor="NORDIC-3", members=PACKAGE)
    assert group.amount == parts_total(PACKAGE) == usd(51_079_495_387)


def test_a_pledge_that_is_not_the_sum_of_its_parts_is_refused_saying_the_sum() -> None:
    with pytest.raises(InvalidInput) as raised:
        make_contribution(amount=usd(50_000_000_000), members=PACKAGE)
    assert raised.value.field == "members"
    assert "sum to USD 510,794,953.87" in raised.value.message


def test_a_contribution_with_parts_is_in_usd() -> None:
    with pytest.raises(InvalidInput) as raised:
        make_contribution(amount=money(51_079_495_387, "EUR"), members=PACKAGE)
    assert raised.value.field == "currency"


def test_a_member_gives_one_part_at_most() -> None:
    twice = (DENMARK, DENMARK)
    with pytest.raises(InvalidInput, match="DNK is listed twice"):
        make_contribution(members=twice)
    with pytest.raises(InvalidInput, match=f"at most {MAX_PARTS}"):
        check_members_once(str(n) for n in range(MAX_PARTS + 1))


@pytest.mark.parametrize(
    ("part", "message"),
    [
        (lambda: make_member_part(amount=money(0, "DKK")), "must be positive"),
        (lambda: make_member_part(amount=money(10**15 + 1, "DKK")), "bound on one amount"),
        (lambda: make_member_part(amount=money(1, "KRW"), rate=Decimal("0.0007")), "a cent"),
        (
            lambda: MemberPart(ParticipantCode("DNK"), make_conversion(target="EUR")),
            "not USD",
        ),
    ],
)
def test_a_part_is_positive_bounded_and_in_usd(part: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as raised:
        part()  # type: ignore[operator]
    assert raised.value.field == "members"


def test_only_a_group_lists_parts_and_only_of_its_members() -> None:
    check_membership(NORDIC, [ParticipantCode("DNK"), ParticipantCode("SWE")])
    with pytest.raises(InvalidInput, match="FIN is not a member of NORDIC-3 \\(DNK, NOR, SWE\\)"):
        check_membership(NORDIC, [ParticipantCode("FIN")])
    with pytest.raises(InvalidInput, match="NLD is not a group") as raised:
        check_membership(make_participant(code="NLD"), [ParticipantCode("NLD")])
    assert raised.value.field == "members"
    check_membership(make_participant(code="NLD"), [])  # a nation gives as one


def test_shares_of_a_payment_follow_the_parts_usd_values_and_sum_to_it() -> None:
    paid = usd(100_000_000)  # USD 1,000,000.00 of a line
    # Exactly 17,566,606.31..., 28,595,743.58... and 53,837,650.10... cents: the cent left
    # over goes to the largest remainder, Norway's.
    assert shares(paid, PACKAGE) == [usd(17_566_606), usd(28_595_744), usd(53_837_650)]
    assert sum(s.minor for s in shares(paid, PACKAGE)) == paid.minor


def test_a_group_contribution_is_received_as_the_usd_pledged() -> None:
    group = make_contribution(contributor="NORDIC-3", members=PACKAGE)
    at_par = make_conversion(original=group.amount, rate=Decimal(1))
    assert group.receive(on=date(2025, 8, 5), conversion=at_par).usd == group.amount
    off = make_conversion(original=group.amount, rate=Decimal("1.01"))
    with pytest.raises(Conflict, match="received as the USD pledged"):
        group.receive(on=date(2025, 8, 5), conversion=off)


GROUP_USER = Actor(UserId(1), "nordic", ParticipantCode("NORDIC-3"), Role.CONTRIBUTOR).viewer
DENMARK_USER = Actor(UserId(2), "denmark", ParticipantCode("DNK"), Role.CONTRIBUTOR).viewer


def test_parts_are_seen_where_the_amount_and_the_giver_are() -> None:
    group = make_contribution(contributor="NORDIC-3", members=PACKAGE)
    assert redact(PUBLIC, group).members == PACKAGE
    for hidden in (replace(group, confidential=True), replace(group, anonymous=True)):
        assert redact(PUBLIC, hidden).members is None
        assert redact(GROUP_USER, hidden).members == PACKAGE
        assert not can_see_parts(DENMARK_USER, hidden)


def test_a_member_sees_its_own_part_of_a_confidential_gift_but_not_of_an_anonymous_one() -> None:
    group = make_contribution(contributor="NORDIC-3", members=PACKAGE)
    confidential = replace(group, confidential=True)
    assert can_see_own_part(DENMARK_USER, confidential, "DNK")
    assert not can_see_own_part(DENMARK_USER, confidential, "NOR")
    assert not can_see_own_part(PUBLIC, confidential, "DNK")
    # Its part taken from the visible amount of an anonymous gift would give the others'.
    assert not can_see_own_part(DENMARK_USER, replace(group, anonymous=True), "DNK")
