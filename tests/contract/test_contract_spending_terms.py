"""The terms an allocation reads of the contributions whose money it weighs (whose, earmark,
receipt) are the same on the fake, SQLite and PostgreSQL, and the same as those of the whole
contributions: by id, only in the statuses asked, an empty set of areas apart from none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from builders import make_contribution, make_participant
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import (
    SPENDABLE,
    ContributionId,
    ContributionStatus,
    Earmark,
    SpendingTerms,
)
from purldesk.domain.participants import ParticipantCode
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

KOR, JPN = ParticipantCode("KOR"), ParticipantCode("JPN")
EARMARKED = Earmark(
    package_id=7, areas=frozenset({"medical", "air_defence"}),
    aid_classes=frozenset({AidClass.NONLETHAL, AidClass.HUMANITARIAN}),
    expires_on=date(2026, 6, 30),
)  # fmt: skip
NOTHING = Earmark(areas=frozenset())  # an empty set of areas allows nothing; None, anything
RECEIVED, ALLOCATED = ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED


def seed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.participants.add(make_participant(code="KOR"))
        uow.participants.add(make_participant(code="JPN"))
        for contribution in (
            make_contribution(id=1, contributor="KOR", status=RECEIVED, earmark=EARMARKED,
                              received_on=date(2025, 10, 20)),
            make_contribution(id=2, contributor="JPN", earmark=NOTHING),
            make_contribution(id=3, contributor="KOR", status=ALLOCATED,
                              received_on=date(2025, 10, 3)),
            make_contribution(id=4, contributor="JPN", status=RECEIVED, earmark=NOTHING,
                              received_on=date(2025, 11, 1)),
        ):  # fmt: skip
            uow.contributions.add(contribution)
        uow.commit()


def test_the_terms_of_the_contributions_asked_in_the_statuses_asked_are_read_by_id(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    asked = [ContributionId(i) for i in (4, 1, 2, 3, 9, 1)]
    with uow_factory() as uow:
        terms = uow.contributions.terms(asked, statuses=SPENDABLE)
        assert terms == [
            SpendingTerms(ContributionId(1), KOR, EARMARKED, date(2025, 10, 20)),
            SpendingTerms(ContributionId(3), KOR, received_on=date(2025, 10, 3)),
            SpendingTerms(ContributionId(4), JPN, NOTHING, date(2025, 11, 1)),
        ]
        assert [t.ref for t in terms] == ["C-00001", "C-00003", "C-00004"]
        whole = uow.contributions.list(ids=asked, statuses=SPENDABLE)
        assert terms == [
            SpendingTerms(c.id, c.contributor, c.earmark, c.received_on) for c in whole
        ]
        assert uow.contributions.terms(asked, statuses=[ContributionStatus.PLEDGED]) == [
            SpendingTerms(ContributionId(2), JPN, NOTHING)
        ]
        assert uow.contributions.terms([], statuses=SPENDABLE) == []


def test_a_status_changed_in_the_same_transaction_counts_at_once(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        received = uow.contributions.get(ContributionId(4))
        uow.contributions.save(replace(received, status=ContributionStatus.REFUNDED))
        terms = uow.contributions.terms([ContributionId(3), ContributionId(4)], statuses=SPENDABLE)
        assert [t.id for t in terms] == [3]
        uow.rollback()
