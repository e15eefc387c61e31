"""The contributions' totals every page and report reads, on the fake, SQLite and PostgreSQL:
for contributions of every status, disclosure, currency and conversion (drawn by hypothesis),
as pledged and after edits of each (status, disclosure, amount, USD value), every viewer reads
exactly what summing the contributions one by one gives, each masked as it may see it; on the
databases, exactly what the row-by-row SQL read before the totals were kept; and the kept
totals are the contributions' totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import make_conversion, make_participant, money, usd
from contribution_sums import (
    expected_groups,
    expected_hidden_received,
    expected_received_by_giver,
    in_order,
    row_by_row_count,
    row_by_row_groups,
    row_by_row_hidden_received,
    row_by_row_received_by_giver,
)
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import contribution_totals
from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from purldesk.services.views.overview import LIVE

CODES = tuple(ParticipantCode(code) for code in ("CAN", "DEU", "KOR", "NLD"))
CURRENCIES = ("USD", "EUR", "KRW", "JPY")
# Every role (each organization's contributors: a viewer sees everything of its own).
VIEWERS: list[Viewer] = [
    PUBLIC,
    OPERATOR,
    *(Actor(UserId(1), f"contributor-{code}", code, Role.CONTRIBUTOR).viewer for code in CODES),
    *(
        Actor(UserId(1), f"{role}-KOR", ParticipantCode("KOR"), role).viewer
        for role in Role
        if role not in (Role.OPERATOR, Role.CONTRIBUTOR)
    ),
]
EVERY_STATUS = frozenset(ContributionStatus)
ASKED = (EVERY_STATUS, LIVE, frozenset({ContributionStatus.RECEIVED}))
ON = date(2025, 10, 1)


def _with_usd(contribution: Contribution, usd_minor: int | None) -> Contribution:
    if usd_minor is None:
        return replace(contribution, conversion=None)
    conversion = make_conversion(original=contribution.amount, converted=usd(usd_minor))
    return replace(contribution, conversion=conversion)


# Amounts up to the bound on one amount: a few of them overflow a 64-bit sum.
amounts = st.one_of(st.integers(1, 10_000_00), st.integers(1, 10**15))
usd_values = st.none() | st.integers(0, 10**15)


@st.composite
def contributions(draw: st.DrawFn, first_id: int) -> list[Contribution]:
    made = []
    for n in range(draw(st.integers(1, 12))):
        pledged = Contribution(
            ContributionId(first_id + n),
            draw(st.sampled_from(CODES)),
            money(draw(amounts), draw(st.sampled_from(CURRENCIES))),
            ON,
            status=draw(st.sampled_from(ContributionStatus)),
            confidential=draw(st.booleans()),
            anonymous=draw(st.booleans()),
        )
        made.append(_with_usd(pledged, draw(usd_values)))
    return made


@st.composite
def edited(draw: st.DrawFn, contribution: Contribution) -> Contribution:
    """The contribution with any of what the totals are kept by changed."""
    changed = contribution
    if draw(st.booleans()):
        changed = replace(changed, status=draw(st.sampled_from(ContributionStatus)))
    if draw(st.booleans()):
        changed = replace(changed, confidential=draw(st.booleans()), anonymous=draw(st.booleans()))
    usd_minor = None if changed.usd is None else changed.usd.minor
    if draw(st.booleans()):
        changed = replace(changed, amount=money(draw(amounts), changed.amount.currency))
    if draw(st.booleans()):
        usd_minor = draw(usd_values)
    return _with_usd(changed, usd_minor)


def _check(uow_factory: Callable[[], UnitOfWork], reader_factory: Callable[[], Reader]) -> None:
    with uow_factory() as uow:
        every = uow.contributions.list()
        kept = uow.contributions.kept_totals()
        # Rows a write left at zero stay: they add nothing.
        assert {k: t for k, t in kept.items() if t != contribution_totals.NOTHING} == (
            contribution_totals.totals(every)
        )
        session = uow.session if isinstance(uow, SqlUnitOfWork) else None
        with reader_factory() as reader:
            for viewer in VIEWERS:
                for statuses in ASKED:
                    groups = reader.contribution_groups(viewer, statuses=statuses)
                    assert in_order(groups) == expected_groups(every, viewer, statuses=statuses)
                    received = reader.received_by_giver(viewer, statuses=statuses)
                    assert received == expected_received_by_giver(every, viewer, statuses=statuses)
                    hidden = reader.hidden_received(viewer, statuses=statuses)
                    assert hidden == expected_hidden_received(every, viewer, statuses=statuses)
                    if session is not None:  # exactly the SQL read before, in its order
                        assert groups == row_by_row_groups(session, viewer, statuses=statuses)
                        assert received == row_by_row_received_by_giver(
                            session, viewer, statuses=statuses
                        )
                        assert hidden == row_by_row_hidden_received(
                            session, viewer, statuses=statuses
                        )
                for code in CODES:
                    of_one = reader.contribution_groups(
                        viewer, statuses=EVERY_STATUS, contributor=code
                    )
                    assert in_order(of_one) == expected_groups(
                        every, viewer, statuses=EVERY_STATUS, contributor=code
                    )
                    if session is not None:
                        assert of_one == row_by_row_groups(
                            session, viewer, statuses=EVERY_STATUS, contributor=code
                        )
            for code in (None, *CODES):
                counted = reader.count_contributions(contributor=code)
                assert counted == sum(1 for c in every if code in (None, c.contributor))
                if session is not None:
                    assert counted == row_by_row_count(session, contributor=code)


def test_every_viewer_reads_the_kept_totals_as_the_contributions_summed_one_by_one(
    uow_factory: Callable[[], UnitOfWork], reader_factory: Callable[[], Reader]
) -> None:
    with uow_factory() as uow:
        for code in CODES:
            uow.participants.add(make_participant(code=code))
        uow.commit()

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def pledged_then_edited(data: st.DataObject) -> None:
        with uow_factory() as uow:
            made = data.draw(contributions(uow.contributions.last_id() + 1))
            for contribution in made:
                uow.contributions.add(contribution)
            uow.commit()
        _check(uow_factory, reader_factory)
        # Edits of this example's contributions only: what is drawn may not depend on the
        # contributions earlier examples left, which a replay would not find the same.
        picked = st.lists(st.integers(0, len(made) - 1), unique=True)
        with uow_factory() as uow:
            for at in data.draw(picked):
                stored = uow.contributions.get(made[at].id)
                uow.contributions.save(data.draw(edited(stored)))
            uow.commit()
        _check(uow_factory, reader_factory)

    pledged_then_edited()
