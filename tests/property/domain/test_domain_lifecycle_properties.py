"""Properties of lifecycles and of the list's ranks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purldesk.domain.errors import IllegalTransition
from purldesk.domain.requirements import LineId, LineStatus, RequirementLine, reprioritize
from strategies import Lifecycle, requirement_lists, status_pairs, status_walks


@given(case=status_pairs())
def test_illegal_transitions_always_raise_and_legal_ones_never_do(
    case: tuple[Lifecycle, StrEnum, StrEnum],
) -> None:
    lifecycle, current, target = case
    entity = lifecycle.build(current)
    if target in lifecycle.table[current]:
        assert entity.move_to(target).status is target
    else:
        with pytest.raises(IllegalTransition) as caught:
            entity.move_to(target)
        assert (caught.value.entity, caught.value.current, caught.value.target) == (
            lifecycle.entity,
            current,
            target,
        )
    assert entity.status is current


@given(walk=status_walks(), data=st.data())
def test_a_walk_moves_only_along_edges_and_a_refusal_changes_nothing(
    walk: tuple[Lifecycle, list[StrEnum]], data: st.DataObject
) -> None:
    lifecycle, targets = walk
    start = data.draw(st.sampled_from(list(lifecycle.statuses)))
    entity = lifecycle.build(start)
    for target in targets:
        before = entity
        try:
            entity = entity.move_to(target)
        except IllegalTransition:
            assert target not in lifecycle.table[before.status]
            assert entity is before
        else:
            assert target in lifecycle.table[before.status]
            assert entity.status is target


def active_ranks(lines: list[RequirementLine]) -> list[tuple[int, int]]:
    """(rank, id) of the active lines, in priority order."""
    return sorted((ln.rank, ln.id) for ln in lines if ln.status is not LineStatus.WITHDRAWN)


@given(lines=requirement_lists(), data=st.data())
def test_reprioritize_keeps_active_ranks_a_permutation_of_one_to_n(
    lines: list[RequirementLine], data: st.DataObject
) -> None:
    active = [ln for ln in lines if ln.status is not LineStatus.WITHDRAWN]
    if not active:
        return
    moving = data.draw(st.sampled_from(active))
    new_rank = data.draw(st.integers(min_value=1, max_value=len(active)))
    changed = reprioritize(lines, line_id=LineId(moving.id), new_rank=new_rank)

    by_id = {ln.id: ln for ln in lines} | {ln.id: ln for ln in changed}
    after = list(by_id.values())
    ranks = [rank for rank, _ in active_ranks(after)]
    assert ranks == list(range(1, len(active) + 1))
    assert by_id[moving.id].rank == new_rank
    # every other active line keeps its relative order
    order_before = [i for _, i in sorted((ln.rank, ln.id) for ln in active) if i != moving.id]
    order_after = [i for _, i in active_ranks(after) if i != moving.id]
    assert order_after == order_before
    # withdrawn lines are never touched; only ranks change
    assert all(ln.status is not LineStatus.WITHDRAWN for ln in changed)
    for line in changed:
        original = next(ln for ln in lines if ln.id == line.id)
        assert line.rank != original.rank
        assert line == dataclasses.replace(original, rank=line.rank)
