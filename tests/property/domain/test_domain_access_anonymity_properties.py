"""For every viewer and contribution, `redact` hides the giver exactly when it should."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builders import make_contribution
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.confidentiality import redact
from purldesk.domain.contributions import Contribution
from purldesk.domain.participants import ParticipantCode

ORGANIZATIONS = ("FRA", "DEU", "NLD", "UKR", "USA", "NATO-NSATU", "AUDIT-1")


@st.composite
def viewers(draw: st.DrawFn) -> Actor:
    role = draw(st.sampled_from(Role))
    organization = draw(st.sampled_from(ORGANIZATIONS))
    return Actor(UserId(1), "someone", ParticipantCode(organization), role)


@st.composite
def contributions(draw: st.DrawFn) -> Contribution:
    return make_contribution(
        contributor=draw(st.sampled_from(ORGANIZATIONS[:3])),
        confidential=draw(st.booleans()), anonymous=draw(st.booleans()),
        purpose=draw(st.text(min_size=1, max_size=20)), source=draw(st.text(max_size=20)),
    )  # fmt: skip


def is_insider(viewer: Actor, contribution: Contribution) -> bool:
    # The coordinator and auditors see everything; so does the operator, who holds the data.
    return viewer.organization == contribution.contributor or viewer.role in (
        Role.COORDINATOR,
        Role.AUDITOR,
        Role.OPERATOR,
    )


@given(viewers(), contributions())
def test_the_giver_is_hidden_exactly_when_anonymous_and_the_viewer_is_an_outsider(
    viewer: Actor, contribution: Contribution
) -> None:
    view = redact(viewer, contribution)
    hidden = contribution.anonymous and not is_insider(viewer, contribution)
    assert (view.contributor is None) is hidden
    if not hidden:
        assert view.contributor == contribution.contributor
    assert view.anonymous is contribution.anonymous


@given(viewers(), contributions())
def test_anonymity_and_confidentiality_are_independent(
    viewer: Actor, contribution: Contribution
) -> None:
    view = redact(viewer, contribution)
    amount_hidden = contribution.confidential and not is_insider(viewer, contribution)
    assert (view.amount is None) is amount_hidden
    assert view.disclosed is not amount_hidden
    named = view.contributor is not None
    text_shown = named and not amount_hidden
    assert (view.purpose is not None) is text_shown
    assert (view.source is not None) is text_shown
