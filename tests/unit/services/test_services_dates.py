"""Dates of acts over the in-memory unit of work: none after today by the handler's clock, none
before the facts it rests on, and a refused command writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from builders import make_earmark, make_item, make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.contributions import ContributionId, Earmark
from purldesk.domain.deliveries import ShipmentId
from purldesk.domain.errors import Conflict, ImportRejected, InvalidInput, PurldeskError
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.participants import ParticipantKind
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services import (
    allocations,
    catalog,
    contribution_rows,
    contributions,
    deliveries,
    indicators,
    packages,
    participants,
    requirements,
)
from purldesk.services.handle import Command, Context, handle
from purldesk.services.indicators import ObservationRow
from purldesk.services.requirements import LineRow

TODAY = date(2026, 11, 30)
AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PLEDGED = date(2025, 9, 1)
RECEIVED = date(2025, 9, 10)
OPENS = date(2025, 9, 1)
ITEM = make_item(code="KIT-1", unit_price=Money(1_000_000, USD))  # USD 10,000 a lot of one


class World:
    """One fake database with a cycle (L-1: one lot of USD 10,000) and NLD's USD 100,000."""

    def __init__(self) -> None:
        self.uow: Callable[[], FakeUnitOfWork] = fake_uow_factory(FakeDatabase())
        participants.add_many(
            self.uow(),
            participants=[
                make_participant(code="NLD"),
                make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
            ],
        )
        catalog.import_items(self.uow(), items=[ITEM])
        cycle = requirements.open_cycle(self.uow(), name="2025-09", opens_on=OPENS)
        self.cycle_id = cycle.id
        row = LineRow(1, "L-1", 1, "KIT-1", 1, date(2026, 3, 1), "winter")
        requirements.import_lines(self.uow(), cycle_id=cycle.id, rows=[row], at=AT, by="UKR")

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def pledge(self, *, earmark: Earmark | None = None, receive: bool = True) -> ContributionId:
        pledge = contributions.Pledge(
            contributor="NLD", amount=Money(10_000_000, USD), pledged_on=PLEDGED,
            **({} if earmark is None else {"earmark": earmark}),
        )  # fmt: skip
        made = self.run(pledge)
        if receive:
            self.run(contributions.Receive(contribution_id=made.id, on=RECEIVED))
        return ContributionId(made.id)

    def draft_command(
        self, on: date, contribution_id: ContributionId | None = None
    ) -> packages.Draft:
        """A package of L-1 paid by `contribution_id` (by default, a new received pledge)."""
        payer = self.pledge() if contribution_id is None else contribution_id
        part = Attribution(payer, LineId(1), Money(1_000_000, USD))
        return packages.Draft(
            cycle_id=CycleId(self.cycle_id), name="P", package_target=Money(1_000_000, USD),
            lots=((LineId(1), 1),), attributions=(part,), on=on,
        )  # fmt: skip

    def draft(self, on: date = RECEIVED) -> PackageId:
        return PackageId(self.run(self.draft_command(on)).id)

    def accepted(self, on: date = date(2025, 10, 1)) -> PackageId:
        package_id = self.draft(date(2025, 9, 20))
        self.run(packages.Propose(package_id=package_id))
        self.run(packages.Validate(package_id=package_id))
        self.run(packages.Accept(package_id=package_id, on=on))
        return package_id

    def written(self) -> tuple[int, int]:
        """(ledger entries, audit entries): what a refused command must leave as it was."""
        with self.uow() as uow:
            return len(uow.ledger.entries()), len(uow.audit.entries())

    def refused(self, command: Command[Any], error: type[PurldeskError] = InvalidInput) -> str:
        """The refusal's message (each finding's, for a file), once sure nothing was written."""
        before = self.written()
        with pytest.raises(error) as raised:
            self.run(command)
        assert self.written() == before
        if isinstance(raised.value, ImportRejected):
            return "; ".join(str(finding) for finding in raised.value.errors)
        return str(raised.value)


@pytest.fixture
def world() -> World:
    return World()


