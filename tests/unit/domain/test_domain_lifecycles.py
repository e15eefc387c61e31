"""Every lifecycle: each legal edge moves the entity; each illegal one raises, changing nothing."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

import pytest

from builders import make_contribution, make_cycle, make_line, make_package, make_participant
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.errors import Conflict, IllegalTransition
from purldesk.domain.lifecycle import can_transition, transition
from purldesk.domain.packages import MONEY_RETURNABLE, PackageStatus
from purldesk.domain.participants import ParticipantStatus
from purldesk.domain.requirements import CycleStatus, LineStatus
from strategies import LIFECYCLES, Lifecycle

EDGES = [
    pytest.param(lc, a, b, id=f"{lc.entity}:{a}->{b}") for lc in LIFECYCLES for a, b in lc.edges()
]
NON_EDGES = [
    pytest.param(lc, a, b, id=f"{lc.entity}:{a}-/->{b}")
    for lc in LIFECYCLES
    for a, b in lc.non_edges()
]


def test_every_status_has_a_row_in_its_table() -> None:
    for lifecycle in LIFECYCLES:
        assert set(lifecycle.table) == set(lifecycle.statuses), lifecycle.entity
        for targets in lifecycle.table.values():
            assert targets <= set(lifecycle.statuses), lifecycle.entity


@pytest.mark.parametrize(("lifecycle", "current", "target"), EDGES)
def test_legal_edge_moves_the_entity_and_only_its_status(
    lifecycle: Lifecycle, current: StrEnum, target: StrEnum
) -> None:
    before = lifecycle.build(current)
    after = before.move_to(target)
    assert after.status is target
    assert before.status is current
    assert dataclasses.replace(after, status=current) == before


@pytest.mark.parametrize(("lifecycle", "current", "target"), NON_EDGES)
def test_illegal_edge_raises_and_changes_nothing(
    lifecycle: Lifecycle, current: StrEnum, target: StrEnum
) -> None:
    before = lifecycle.build(current)
    snapshot = dataclasses.replace(before)
    with pytest.raises(IllegalTransition) as caught:
        before.move_to(target)
    error = caught.value
    assert (error.entity, error.current, error.target) == (lifecycle.entity, current, target)
    assert str(error) == f"{lifecycle.entity} cannot go from {current} to {target}"
    assert isinstance(error, Conflict)
    assert before == snapshot


def test_transition_returns_the_target_and_can_transition_agrees() -> None:
    for lifecycle in LIFECYCLES:
        for current in lifecycle.statuses:
            for target in lifecycle.statuses:
                legal = can_transition(lifecycle.table, current, target)
                assert legal == (target in lifecycle.table[current])
                if legal:
                    assert transition("x", lifecycle.table, current, target) is target


def test_a_status_missing_from_a_table_has_no_way_out() -> None:
    with pytest.raises(IllegalTransition):
        transition("cycle", {}, CycleStatus.DRAFT, CycleStatus.SUBMITTED)
    assert not can_transition({}, CycleStatus.DRAFT, CycleStatus.SUBMITTED)


# --- the paths PRODUCT.md names -----------------------------------------------------------


def test_participant_joins_is_suspended_and_rejoins() -> None:
    participant = make_participant(status=ParticipantStatus.INVITED)
    for status in (
        ParticipantStatus.REVIEWING,
        ParticipantStatus.JOINED,
        ParticipantStatus.SUSPENDED,
        ParticipantStatus.JOINED,
    ):
        participant = participant.move_to(status)
    assert participant.status is ParticipantStatus.JOINED


def test_cycle_goes_draft_submitted_endorsed_closed_and_stays_closed() -> None:
    cycle = make_cycle()
    assert cycle.is_editable
    cycle = cycle.move_to(CycleStatus.SUBMITTED).move_to(CycleStatus.ENDORSED)
    assert not cycle.is_editable
    cycle = cycle.move_to(CycleStatus.CLOSED)
    for target in CycleStatus:
        with pytest.raises(IllegalTransition):
            cycle.move_to(target)


def test_submitted_cycle_can_go_back_to_draft_for_edits() -> None:
    cycle = make_cycle(status=CycleStatus.SUBMITTED).move_to(CycleStatus.DRAFT)
    assert cycle.is_editable


def test_line_is_funded_then_delivered() -> None:
    line = make_line().move_to(LineStatus.PARTLY_FUNDED).move_to(LineStatus.FUNDED)
    assert line.move_to(LineStatus.DELIVERED).status is LineStatus.DELIVERED


@pytest.mark.parametrize("final", [LineStatus.DELIVERED, LineStatus.WITHDRAWN])
def test_delivered_and_withdrawn_lines_are_final(final: LineStatus) -> None:
    line = make_line(status=final)
    for target in LineStatus:
        with pytest.raises(IllegalTransition):
            line.move_to(target)


def test_contribution_is_pledged_committed_received_allocated_disbursed() -> None:
    contribution = make_contribution().commit()
    assert contribution.status is ContributionStatus.COMMITTED
    for status in (
        ContributionStatus.RECEIVED,
        ContributionStatus.ALLOCATED,
        ContributionStatus.DISBURSED,
    ):
        contribution = contribution.move_to(status)
    assert contribution.status is ContributionStatus.DISBURSED


@pytest.mark.parametrize("status", [ContributionStatus.PLEDGED, ContributionStatus.COMMITTED])
def test_a_promise_can_be_cancelled(status: ContributionStatus) -> None:
    assert make_contribution(status=status).cancel().status is ContributionStatus.CANCELLED


@pytest.mark.parametrize(
    "status",
    [ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED, ContributionStatus.DISBURSED],
)
def test_received_money_cannot_be_cancelled_only_refunded(status: ContributionStatus) -> None:
    with pytest.raises(IllegalTransition):
        make_contribution(status=status).cancel()


def test_committing_twice_is_illegal() -> None:
    with pytest.raises(IllegalTransition) as caught:
        make_contribution().commit().commit()
    assert caught.value.current is ContributionStatus.COMMITTED


def test_package_goes_all_the_way_to_closed() -> None:
    package = make_package()
    path = [
        PackageStatus.PROPOSED,
        PackageStatus.VALIDATED,
        PackageStatus.FUNDED,
        PackageStatus.ACCEPTED,
        PackageStatus.DELIVERING,
        PackageStatus.DELIVERED,
        PackageStatus.CLOSED,
    ]
    for status in path:
        package = package.move_to(status)
    assert package.status is PackageStatus.CLOSED


@pytest.mark.parametrize(
    "status",
    [PackageStatus.DRAFT, PackageStatus.PROPOSED, PackageStatus.VALIDATED, PackageStatus.FUNDED,
     PackageStatus.ACCEPTED],
)  # fmt: skip
def test_package_can_be_cancelled_until_delivery_starts(status: PackageStatus) -> None:
    assert make_package(status=status).move_to(PackageStatus.CANCELLED).status is (
        PackageStatus.CANCELLED
    )


@pytest.mark.parametrize(
    "status", [PackageStatus.DELIVERING, PackageStatus.DELIVERED, PackageStatus.CLOSED]
)
def test_package_cannot_be_cancelled_once_delivering(status: PackageStatus) -> None:
    with pytest.raises(IllegalTransition):
        make_package(status=status).move_to(PackageStatus.CANCELLED)


def test_money_is_returnable_only_before_acceptance() -> None:
    assert (
        frozenset(
            {
                PackageStatus.DRAFT,
                PackageStatus.PROPOSED,
                PackageStatus.VALIDATED,
                PackageStatus.FUNDED,
            }
        )
        == MONEY_RETURNABLE
    )
