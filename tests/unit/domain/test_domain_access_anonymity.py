"""Anonymity: `redact` names an anonymous giver only to itself, the coordinator and auditors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builders import make_contribution, make_conversion
from purldesk.domain.access import Actor, Owned, Permission, Role, UserId, authorize, can
from purldesk.domain.confidentiality import can_see_contributor, redact, totals
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.errors import NotFound, NotPermitted
from purldesk.domain.participants import ParticipantCode


def actor(role: Role, organization: str) -> Actor:
    return Actor(UserId(1), f"{role}@{organization}", ParticipantCode(organization), role)


OWNER = actor(Role.CONTRIBUTOR, "FRA")
OTHER_CONTRIBUTOR = actor(Role.CONTRIBUTOR, "DEU")
RECIPIENT = actor(Role.RECIPIENT, "UKR")
SUPPLIER = actor(Role.SUPPLIER, "USA")
COORDINATOR = actor(Role.COORDINATOR, "NATO-NSATU")
AUDITOR = actor(Role.AUDITOR, "AUDIT-1")
OTHERS = (OTHER_CONTRIBUTOR, RECIPIENT, SUPPLIER)
INSIDERS = (OWNER, COORDINATOR, AUDITOR)


def anonymous_gift(*, confidential: bool = False) -> Contribution:
    return make_contribution(
        contributor="FRA", anonymous=True, confidential=confidential,
        purpose="France's pledge for winter", source="https://example.org/fra",
        status=ContributionStatus.RECEIVED, conversion=make_conversion(),
    )  # fmt: skip


@pytest.mark.parametrize("viewer", OTHERS, ids=lambda a: a.role.value)
def test_others_see_an_anonymous_contribution_without_its_giver(viewer: Actor) -> None:
    view = redact(viewer, anonymous_gift())
    assert view.contributor is None
    assert view.anonymous is True


@pytest.mark.parametrize("viewer", OTHERS, ids=lambda a: a.role.value)
def test_an_anonymous_but_public_amount_is_still_shown(viewer: Actor) -> None:
    gift = anonymous_gift()
    view = redact(viewer, gift)
    assert (view.amount, view.conversion, view.disclosed) == (gift.amount, gift.conversion, True)


@pytest.mark.parametrize("viewer", OTHERS, ids=lambda a: a.role.value)
def test_an_anonymous_amount_in_another_currency_is_shown_in_usd_only(viewer: Actor) -> None:
    """A pledge's currency and rate can name the giver (one participant pledges in KRW)."""
    conversion = make_conversion()
    gift = replace(anonymous_gift(), amount=conversion.original, conversion=conversion)
    view = redact(viewer, gift)
    assert (view.amount, view.conversion, view.disclosed) == (None, None, True)
    assert view.usd == conversion.converted
    assert totals([view]).received_usd == conversion.converted
    assert totals([view]).pledged == {}
    assert totals([view]).undisclosed_count == 0


@pytest.mark.parametrize("viewer", OTHERS, ids=lambda a: a.role.value)
def test_free_text_that_may_name_the_giver_is_hidden_from_others(viewer: Actor) -> None:
    view = redact(viewer, anonymous_gift())
    assert (view.purpose, view.source) == (None, None)


@pytest.mark.parametrize("viewer", INSIDERS, ids=lambda a: a.role.value)
def test_the_giver_coordinator_and_auditor_see_who_gave_it(viewer: Actor) -> None:
    view = redact(viewer, anonymous_gift(confidential=True))
    assert view.contributor == "FRA"
    assert (view.purpose, view.source) == ("France's pledge for winter", "https://example.org/fra")
    assert view.amount is not None and view.anonymous is True


def test_anonymous_and_confidential_hides_both_giver_and_amount() -> None:
    view = redact(RECIPIENT, anonymous_gift(confidential=True))
    assert (view.contributor, view.amount, view.conversion, view.disclosed) == (
        None, None, None, False,
    )  # fmt: skip


def test_a_named_contribution_keeps_its_giver_and_text_for_everyone() -> None:
    gift = make_contribution(contributor="FRA", purpose="winter kits")
    for viewer in (*OTHERS, *INSIDERS):
        view = redact(viewer, gift)
        assert (view.contributor, view.anonymous, view.purpose) == ("FRA", False, "winter kits")


def test_anonymity_hides_no_amount_from_totals() -> None:
    summed = totals([redact(RECIPIENT, anonymous_gift())])
    assert (summed.counted, summed.undisclosed_count) == (1, 0)
    assert summed.received_usd.is_positive


def test_can_see_contributor_matches_redact() -> None:
    gift = anonymous_gift()
    for viewer in (*OTHERS, *INSIDERS):
        assert can_see_contributor(viewer, gift) is (redact(viewer, gift).contributor is not None)


def test_disclose_changes_only_the_two_flags() -> None:
    gift = make_contribution(contributor="FRA", purpose="winter kits")
    changed = gift.disclose(confidential=True, anonymous=True)
    assert (changed.confidential, changed.anonymous) == (True, True)
    assert changed.disclose(confidential=False, anonymous=False) == gift


def test_only_the_contributor_may_set_the_disclosure_and_only_of_its_own() -> None:
    for viewer in (RECIPIENT, SUPPLIER, COORDINATOR, AUDITOR):
        assert not can(viewer, Permission.SET_DISCLOSURE)
        with pytest.raises(NotPermitted):
            authorize(viewer, Permission.SET_DISCLOSURE)
    owned = Owned("FRA", "contribution", 1)
    authorize(OWNER, Permission.SET_DISCLOSURE, owner=owned)
    with pytest.raises(NotFound):
        authorize(OTHER_CONTRIBUTOR, Permission.SET_DISCLOSURE, owner=owned)