LATER = TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda _: contributions.Pledge(contributor="NLD", amount=Money(1, USD),
                                        pledged_on=date(2030, 1, 1)), "pledged_on"),
        (lambda w: contributions.Receive(contribution_id=w.pledge(receive=False),
                                         on=date(2027, 1, 4)), "on"),
        (lambda w: contributions.Cancel(contribution_id=w.pledge(receive=False), on=LATER), "on"),
        (lambda w: contributions.Refund(contribution_id=w.pledge(), on=LATER), "on"),
        (lambda w: w.draft_command(LATER), "on"),
        (lambda w: packages.Cancel(package_id=w.draft(), on=LATER), "on"),
        (lambda w: deliveries.Ship(package_id=w.accepted(), line_id=LineId(1), quantity=1,
                                   shipped_on=LATER), "shipped_on"),
    ],
)  # fmt: skip
def test_an_act_dated_after_today_is_refused_and_writes_nothing(
    world: World, make: Callable[[World], Command[Any]], field: str
) -> None:
    message = world.refused(make(world))
    assert message.startswith(f"{field}: ") and f"is after today ({TODAY})" in message


def test_a_pledge_cannot_be_cancelled_before_it_was_pledged(world: World) -> None:
    pledged = world.pledge(receive=False)
    message = world.refused(contributions.Cancel(contribution_id=pledged, on=date(2025, 8, 31)))
    assert message == "on: 2025-08-31 is before the pledge of C-00001 (2025-09-01)"
    assert world.run(contributions.Cancel(contribution_id=pledged, on=PLEDGED)).status == (
        "cancelled"
    )


def test_money_cannot_arrive_before_it_was_pledged(world: World) -> None:
    pledged = world.pledge(receive=False)
    message = world.refused(contributions.Receive(contribution_id=pledged, on=date(2025, 8, 1)))
    assert message == "received_on: 2025-08-01 is before the pledge of C-00001 (2025-09-01)"


def test_a_refund_cannot_come_before_the_money_arrived(world: World) -> None:
    received = world.pledge()
    message = world.refused(contributions.Refund(contribution_id=received, on=PLEDGED))
    assert message == "on: 2025-09-01 is before the receipt of C-00001 (2025-09-10)"


def test_money_cannot_be_spent_before_it_arrived(world: World) -> None:
    message = world.refused(world.draft_command(date(2025, 9, 5)))
    assert message == "on: 2025-09-05 is before the receipt of C-00001 (2025-09-10)"


def test_a_backdated_write_cannot_dodge_an_expired_earmark(world: World) -> None:
    earmarked = world.pledge(earmark=make_earmark(expires_on=date(2026, 1, 31)))
    draft = world.draft_command(date(2025, 12, 1), earmarked)
    message = world.refused(draft, Conflict)
    assert "the earmark of C-00001 expired on 2026-01-31" in message


@pytest.mark.parametrize("step", [packages.Cancel, packages.TopUp])
def test_a_package_step_cannot_come_before_its_draft(world: World, step: Any) -> None:
    package_id = world.draft(date(2025, 9, 20))
    if step is packages.TopUp:
        world.run(packages.Propose(package_id=package_id))
        world.run(packages.Validate(package_id=package_id))
        world.run(packages.Accept(package_id=package_id, prices=((LineId(1), Money(2_000_000, USD)),), on=date(2025, 9, 25)))  # fmt: skip
    message = world.refused(step(package_id=package_id, on=date(2025, 9, 19)))
    assert message == "on: 2025-09-19 is before the draft of P-0001 (2025-09-20)"


def test_a_package_cannot_be_accepted_before_its_draft(world: World) -> None:
    package_id = world.draft(date(2025, 9, 20))
    world.run(packages.Propose(package_id=package_id))
    world.run(packages.Validate(package_id=package_id))
    message = world.refused(packages.Accept(package_id=package_id, on=date(2025, 9, 19)))
    assert message == "on: 2025-09-19 is before the draft of P-0001 (2025-09-20)"
    accepted = world.run(packages.Accept(package_id=package_id, on=date(2025, 9, 21)))
    assert accepted.accepted_on == date(2025, 9, 21)


def test_a_shipment_cannot_leave_before_the_package_was_accepted(world: World) -> None:
    package_id = world.accepted(on=date(2025, 10, 1))
    ship = deliveries.Ship(
        package_id=package_id, line_id=LineId(1), quantity=1, shipped_on=date(2025, 9, 30)
    )
    message = world.refused(ship)
    assert message == "shipped_on: 2025-09-30 is before the acceptance of P-0001 (2025-10-01)"


