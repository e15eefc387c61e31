"""For any dates: a contribution's pledge, receipt, cancellation and refund are accepted exactly
when each is not after today and not before the fact it rests on, and a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from builders import make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import USD, Money
from purldesk.services import contributions, participants
from purldesk.services.handle import Command, Context, handle

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TODAY = AT.date()

days = st.dates(min_value=TODAY - timedelta(days=800), max_value=TODAY + timedelta(days=800))


def written(uow_factory: Callable[[], FakeUnitOfWork]) -> tuple[int, int]:
    with uow_factory() as uow:
        return len(uow.ledger.entries()), len(uow.audit.entries())


def attempt(uow_factory: Callable[[], FakeUnitOfWork], command: Command[Any]) -> bool:
    """Whether `command` ran; if it was refused (InvalidInput), that nothing was written."""
    context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
    before = written(uow_factory)
    try:
        handle(uow_factory(), command, context=context)
    except InvalidInput:
        assert written(uow_factory) == before
        return False
    return True


@given(pledged=days, received=days, refunded=days, cancelled=days, receive=st.booleans())
def test_an_act_is_refused_exactly_when_after_today_or_before_its_fact(
    pledged: date, received: date, refunded: date, cancelled: date, receive: bool
) -> None:
    uow = fake_uow_factory(FakeDatabase())
    participants.add(uow(), participant=make_participant(code="NLD"))
    pledge = contributions.Pledge(contributor="NLD", amount=Money(100, USD), pledged_on=pledged)
    assert attempt(uow, pledge) is (pledged <= TODAY)
    if pledged > TODAY:
        return
    contribution_id = ContributionId(1)
    if not receive:
        cancel = contributions.Cancel(contribution_id=contribution_id, on=cancelled)
        assert attempt(uow, cancel) is (pledged <= cancelled <= TODAY)
        return
    got = attempt(uow, contributions.Receive(contribution_id=contribution_id, on=received))
    assert got is (pledged <= received <= TODAY)
    if got:
        refund = contributions.Refund(contribution_id=contribution_id, on=refunded)
        assert attempt(uow, refund) is (received <= refunded <= TODAY)
