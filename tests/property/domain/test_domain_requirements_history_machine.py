"""After any sequence of moves, edits and withdrawals, the active ranks are exactly 1..n,
each line's history (its rank changes and its edits) reproduces the line as it is now, and
the list as it stood at any earlier moment can be told from the histories alone (a
hypothesis state machine over the domain, recording what the services would store)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from builders import make_item, make_line
from purldesk.domain.errors import IllegalTransition, InvalidInput
from purldesk.domain.requirements import (
    LINE_TRANSITIONS,
    LineChange,
    LineId,
    LineStatus,
    RankChange,
    RequirementLine,
    as_it_stood,
    edit,
    field_text,
    priority_order,
    replay,
    reprioritize,
    withdraw,
)

START = datetime(2025, 10, 1, 9)
ITEM = make_item(code="AD-1", lot_size=3)
QUANTITIES = st.integers(min_value=1, max_value=6).map(lambda lots: lots * ITEM.lot_size)
DAYS = st.integers(min_value=0, max_value=5).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
TEXTS = st.sampled_from(["", "cities", "front line", " winter ", "cities"])


class ListMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.first: dict[LineId, RequirementLine] = {}
        self.lines: dict[LineId, RequirementLine] = {}
        self.ranks: dict[LineId, list[RankChange]] = {}
        self.edits: dict[LineId, list[LineChange]] = {}
        self.steps = 0
        self.seen: dict[datetime, list[RequirementLine]] = {}  # the active list at each step

    @property
    def now(self) -> datetime:
        return START + timedelta(minutes=self.steps)

    def save(self, changed: tuple[RequirementLine, ...] | list[RequirementLine]) -> None:
        """What the repository's save does: store the line, and a rank change if it moved."""
        for line in changed:
            if line.rank != self.lines[line.id].rank:
                self.ranks[line.id].append(RankChange(line.id, line.rank, self.now, "UKR"))
            self.lines[line.id] = line

    def active(self) -> list[RequirementLine]:
        return [
            ln
            for ln in priority_order(self.lines.values())
            if ln.status is not LineStatus.WITHDRAWN
        ]

    @initialize(count=st.integers(min_value=1, max_value=8), quantity=QUANTITIES)
    def import_lines(self, count: int, quantity: int) -> None:
        for n in range(1, count + 1):
            line = make_line(
                id=n, rank=n, item=ITEM, quantity=quantity, needed_by=date(2026, 1, 1),
                justification="imported",
            )  # fmt: skip
            self.first[line.id] = self.lines[line.id] = line
            self.ranks[line.id] = [RankChange(line.id, n, self.now, "UKR")]
            self.edits[line.id] = []

    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        self.steps += 1
        active = self.active()
        if not active:
            return
        moving = data.draw(st.sampled_from(active))
        rank = data.draw(st.integers(min_value=1, max_value=len(active)))
        self.save(reprioritize(list(self.lines.values()), line_id=moving.id, new_rank=rank))

    @rule(
        data=st.data(),
        quantity=st.none() | QUANTITIES,
        needed_by=st.none() | DAYS,
        justification=st.none() | TEXTS,
    )
    def edit_line(
        self,
        data: st.DataObject,
        quantity: int | None,
        needed_by: date | None,
        justification: str | None,
    ) -> None:
        self.steps += 1
        line = self.lines[data.draw(st.sampled_from(sorted(self.lines)))]
        try:
            edited = edit(
                line, item=ITEM, quantity=quantity, needed_by=needed_by,
                justification=justification, at=self.now, by="UKR",
            )  # fmt: skip
        except InvalidInput:
            # Refused only when nothing would change: no field given, or each as it was.
            assert all(
                value is None or value == getattr(line, name)
                for name, value in (("quantity", quantity), ("needed_by", needed_by),
                                    ("justification", None if justification is None
                                     else justification.strip()))
            )  # fmt: skip
            return
        except Exception as error:
            assert not LINE_TRANSITIONS[line.status], error
            return
        assert edited.changes
        assert edited.line.rank == line.rank
        self.save([edited.line])
        self.edits[line.id] += edited.changes

    @rule(data=st.data(), reason=st.sampled_from(["met bilaterally", "no longer needed"]))
    def withdraw_line(self, data: st.DataObject, reason: str) -> None:
        self.steps += 1
        line = self.lines[data.draw(st.sampled_from(sorted(self.lines)))]
        if LineStatus.WITHDRAWN not in LINE_TRANSITIONS[line.status]:
            with pytest.raises(IllegalTransition):
                withdraw(
                    list(self.lines.values()), line_id=line.id, reason=reason, at=self.now, by="UKR"
                )
            return
        withdrawal = withdraw(
            list(self.lines.values()), line_id=line.id, reason=reason, at=self.now, by="UKR"
        )
        assert withdrawal.lines[0].rank == line.rank  # it keeps the rank it last held
        self.save(withdrawal.lines)
        self.edits[line.id] += withdrawal.changes

    @invariant()
    def active_ranks_are_one_to_n(self) -> None:
        ranks = [ln.rank for ln in self.active()]
        assert ranks == list(range(1, len(ranks) + 1))

    @invariant()
    def withdrawn_lines_keep_a_rank_of_at_least_one(self) -> None:
        assert all(ln.rank >= 1 for ln in self.lines.values())

    @invariant()
    def each_history_reproduces_its_line(self) -> None:
        for line_id, line in self.lines.items():
            rank = self.ranks[line_id][-1].rank
            assert replace(replay(self.first[line_id], self.edits[line_id]), rank=rank) == line
            for name in ("quantity", "needed_by", "justification", "status"):
                recorded = [c for c in self.edits[line_id] if c.field == name]
                if recorded:
                    assert recorded[-1].after == field_text(line, name)
                    assert all(c.before != c.after for c in recorded)

    @invariant()
    def the_list_at_every_past_moment_is_told_by_the_histories(self) -> None:
        self.seen[self.now] = self.active()
        for moment, active in self.seen.items():
            told = [
                as_it_stood(line, self.ranks[line_id], self.edits[line_id], moment)
                for line_id, line in self.lines.items()
            ]
            assert priority_order(ln for ln in told if ln is not None) == active


ListMachine.TestCase.settings = settings(
    ListMachine.TestCase.settings, max_examples=80, stateful_step_count=25
)
test_moves_edits_and_withdrawals_keep_ranks_and_history = ListMachine.TestCase
