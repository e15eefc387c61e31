"""The contributions page and the API's totals read a page of contributions and sum the rest in
SQL: the sums equal what `confidentiality.totals` gives over every contribution redacted for
the viewer, for every role, filter and status, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

import pytest

import contribution_world
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.confidentiality import redact
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from purldesk.services.views import contributions as contribution_pages

UowFactory = Callable[[], UnitOfWork]
ReaderFactory = Callable[[], Reader]

CAN, DEU, NLD = ParticipantCode("CAN"), ParticipantCode("DEU"), ParticipantCode("NLD")
GIVERS = (CAN, DEU, NLD)


def _actor(role: Role, organization: str) -> Viewer:
    return Actor(UserId(1), f"{role}-{organization}", ParticipantCode(organization), role).viewer


VIEWERS = {
    "coordinator": _actor(Role.COORDINATOR, "NATO-NSATU"),
    "auditor": _actor(Role.AUDITOR, "NATO-NSATU"),
    "operator": OPERATOR,
    "public": PUBLIC,
    "contributor DEU": _actor(Role.CONTRIBUTOR, DEU),
    "contributor NLD": _actor(Role.CONTRIBUTOR, NLD),
    "recipient": _actor(Role.RECIPIENT, "UKR"),
    "supplier": _actor(Role.SUPPLIER, "USA"),
}


def seed(uow_factory: UowFactory) -> list[Contribution]:
    made = contribution_world.contributions(GIVERS)
    with uow_factory() as uow:
        for code in (*GIVERS, "UKR", "USA", "NATO-NSATU"):
            uow.participants.add(
                Participant(code, code, ParticipantKind.PARTNER, ParticipantStatus.JOINED)
            )
        for contribution in made:
            uow.contributions.add(contribution)
        uow.commit()
    return made


@pytest.mark.parametrize("name", sorted(VIEWERS))
def test_totals_summed_by_the_reader_equal_the_domains_for_every_filter(
    name: str, uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    made = seed(uow_factory)
    viewer = VIEWERS[name]
    for contributor, status in product((None, *GIVERS), (None, *ContributionStatus)):
        summed = contribution_pages.contribution_totals(
            reader_factory(), viewer=viewer, contributor=contributor, status=status
        )
        assert summed == contribution_world.expected_totals(
            viewer, made, contributor=contributor, status=status
        ), (
            contributor,
            status,
        )


def test_the_world_hides_amounts_and_givers_in_several_currencies(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    """The sums above are worth comparing: the public counts hidden amounts it never sums,
    a contributor sees its own in full, and a giver anonymous to a reader is no one's."""
    made = seed(uow_factory)
    public = contribution_pages.contribution_totals(reader_factory(), viewer=PUBLIC)
    assert (public.counted, public.undisclosed_count) == (36, 18)
    assert sorted(public.pledged) == ["EUR", "KRW", "USD"]
    everything = contribution_pages.contribution_totals(reader_factory(), viewer=OPERATOR)
    assert everything.undisclosed_count == 0
    assert everything.received_usd.minor > public.received_usd.minor > 0
    nld = VIEWERS["contributor NLD"]
    own = contribution_pages.contribution_totals(reader_factory(), viewer=nld, contributor=NLD)
    assert (own.counted, own.undisclosed_count) == (12, 0)
    others = contribution_pages.contribution_totals(reader_factory(), viewer=nld, contributor=DEU)
    assert others.counted == 6  # DEU's contributions it did not give anonymously
    assert others == contribution_world.expected_totals(nld, made, contributor=DEU)


def test_the_page_lists_the_newest_first_and_counts_them_all(
    uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    made = seed(uow_factory)
    newest = sorted(made, key=lambda c: c.id, reverse=True)
    with reader_factory() as reader:
        assert reader.count_contributions() == 36
        assert reader.contribution_page(offset=0, limit=10) == newest[:10]
        assert reader.contribution_page(offset=30, limit=10) == newest[30:]
        assert reader.contribution_page(offset=40, limit=10) == []
        assert reader.count_contributions(contributor=DEU) == 12
        own = [c for c in newest if c.contributor == DEU]
        assert reader.contribution_page(contributor=DEU, offset=5, limit=5) == own[5:10]


@pytest.mark.parametrize("name", ["coordinator", "contributor NLD", "public"])
def test_the_contributions_page_shows_one_page_and_totals_over_every_page(
    name: str, uow_factory: UowFactory, reader_factory: ReaderFactory
) -> None:
    made = seed(uow_factory)
    viewer = VIEWERS[name]
    seen = [c for c in made if not viewer.own_only or viewer.owns(c.contributor)]
    everything = contribution_world.expected_totals(viewer, seen)
    first = contribution_pages.contributions(reader_factory(), viewer=viewer, size=5)
    assert (first.received_usd, first.undisclosed_count) == (
        everything.received_usd,
        everything.undisclosed_count,
    )
    assert (first.page.total, first.page.pages) == (len(seen), -(-len(seen) // 5))
    newest = sorted(seen, key=lambda c: c.id, reverse=True)
    assert [r.view for r in first.rows] == [redact(viewer, c) for c in newest[: first.page.size]]
    last = contribution_pages.contributions(reader_factory(), viewer=viewer, asked=99, size=5)
    assert last.page.number == last.page.pages  # a page past the end shows the last one
    shown = [r.view.id for r in last.rows]
    assert shown == [c.id for c in newest[last.page.offset :]]
    assert (last.received_usd, last.undisclosed_count) == (
        first.received_usd,
        first.undisclosed_count,
    )
