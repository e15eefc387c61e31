"""Additional money is placed after everyone else's, on what the others could not fund."""

from __future__ import annotations

from purldesk import allocation
from purldesk.allocation import AidClass, AllocationProblem, Fund, Line
from purldesk.allocation.problem import FundId, LineId
from purldesk.services.additionality import solve

BLANKETS = Line(LineId("L1"), 1, AidClass.HUMANITARIAN, "winterization", 100, 10)
WEAPONS = Line(LineId("L2"), 2, AidClass.LETHAL, "artillery", 100, 10)
MEDICINE = Line(LineId("L3"), 3, AidClass.HUMANITARIAN, "medical", 100, 20)
ANYTHING = Fund(FundId("C-1"), "DEU", 1_000)
HUMANITARIAN_ONLY = Fund(
    FundId("C-2"), "KOR", 1_500, aid_classes=frozenset({AidClass.HUMANITARIAN})
)
PROBLEM = AllocationProblem(
    currency="USD", lines=(BLANKETS, WEAPONS, MEDICINE), funds=(ANYTHING, HUMANITARIAN_ONLY)
)


def funded(result: allocation.AllocationResult) -> dict[str, tuple[int, dict[str, int]]]:
    return {line.id: (line.funded_lots, dict(line.by_fund)) for line in result.lines}


def test_restricted_money_takes_over_a_line_and_frees_the_other_money_for_weapons() -> None:
    assert funded(solve(PROBLEM)) == {
        "L1": (10, {"C-2": 1_000}),
        "L2": (10, {"C-1": 1_000}),
        "L3": (5, {"C-2": 500}),
    }


def test_additional_money_pays_only_what_the_others_could_not() -> None:
    result = solve(PROBLEM, additional={"KOR"})
    assert funded(result) == {
        "L1": (10, {"C-1": 1_000}),
        "L2": (0, {}),
        "L3": (15, {"C-2": 1_500}),
    }
    assert [(f.id, f.used_minor, f.left_minor) for f in result.funds] == [
        ("C-1", 1_000, 0),
        ("C-2", 1_500, 0),
    ]
    weapons = result.lines[1].blocked_by
    assert weapons is not None and weapons.reason == "eligible_money_exhausted"
    medicine = result.lines[2].blocked_by
    assert medicine is not None and medicine.short_minor == 500


def test_without_additional_contributors_the_engine_answers_alone() -> None:
    assert solve(PROBLEM, additional={"FRA"}) == allocation.solve(PROBLEM)
