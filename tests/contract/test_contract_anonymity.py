"""A contribution's anonymity is stored in its own column and survives every save, including the
owner's later change of what others see, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from storage_backdoor import stored_disclosure

from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services import contributions
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
FRA = Actor(UserId(1), "mof@fra", ParticipantCode("FRA"), Role.CONTRIBUTOR)
DEU = Actor(UserId(2), "mod@deu", ParticipantCode("DEU"), Role.CONTRIBUTOR)


def seed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for code, name in (("FRA", "France"), ("DEU", "Germany")):
            uow.participants.add(
                Participant(
                    ParticipantCode(code), name, ParticipantKind.ALLY, ParticipantStatus.JOINED
                )
            )
        uow.commit()


def stored_flags(uow_factory: UowFactory, contribution_id: int) -> tuple[bool, bool]:
    with uow_factory() as uow:
        return stored_disclosure(uow, contribution_id)


def test_an_anonymous_pledge_round_trips_and_a_named_one_stays_named(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    anonymous = contributions.pledge(
        uow_factory(), contributor="FRA", amount=Money(5_000_000, USD),
        pledged_on=date(2025, 8, 4), at=AT, anonymous=True,
    )  # fmt: skip
    named = contributions.pledge(
        uow_factory(), contributor="DEU", amount=Money(7_000_000, USD),
        pledged_on=date(2025, 8, 4), at=AT,
    )  # fmt: skip
    assert stored_flags(uow_factory, anonymous.id) == (False, True)
    assert stored_flags(uow_factory, named.id) == (False, False)
    with uow_factory() as uow:
        loaded = uow.contributions.get(anonymous.id)
        assert loaded == anonymous and loaded.anonymous is True
        assert [c.anonymous for c in uow.contributions.list()] == [True, False]


def test_a_later_save_keeps_anonymity(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    made = contributions.pledge(
        uow_factory(), contributor="FRA", amount=Money(5_000_000, USD),
        pledged_on=date(2025, 8, 4), at=AT, anonymous=True,
    )  # fmt: skip
    committed = contributions.commit(uow_factory(), contribution_id=made.id)
    assert committed.anonymous is True
    with uow_factory() as uow:
        assert uow.contributions.get(made.id).anonymous is True


def test_the_owner_changes_both_flags_and_they_are_stored(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    made = contributions.pledge(
        uow_factory(), contributor="FRA", amount=Money(5_000_000, USD),
        pledged_on=date(2025, 8, 4), at=AT,
    )  # fmt: skip
    changed = contributions.set_disclosure(
        uow_factory(), actor=FRA, contribution_id=made.id, confidential=True, anonymous=True
    )
    assert stored_flags(uow_factory, made.id) == (True, True)
    with uow_factory() as uow:
        loaded: Contribution = uow.contributions.get(made.id)
    assert loaded == changed
    back = contributions.set_disclosure(
        uow_factory(), actor=FRA, contribution_id=made.id, confidential=False, anonymous=True
    )
    assert (back.confidential, back.anonymous) == (False, True)
    assert stored_flags(uow_factory, made.id) == (False, True)


def test_another_contributor_cannot_change_them_and_nothing_is_written(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    made = contributions.pledge(
        uow_factory(), contributor="FRA", amount=Money(5_000_000, USD),
        pledged_on=date(2025, 8, 4), at=AT,
    )  # fmt: skip
    with pytest.raises(NotFound):
        contributions.set_disclosure(
            uow_factory(), actor=DEU, contribution_id=ContributionId(made.id),
            confidential=True, anonymous=True,
        )  # fmt: skip
    assert stored_flags(uow_factory, made.id) == (False, False)
