"""Who sees a restricted package's contents: one rule, `Viewer.sees_contents`, for every role."""

from __future__ import annotations

from datetime import date

import pytest

from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.package_money import redact_attributions
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId, LineId


def _viewer(role: Role, organization: str) -> Viewer:
    return Actor(UserId(1), "someone", ParticipantCode(organization), role).viewer


def _contribution(cid: int, contributor: str) -> Contribution:
    return Contribution(
        id=ContributionId(cid), contributor=ParticipantCode(contributor),
        amount=Money(600, USD), pledged_on=date(2025, 9, 1),
    )  # fmt: skip


PAYERS = {ContributionId(1): _contribution(1, "NLD"), ContributionId(2): _contribution(2, "DEU")}
PACKAGE = Package(
    id=PackageId(1), cycle_id=CycleId(1), name="Winter", target=Money(10_000, USD),
    created_on=date(2025, 10, 1),
    lines=(
        PackageLine(LineId(1), ItemCode("TENT"), 1, Money(600, USD)),
        PackageLine(LineId(2), ItemCode("STOVE"), 1, Money(600, USD)),
    ),
    attributions=(
        Attribution(ContributionId(1), LineId(1), Money(600, USD)),
        Attribution(ContributionId(2), LineId(2), Money(600, USD)),
    ),
).restricted_to([ParticipantCode("POL")])  # fmt: skip

SEE_CONTENTS = {
    "coordinator": _viewer(Role.COORDINATOR, "NSPA"),
    "auditor": _viewer(Role.AUDITOR, "NLD"),
    "supplier": _viewer(Role.SUPPLIER, "ACME-1"),
    "recipient": _viewer(Role.RECIPIENT, "UKR"),
    "cleared contributor": _viewer(Role.CONTRIBUTOR, "POL"),
    "operator": OPERATOR,
}
DO_NOT = {
    "public": PUBLIC,
    "paying contributor": _viewer(Role.CONTRIBUTOR, "NLD"),
    "other contributor": _viewer(Role.CONTRIBUTOR, "FRA"),
}


@pytest.mark.parametrize("who", SEE_CONTENTS)
def test_those_who_must_know_and_the_cleared_see_every_attribution(who: str) -> None:
    viewer = SEE_CONTENTS[who]
    money = redact_attributions(viewer, PACKAGE, PAYERS, min_hidden_contributors=2)
    assert viewer.sees_contents(PACKAGE.restriction)
    assert money.contents_shown
    assert {a.contribution_id for a in money.attributions} == {1, 2}


@pytest.mark.parametrize("who", DO_NOT)
def test_others_see_the_value_and_only_their_own_attributions(who: str) -> None:
    viewer = DO_NOT[who]
    money = redact_attributions(viewer, PACKAGE, PAYERS, min_hidden_contributors=2)
    assert not viewer.sees_contents(PACKAGE.restriction)
    assert not money.contents_shown
    assert money.cost_shown
    own = {ContributionId(1)} if who == "paying contributor" else set()
    assert {a.contribution_id for a in money.attributions} == own


@pytest.mark.parametrize("who", DO_NOT)
def test_an_unrestricted_package_shows_its_contents_to_everyone(who: str) -> None:
    published = PACKAGE.restricted_to(None)
    money = redact_attributions(DO_NOT[who], published, PAYERS, min_hidden_contributors=2)
    assert DO_NOT[who].sees_contents(published.restriction)
    assert money.contents_shown
    assert len(money.attributions) == 2
