"""Properties of members' parts: a group's contribution is always exactly the sum of its parts,
each converted at its own rate, never one cent off; and the members' shares of any payment
always add up to it, each within a cent of its exact proportion."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from builders import make_contribution, make_member_part
from purldesk.domain.access import PUBLIC, Actor, Role, UserId
from purldesk.domain.confidentiality import can_see_own_part, redact
from purldesk.domain.errors import InvalidInput
from purldesk.domain.member_parts import MemberPart, parts_total, shares
from purldesk.domain.money import MAX_AMOUNT_MINOR, USD, Money
from purldesk.domain.participants import ParticipantCode
from strategies import currencies, positive_money

RATES = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal("10"), places=10, allow_nan=False
)
NATIONS = ("DNK", "EST", "FIN", "ISL", "LVA", "LTU", "NOR", "SWE")


@st.composite
def member_parts(draw: st.DrawFn) -> tuple[MemberPart, ...]:
    """One to eight parts of distinct members, each of any currency at any rate, of at least a
    cent in USD."""
    members = draw(st.lists(st.sampled_from(NATIONS), min_size=1, max_size=8, unique=True))
    parts = []
    for member in members:
        code = draw(currencies())
        amount = draw(positive_money(code, max_minor=10**13))
        rate = draw(RATES)
        assume(amount.to_decimal() * rate >= Decimal("0.01"))
        parts.append(make_member_part(member=member, amount=amount, rate=rate))
    assume(sum(part.usd.minor for part in parts) <= MAX_AMOUNT_MINOR)  # a pledge's own bound
    return tuple(parts)


@given(parts=member_parts())
def test_a_group_contribution_is_exactly_the_sum_of_its_parts(
    parts: tuple[MemberPart, ...],
) -> None:
    whole = make_contribution(members=parts)
    assert whole.amount.currency == USD
    assert whole.amount.minor == sum(part.usd.minor for part in parts)
    for part in parts:  # every part is its own amount at its own recorded rate
        exact = part.amount.to_decimal() * part.conversion.rate
        assert abs(part.usd.to_decimal() - exact) <= Decimal("0.005")


@given(parts=member_parts(), off=st.integers(min_value=-(10**6), max_value=10**6).filter(bool))
def test_any_other_amount_is_refused(parts: tuple[MemberPart, ...], off: int) -> None:
    minor = parts_total(parts).minor + off
    assume(0 < minor <= MAX_AMOUNT_MINOR)
    amount = Money(minor, USD)
    try:
        make_contribution(amount=amount, members=parts)
    except InvalidInput as refused:
        assert refused.field == "members"
    else:
        raise AssertionError(f"{amount} was taken for parts summing to {parts_total(parts)}")


@given(parts=member_parts(), paid_minor=st.integers(min_value=0, max_value=10**15))
def test_shares_of_a_payment_add_up_to_it_each_within_a_cent_of_its_proportion(
    parts: tuple[MemberPart, ...], paid_minor: int
) -> None:
    paid = Money(paid_minor, USD)
    found = shares(paid, parts)
    assert sum(share.minor for share in found) == paid_minor
    whole = parts_total(parts).minor
    for share, part in zip(found, parts, strict=True):
        assert abs(share.minor - Fraction(paid_minor * part.usd.minor, whole)) < 1


DISCLOSURES = st.sampled_from([(False, False), (True, False), (False, True), (True, True)])


@given(parts=member_parts(), disclosure=DISCLOSURES, reader=st.sampled_from((*NATIONS, "", "NLD")))
def test_no_hidden_part_follows_from_what_a_viewer_sees(
    parts: tuple[MemberPart, ...], disclosure: tuple[bool, bool], reader: str
) -> None:
    """What a reader (the public, a member, another nation) knows of a group's contribution: the
    whole where it is shown, the parts it is shown, its own part where it may see it. A part it
    does not know never follows by subtraction: where it knows the whole, it knows every part
    or at least two are unknown to it."""
    confidential, anonymous = disclosure
    whole = make_contribution(
        contributor="NB8", members=parts, confidential=confidential, anonymous=anonymous
    )
    viewer = (
        PUBLIC if not reader
        else Actor(UserId(1), reader, ParticipantCode(reader), Role.CONTRIBUTOR).viewer
    )  # fmt: skip
    shown = redact(viewer, whole)
    told = {p.member for p in shown.members or ()}
    told |= {p.member for p in parts if can_see_own_part(viewer, whole, p.member)}
    known = told | ({reader} & {p.member for p in parts})  # a member knows what it gave
    unknown = [p for p in parts if p.member not in known]
    # A subtraction gives away a part only to a reader who knows whose whole it is.
    if shown.contributor is not None and (shown.usd is not None or shown.amount is not None):
        assert len(unknown) != 1, f"{unknown[0].member}'s part is the whole minus the others"
    if told and shown.members is None:  # its own part only: the whole is hidden from it
        assert told == {reader} and shown.amount is None
