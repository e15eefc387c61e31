"""Contributions: earmarks, receipt with its conversion, references."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from builders import DAY, make_contribution, make_conversion, make_earmark, money, usd
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import (
    UNRESTRICTED,
    ContributionStatus,
    contribution_ref,
    parse_contribution_ref,
)
from purldesk.domain.errors import Conflict, IllegalTransition, InvalidInput

# --- earmarks -----------------------------------------------------------------------------


def test_unrestricted_money_goes_anywhere() -> None:
    for aid_class in AidClass:
        assert UNRESTRICTED.allows(area="artillery", aid_class=aid_class)
    assert not UNRESTRICTED.is_expired(date(2099, 1, 1))


def test_aid_class_earmark_allows_only_those_classes() -> None:
    earmark = make_earmark(aid_classes={AidClass.HUMANITARIAN, AidClass.NONLETHAL})
    assert earmark.allows(area="medical", aid_class=AidClass.NONLETHAL)
    assert not earmark.allows(area="medical", aid_class=AidClass.LETHAL)


def test_area_earmark_allows_only_those_areas() -> None:
    earmark = make_earmark(areas={"air_defence"})
    assert earmark.allows(area="air_defence", aid_class=AidClass.LETHAL)
    assert not earmark.allows(area="artillery", aid_class=AidClass.LETHAL)


def test_both_restrictions_must_hold() -> None:
    earmark = make_earmark(areas={"medical"}, aid_classes={AidClass.HUMANITARIAN})
    assert earmark.allows(area="medical", aid_class=AidClass.HUMANITARIAN)
    assert not earmark.allows(area="medical", aid_class=AidClass.NONLETHAL)
    assert not earmark.allows(area="engineering", aid_class=AidClass.HUMANITARIAN)


def test_an_empty_restriction_allows_nothing() -> None:
    assert not make_earmark(areas=()).allows(area="medical", aid_class=AidClass.HUMANITARIAN)


def test_earmark_expires_after_its_last_day() -> None:
    earmark = make_earmark(expires_on=DAY)
    assert not earmark.is_expired(DAY - timedelta(days=1))
    assert not earmark.is_expired(DAY)
    assert earmark.is_expired(DAY + timedelta(days=1))


# --- receipt ------------------------------------------------------------------------------


def test_receive_fixes_the_usd_value_at_the_rate_of_the_day() -> None:
    pledge = money(50_000_000_000, "EUR")
    conversion = make_conversion(original=pledge, rate=Decimal("1.1565"))
    contribution = make_contribution(amount=pledge, status=ContributionStatus.COMMITTED)
    received = contribution.receive(on=DAY, conversion=conversion)
    assert received.status is ContributionStatus.RECEIVED
    assert received.received_on == DAY
    assert received.usd == usd(57_825_000_000)
    assert received.amount == pledge  # kept in the currency pledged
    assert contribution.usd is None  # the original is untouched


def test_receive_straight_from_a_pledge() -> None:
    contribution = make_contribution(amount=money(100_000, "EUR"))
    received = contribution.receive(on=DAY, conversion=make_conversion())
    assert received.status is ContributionStatus.RECEIVED


def test_receive_on_the_pledge_day_is_fine_but_before_it_is_rejected() -> None:
    contribution = make_contribution(amount=money(100_000, "EUR"), pledged_on=DAY)
    with pytest.raises(InvalidInput) as caught:
        contribution.receive(on=DAY - timedelta(days=1), conversion=make_conversion())
    assert caught.value.field == "received_on"


@pytest.mark.parametrize(
    "original", [money(100_001, "EUR"), money(100_000, "GBP"), usd(100_000)], ids=str
)
def test_receive_rejects_a_conversion_of_another_amount(original: object) -> None:
    contribution = make_contribution(amount=money(100_000, "EUR"))
    with pytest.raises(Conflict):
        contribution.receive(on=DAY, conversion=make_conversion(original=original))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "status",
    [ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED, ContributionStatus.CANCELLED,
     ContributionStatus.REFUNDED, ContributionStatus.DISBURSED],
)  # fmt: skip
def test_receive_is_a_transition_and_refuses_the_wrong_status(status: ContributionStatus) -> None:
    contribution = make_contribution(amount=money(100_000, "EUR"), status=status)
    with pytest.raises(IllegalTransition):
        contribution.receive(on=DAY, conversion=make_conversion())


def test_an_allocated_contribution_cannot_be_received_again() -> None:
    first = make_conversion(rate=Decimal("1.1565"))
    allocated = (
        make_contribution(amount=money(100_000, "EUR"))
        .receive(on=DAY, conversion=first)
        .move_to(ContributionStatus.ALLOCATED)
    )
    again = make_conversion(rate=Decimal("2"), rate_date=DAY + timedelta(days=30))
    with pytest.raises((IllegalTransition, Conflict)):
        allocated.receive(on=DAY + timedelta(days=30), conversion=again)


def test_receive_rejects_a_conversion_into_anything_but_usd() -> None:
    contribution = make_contribution(amount=money(100_000, "EUR"))
    to_gbp = make_conversion(target="GBP", rate=Decimal("0.85"))
    with pytest.raises((InvalidInput, Conflict)):
        contribution.receive(on=DAY, conversion=to_gbp)


def test_amount_must_be_positive() -> None:
    for minor in (0, -1):
        with pytest.raises(InvalidInput) as caught:
            make_contribution(amount=usd(minor))
        assert caught.value.field == "amount"


# --- references ---------------------------------------------------------------------------


def test_contribution_ref_round_trips() -> None:
    assert contribution_ref(12) == "C-00012"
    assert make_contribution(id=12).ref == "C-00012"
    assert parse_contribution_ref("C-00012") == 12
    assert parse_contribution_ref(" c-7 ") == 7
    assert parse_contribution_ref("12") == 12


@pytest.mark.parametrize("text", ["", "C-", "C-0", "X-12", "C-1.5", "-3"])
def test_parse_contribution_ref_rejects_what_is_not_a_reference(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_contribution_ref(text, field="contribution_ref")
    assert caught.value.field == "contribution_ref"


def test_money_converted_beyond_the_bound_is_not_received() -> None:
    pledged = money(10**15, "EUR")  # at the bound on one amount
    contribution = make_contribution(amount=pledged)
    conversion = make_conversion(original=pledged, rate=Decimal("1.5"))
    with pytest.raises(InvalidInput, match="C-00001 converted to USD is more than the bound"):
        contribution.receive(on=DAY, conversion=conversion)
    within = make_conversion(original=money(10**14, "EUR"), rate=Decimal("1.5"))
    assert make_contribution(amount=money(10**14, "EUR")).receive(on=DAY, conversion=within)