def test_receipt_follows_shipment_and_closing_follows_the_last_delivery(world: World) -> None:
    package_id = world.accepted(on=date(2025, 10, 1))
    world.run(deliveries.Ship(package_id=package_id, line_id=LineId(1), quantity=1,
                              shipped_on=date(2025, 10, 5)))  # fmt: skip
    confirm = deliveries.ConfirmReceipt(shipment_id=ShipmentId(1), received_on=date(2025, 10, 4))
    assert world.refused(confirm) == (
        "received_on: 2025-10-04 is before the shipment S-0001 (2025-10-05)"
    )
    world.run(deliveries.ConfirmReceipt(shipment_id=ShipmentId(1), received_on=date(2025, 10, 9)))
    message = world.refused(packages.Close(package_id=package_id, on=date(2025, 10, 8)))
    assert message == "on: 2025-10-08 is before the last delivery of P-0001 (2025-10-09)"
    assert world.run(packages.Close(package_id=package_id, on=date(2025, 10, 9))).status == (
        "closed"
    )


def test_a_needed_by_date_is_not_before_its_cycle_opened_but_may_be_after_today(
    world: World,
) -> None:
    early = requirements.EditLine(cycle="2025-09", ref="L-1", needed_by=date(2025, 8, 31))
    assert world.refused(early) == (
        "needed_by: 2025-08-31 is before the opening of 2025-09 (2025-09-01)"
    )
    planned = requirements.EditLine(cycle="2025-09", ref="L-1", needed_by=date(2027, 6, 30))
    assert world.run(planned).line.needed_by == date(2027, 6, 30)
    row = LineRow(2, "L-2", 2, "KIT-1", 1, date(2025, 8, 1), "early")
    message = world.refused(requirements.ImportLines(cycle="2025-09", rows=(row,)))
    assert "line 2, needed_by: 2025-08-01 is before the opening of 2025-09" in message


def test_an_imported_contribution_dated_after_today_is_refused(world: World) -> None:
    row = contribution_rows.ContributionRow(
        line=2, contributor="NLD", amount=Money(100, USD), pledged_on=date(2030, 1, 1),
        received_on=None, confidential=False, purpose="",
    )  # fmt: skip
    message = world.refused(contributions.Import(rows=(row,)))
    assert f"line 2, pledged_on: 2030-01-01 is after today ({TODAY})" in message


def test_an_allocation_dated_before_an_expiry_leaves_the_expired_money_out(world: World) -> None:
    """An allocation dated before an earmark expired, recorded after it, spends other money."""
    expired = world.pledge(earmark=make_earmark(expires_on=date(2026, 1, 31)))
    usable = world.pledge()
    world.run(requirements.SubmitCycle(cycle="2025-09"))
    world.run(requirements.EndorseCycle(cycle="2025-09"))
    commit = allocations.Commit(
        cycle_id=CycleId(world.cycle_id), package_target=Money(1_000_000, USD),
        on=date(2025, 12, 1),
    )  # fmt: skip
    proposal = world.run(commit)
    (package,) = proposal.committed
    assert {part.contribution_id for part in package.attributions} == {usable}
    assert expired not in {part.contribution_id for part in package.attributions}


def test_nothing_is_observed_after_the_day_it_is_recorded(world: World) -> None:
    record = indicators.Record(
        name="troops_at_border", value=Decimal(1), observed_on=LATER, source="intelligence"
    )
    assert world.refused(record) == f"observed_on: {LATER} is after today ({TODAY})"
    assert world.run(replace(record, observed_on=TODAY)).observed_on == TODAY


def test_an_imported_observation_dated_after_today_is_refused(world: World) -> None:
    rows = (
        ObservationRow(2, "troops_at_border", Decimal(1), TODAY, "intelligence"),
        ObservationRow(3, "troops_at_border", Decimal(2), LATER, "intelligence"),
    )
    message = world.refused(indicators.Import(rows=rows, source_name="indicators.csv"))
    assert f"line 3, observed_on: {LATER} is after today ({TODAY})" in message
