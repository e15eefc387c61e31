"""The dashboard offers a command exactly where `handle` runs it: for every command with a
lifecycle rule, every status of what it acts on and every role, the page's offer (from
`services/views`) is compared with the handler's answer on the in-memory unit of work.

Each case is a fresh database holding one aggregate in the status under test, with what the
command needs besides its status (a line to ship, an unconfirmed shipment, a line short of
money) in place, so that only the role, the ownership and the status decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from builders import (
    make_contribution,
    make_cycle,
    make_item,
    make_line,
    make_package,
    make_package_line,
    make_shipment,
)
from fakes import FakeUnitOfWork, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.contributions import ContributionId, ContributionStatus
from purldesk.domain.deliveries import ShipmentId
from purldesk.domain.errors import PurldeskError
from purldesk.domain.packages import PackageId, PackageStatus, shortfall
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import CycleStatus, LineId, LineStatus
from purldesk.services import allocations, contributions, deliveries, packages, requirements
from purldesk.services.handle import Command, Context, handle
from purldesk.services.views import contributions as contribution_pages
from purldesk.services.views import requirements as list_pages
from purldesk.services.views.offers import is_offered
from purldesk.services.views.packages import PackageLineRow, package_actions

AT = datetime(2025, 9, 1, 12, tzinfo=UTC)
ON = AT.date()
OWN, OTHER = ParticipantCode("NLD"), ParticipantCode("DNK")
ITEM = make_item()
CYCLE = "2025-08"
NAMES = {OWN: "Netherlands", OTHER: "Denmark"}


def actor(role: Role) -> Actor:
    return Actor(UserId(1), "someone", OWN, role)


def accepts(uow: FakeUnitOfWork, command: Command[Any], role: Role) -> bool:
    context = Context(actor=actor(role), at=AT, request_id="r", fx=UsdOnlyRates())
    try:
        handle(uow, command, context=context)
    except PurldeskError:
        return False
    return True


def database(*aggregates: object) -> FakeUnitOfWork:
    """A unit of work on a new database holding the two organizations, the item and
    `aggregates` (a cycle first, then its lines, packages, shipments and contributions)."""
    uow = fake_uow_factory()()
    with uow:
        for code in (OWN, OTHER):
            uow.participants.add(
                Participant(code, NAMES[code], ParticipantKind.ALLY, ParticipantStatus.JOINED)
            )
        uow.catalog.add(ITEM)
        for found in aggregates:
            add = {
                "Cycle": uow.cycles.add,
                "RequirementLine": lambda line: uow.requirements.add(line, at=AT, by="seed"),
                "Package": uow.packages.add,
                "Shipment": uow.shipments.add,
                "Contribution": uow.contributions.add,
            }[type(found).__name__]
            add(found)
        uow.commit()
    return uow


def mismatches(
    offered: Callable[[Role], bool], accepted: Callable[[Role], bool]
) -> dict[Role, tuple[bool, bool]]:
    """The roles for which the page's offer and the handler's answer differ: (offered, ran)."""
    found = {}
    for role in Role:
        pair = (offered(role), accepted(role))
        if pair[0] != pair[1]:
            found[role] = pair
    return found


# -- packages ---------------------------------------------------------------------------------

PACKAGE_COMMANDS: dict[str, Callable[[PackageId], Command[Any]]] = {
    "propose": lambda pid: packages.Propose(package_id=pid),
    "validate": lambda pid: packages.Validate(package_id=pid),
    "top_up": lambda pid: packages.TopUp(package_id=pid),
    "accept": lambda pid: packages.Accept(package_id=pid),
    "close": lambda pid: packages.Close(package_id=pid),
    "cancel": lambda pid: packages.Cancel(package_id=pid),
    "ship": lambda pid: deliveries.Ship(package_id=pid, line_id=LineId(1), quantity=1),
}


@pytest.mark.parametrize("status", list(PackageStatus))
@pytest.mark.parametrize("action", list(PACKAGE_COMMANDS))
def test_a_package_command_is_offered_exactly_where_it_runs(
    action: str, status: PackageStatus
) -> None:
    # The package holds a line of one unit, with nothing shipped; `top_up` finds no line
    # short of money, so it runs on its status alone, and the page is told of a shortfall.
    lines = [make_package_line(lots=1)] if action == "ship" else []
    package = make_package(status=status, lines=lines)
    rows = [PackageLineRow(LineId(1), "L-1", 1, ITEM.name, 1, 1, ITEM.lot_price, ITEM.lot_price,
                           0, 0)]  # fmt: skip
    short = replace(package, lines=(make_package_line(lots=1),))

    def offered(role: Role) -> bool:
        shown = short if action == "top_up" else package
        return action in package_actions(
            actor(role).viewer, shown, rows, [], short=bool(shortfall(shown))
        )

    def accepted(role: Role) -> bool:
        uow = database(make_cycle(), make_line(item=ITEM), package)
        return accepts(uow, PACKAGE_COMMANDS[action](package.id), role)

    assert mismatches(offered, accepted) == {}


def test_confirming_a_receipt_is_offered_while_a_shipment_awaits_it() -> None:
    package = make_package(status=PackageStatus.DELIVERING, lines=[make_package_line(lots=2)])
    shipment = make_shipment(quantity=1)

    def offered(role: Role) -> bool:
        return "confirm" in package_actions(
            actor(role).viewer, package, [], [shipment], short=bool(shortfall(package))
        )

    def accepted(role: Role) -> bool:
        uow = database(make_cycle(), make_line(item=ITEM), package, shipment)
        return accepts(uow, deliveries.ConfirmReceipt(shipment_id=ShipmentId(1)), role)

    assert mismatches(offered, accepted) == {}
    confirmed = replace(shipment, received_on=ON)
    for role in Role:
        assert "confirm" not in package_actions(
            actor(role).viewer, package, [], [confirmed], short=False
        )


# -- contributions ----------------------------------------------------------------------------

CONTRIBUTION_COMMANDS: dict[str, Callable[[ContributionId], Command[Any]]] = {
    "commit": lambda cid: contributions.Commit(contribution_id=cid),
    "receive": lambda cid: contributions.Receive(contribution_id=cid, on=ON),
    "cancel": lambda cid: contributions.Cancel(contribution_id=cid),
    "disclosure": lambda cid: contributions.SetDisclosure(
        contribution_id=cid, confidential=True, anonymous=False
    ),
}


@pytest.mark.parametrize("owner", [OWN, OTHER], ids=["own", "another's"])
@pytest.mark.parametrize("status", list(ContributionStatus))
@pytest.mark.parametrize("action", list(CONTRIBUTION_COMMANDS))
def test_a_contribution_command_is_offered_exactly_where_it_runs(
    action: str, status: ContributionStatus, owner: ParticipantCode
) -> None:
    contribution = make_contribution(contributor=owner, status=status, pledged_on=date(2025, 8, 1))

    def offered(role: Role) -> bool:
        row = contribution_pages.row(actor(role).viewer, contribution, NAMES)
        return action in row.actions

    def accepted(role: Role) -> bool:
        uow = database(contribution)
        return accepts(uow, CONTRIBUTION_COMMANDS[action](contribution.id), role)

    assert mismatches(offered, accepted) == {}


# -- the list ---------------------------------------------------------------------------------

CYCLE_COMMANDS: dict[str, Callable[[], Command[Any]]] = {
    "submit": lambda: requirements.SubmitCycle(cycle=CYCLE),
    "endorse": lambda: requirements.EndorseCycle(cycle=CYCLE),
    "close": lambda: requirements.CloseCycle(cycle=CYCLE),
    "allocate": lambda: allocations.Commit(
        cycle_id=make_cycle().id, package_target=ITEM.lot_price, on=ON
    ),
}


@pytest.mark.parametrize("status", list(CycleStatus))
@pytest.mark.parametrize("action", list(CYCLE_COMMANDS))
def test_a_cycle_command_is_offered_exactly_where_it_runs(action: str, status: CycleStatus) -> None:
    command = CYCLE_COMMANDS[action]()

    def accepted(role: Role) -> bool:
        return accepts(database(make_cycle(status=status)), command, role)

    assert mismatches(lambda role: is_offered(actor(role).viewer, type(command), status),
                      accepted) == {}  # fmt: skip


LINE_COMMANDS: dict[str, Command[Any]] = {
    "move": requirements.MoveLine(cycle=CYCLE, ref="L-1", rank=1),
    "edit": requirements.EditLine(cycle=CYCLE, ref="L-1", justification="needed sooner"),
    "withdraw": requirements.WithdrawLine(cycle=CYCLE, ref="L-1", reason="no longer needed"),
}


@pytest.mark.parametrize("line_status", list(LineStatus))
@pytest.mark.parametrize("cycle_status", list(CycleStatus))
@pytest.mark.parametrize("action", list(LINE_COMMANDS))
def test_a_line_command_is_offered_exactly_where_it_runs(
    action: str, cycle_status: CycleStatus, line_status: LineStatus
) -> None:
    cycle = make_cycle(status=cycle_status)
    # A second line keeps the order non-empty when the first is withdrawn.
    lines = [make_line(item=ITEM, status=line_status), make_line(id=2, rank=2, item=ITEM)]
    command = LINE_COMMANDS[action]

    def offered(role: Role) -> bool:
        viewer = actor(role).viewer
        return list_pages.may_change_line(viewer, type(command), cycle, line_status)

    def accepted(role: Role) -> bool:
        return accepts(database(cycle, *lines), command, role)

    assert mismatches(offered, accepted) == {}
