"""Members' parts on the read side, over the in-memory reader: a member's statement lists what
it gave through its groups and its share of what that bought (shares of every payment adding
up to it), as far as the viewer may see; the transparency report shows groups or members, and
moves only money the public sees in full."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

import member_world
from fakes import FakeDatabase, FakeReader, FakeUnitOfWork
from member_world import (
    ANONYMOUS_GIFT,
    ANONYMOUS_PARTS,
    CONFIDENTIAL_GIFT,
    DENMARK_PART,
    KITS_PAID,
    NORDIC,
    NORDIC_PACKAGE,
    PUBLIC_GIFT,
    PUBLIC_PARTS,
    RADAR_PAID,
    seed,
)
from purldesk.domain.access import OPERATOR, Actor, Role, UserId, Viewer
from purldesk.domain.errors import NotFound
from purldesk.domain.member_parts import shares
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Restriction
from purldesk.domain.participants import ParticipantCode
from purldesk.services.views import contributions, statement, transparency
from purldesk.services.views.overview import ContributorsBy
from purldesk.services.views.rows import ANONYMOUS

TODAY = date(2025, 11, 20)


def user_of(code: str) -> Viewer:
    return Actor(UserId(9), f"user-{code}", ParticipantCode(code), Role.CONTRIBUTOR).viewer


def seeded() -> FakeDatabase:
    database = FakeDatabase()
    seed(lambda: FakeUnitOfWork(database))
    return database


@pytest.fixture
def reader() -> FakeReader:
    return FakeReader(seeded())


def test_a_members_statement_read_in_full_lists_every_part_and_share(reader: FakeReader) -> None:
    groups = statement.statement(reader, viewer=OPERATOR, contributor="DNK").through_groups
    assert [(r.contribution_ref, r.part.amount, r.whole_usd is not None) for r in groups.parts] == [
        ("C-00005", DENMARK_PART.amount, True),
        ("C-00006", member_world.CONFIDENTIAL_PARTS[0].amount, True),
        ("C-00007", ANONYMOUS_PARTS[0].amount, True),
    ]
    assert [(r.contribution_ref, r.line_ref, r.amount, r.group_amount) for r in groups.rows] == [
        ("C-00005", "L-1", shares(RADAR_PAID, PUBLIC_PARTS)[0], RADAR_PAID),
        ("C-00007", "L-3", shares(KITS_PAID, ANONYMOUS_PARTS)[0], KITS_PAID),
    ]
    # USD 1,000,000.00 x 89,729,338.62 / 510,794,953.87, the cent left over gone to Norway's.
    assert groups.rows[0].amount == Money(175_666_06, USD)


def test_the_members_shares_of_every_payment_add_up_to_it(reader: FakeReader) -> None:
    paid: dict[tuple[str, str], int] = {}
    for member in ("DNK", "NOR", "SWE"):
        rows = statement.statement(reader, viewer=OPERATOR, contributor=member).through_groups.rows
        for row in rows:
            paid[row.contribution_ref, row.line_ref] = (
                paid.get((row.contribution_ref, row.line_ref), 0) + row.amount.minor
            )
    assert paid == {("C-00005", "L-1"): RADAR_PAID.minor, ("C-00007", "L-3"): KITS_PAID.minor}


def test_a_member_sees_its_part_of_a_confidential_gift_without_the_shares_and_nothing_of_an_anonymous_one(
    reader: FakeReader,
) -> None:
    view = statement.statement(reader, viewer=user_of("DNK"), contributor="DNK")
    parts = {r.contribution_ref: r for r in view.through_groups.parts}
    assert set(parts) == {"C-00005", "C-00006"}  # the anonymous gift's group is not named to it
    assert parts["C-00006"].part == member_world.CONFIDENTIAL_PARTS[0]
    assert parts["C-00006"].whole_usd is None and not parts["C-00006"].shares_shown
    assert parts["C-00005"].whole_usd == member_world.contributions()[0].amount
    assert [r.contribution_ref for r in view.through_groups.rows] == ["C-00005"]
    with pytest.raises(NotFound):
        statement.statement(reader, viewer=user_of("DNK"), contributor="NOR")


def test_a_members_shares_leave_out_packages_whose_contents_are_restricted_from_it() -> None:
    database = seeded()
    with FakeUnitOfWork(database) as uow:
        package = uow.packages.get(NORDIC_PACKAGE)
        uow.packages.save(replace(package, restriction=Restriction()))
        uow.commit()
    reader = FakeReader(database)
    own = statement.statement(reader, viewer=user_of("DNK"), contributor="DNK").through_groups
    assert own.rows == [] and own.spent_usd == Money(0, USD)
    full = statement.statement(reader, viewer=OPERATOR, contributor="DNK").through_groups
    assert [r.contribution_ref for r in full.rows] == ["C-00005", "C-00007"]


def test_a_nation_with_no_group_has_nothing_through_groups(reader: FakeReader) -> None:
    view = statement.statement(reader, viewer=OPERATOR, contributor="NLD")
    assert view.through_groups.parts == [] and view.through_groups.rows == []


def test_the_contribution_view_shows_parts_where_amount_and_giver_are_seen(
    reader: FakeReader,
) -> None:
    recipient = Actor(UserId(8), "ukraine", ParticipantCode("UKR"), Role.RECIPIENT).viewer
    public = {r.view.id: r.view.members for r in contributions.contributions(
        reader, viewer=recipient
    ).rows}  # fmt: skip
    assert public[PUBLIC_GIFT] == PUBLIC_PARTS
    assert public[CONFIDENTIAL_GIFT] is None and public[ANONYMOUS_GIFT] is None
    own = contributions.contributions(reader, viewer=user_of("NORDIC-3")).rows  # newest first
    newest = sorted(member_world.contributions(), key=lambda c: c.id, reverse=True)
    assert [r.view.members for r in own] == [c.members for c in newest]


def _bars(by: ContributorsBy) -> dict[str, int]:
    view = transparency.transparency(FakeReader(seeded()), today=TODAY, contributors_by=by)
    return {bar.label: bar.value_minor for bar in view.by_contributor}


def test_the_transparency_report_shows_groups_or_their_members() -> None:
    by_groups, by_members = _bars(ContributorsBy.GROUPS), _bars(ContributorsBy.MEMBERS)
    public_gift = member_world.contributions()[0].amount.minor
    assert by_groups["Denmark, Norway and Sweden"] == public_gift
    assert "Denmark, Norway and Sweden" not in by_members
    assert [by_members[name] for name in ("Denmark", "Norway", "Sweden")] == [
        p.usd.minor for p in PUBLIC_PARTS
    ]
    # Only money the public sees in full moves: the anonymous gift stays anonymous, the
    # confidential one is in no bar, and the total is the same.
    assert by_members[ANONYMOUS] == by_groups[ANONYMOUS]
    assert sum(by_members.values()) == sum(by_groups.values())
    assert NORDIC not in by_members
