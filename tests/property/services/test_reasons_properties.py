"""On random allocations, a short line's cause is money not allowed exactly when the money left
in funds that may not pay it could buy one more lot of it, and then the reason names exactly
those funds and that money; otherwise the engine's reason stands, in its words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hypothesis import event, given, settings
from hypothesis import strategies as st

from fakes import fake_uow_factory
from purldesk.allocation import AllocationProblem, solve
from purldesk.allocation.problem import AidClass, Fund, FundId, Line, LineId
from purldesk.domain import catalog
from purldesk.domain.contributions import Contribution, ContributionId, Earmark, contribution_ref
from purldesk.domain.money import USD, Money, exponent
from purldesk.domain.participants import ParticipantCode
from purldesk.services import reasons
from purldesk.services.reasons import SetAside

ON = date(2025, 12, 1)
AREAS = ("air", "land", "sea")


@dataclass(frozen=True)
class Weighed:
    problem: AllocationProblem
    contributions: dict[str, Contribution]
    on: date = ON
    pooled: dict[str, int] = field(default_factory=dict)
    set_aside: tuple[SetAside, ...] = ()


@st.composite
def requirement_lines(draw: st.DrawFn, k: int) -> Line:
    return Line(
        LineId(f"L-{k}"), draw(st.integers(1, 4)), draw(st.sampled_from(list(AidClass))),
        draw(st.sampled_from(AREAS)), draw(st.integers(1, 6)), draw(st.integers(0, 3)),
    )  # fmt: skip


@st.composite
def allocations(draw: st.DrawFn) -> Weighed:
    """Lines and funds, each fund a contribution whose earmark is the fund's restriction."""
    lines = tuple(draw(requirement_lines(k)) for k in range(draw(st.integers(0, 5))))
    funds, contributions = [], {}
    for k in range(draw(st.integers(0, 4))):
        classes = draw(st.none() | st.frozensets(st.sampled_from(list(AidClass)), min_size=1))
        areas = draw(st.none() | st.frozensets(st.sampled_from(AREAS), min_size=1))
        ref = contribution_ref(k + 1)
        available = draw(st.integers(0, 15))
        funds.append(Fund(FundId(ref), f"C{k % 2}", available, classes, areas))
        contributions[ref] = Contribution(
            id=ContributionId(k + 1), contributor=ParticipantCode(f"C{k % 2}"),
            amount=Money(available + 1, USD), pledged_on=ON,
            earmark=Earmark(
                areas=areas,
                aid_classes=None if classes is None
                else frozenset(catalog.AidClass(c.value) for c in classes),
            ),
        )  # fmt: skip
    cap = draw(st.none() | st.integers(0, 60))
    problem = AllocationProblem(
        currency="USD", lines=lines, funds=tuple(funds), cap_minor=cap, exponent=exponent(USD)
    )
    return Weighed(problem, contributions)


@settings(max_examples=400, deadline=None)
@given(allocations())
def test_money_not_allowed_is_named_exactly_when_it_could_buy_a_lot(weighed: Weighed) -> None:
    result = solve(weighed.problem)
    with fake_uow_factory()() as uow:
        explained = reasons.explain(uow, weighed=weighed, result=result)
    outcomes = {outcome.id: outcome for outcome in result.lines if outcome.blocked_by}
    assert [reason.line for reason in explained] == list(outcomes)
    left = {usage.id: usage.left_minor for usage in result.funds}
    lines = {line.id: line for line in weighed.problem.lines}
    for reason in explained:
        blocked, line = outcomes[LineId(reason.line)].blocked_by, lines[LineId(reason.line)]
        assert blocked is not None
        assert (reason.short.minor, reason.engine_reason) == (blocked.short_minor, blocked.reason)
        event(reason.cause)
        if blocked.reason == "cap_reached":
            assert (reason.cause, reason.message) == ("package_target", blocked.message)
            continue
        barred = {
            fund.id: left[fund.id]
            for fund in weighed.problem.funds
            if left[fund.id] and not fund.is_eligible_for(line)
        }
        if sum(barred.values()) < line.lot_price_minor:
            assert (reason.cause, reason.held_back) == ("money_exhausted", ())
            assert reason.message == blocked.message
            continue
        assert reason.cause == "money_not_allowed"
        named = {ref for held in reason.held_back for ref in held.contributions}
        assert named == set(barred)
        assert sum(held.left.minor for held in reason.held_back) == sum(barred.values())
        assert all(held.rule.startswith("earmark.") for held in reason.held_back)
