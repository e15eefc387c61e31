"""The substitution effect of restricted money, on the small world of the additionality tests:
Korea's humanitarian money takes over the blankets, and the German money that paid them goes
to weapons."""

from __future__ import annotations

import pytest

from purldesk.allocation import AidClass, AllocationProblem, Fund, Line
from purldesk.allocation.problem import FundId, LineId
from purldesk.domain.money import USD, Money
from purldesk.domain.substitution import Shift, Standing, Substitution
from purldesk.services.additionality import solve
from purldesk.services.substitution import (
    ToldLine,
    compare,
    effect,
    sentence,
    told,
    told_in_full,
)

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


def korean_effect(*, additional: frozenset[str] = frozenset()) -> Substitution[LineId]:
    actual = solve(PROBLEM, additional=additional)
    return effect(PROBLEM, actual, contributor="KOR", additional=additional, solve=solve)


def test_restricted_money_took_over_the_blankets_and_freed_their_money_for_weapons() -> None:
    found = korean_effect()
    assert found == Substitution(
        "KOR", Standing.RESTRICTED, took_over=(Shift(LineId("L1"), 1_000),),
        went_to=(Shift(LineId("L2"), 1_000),),
    )  # fmt: skip
    assert sentence(told_in_full(found), subject="Republic of Korea's pledge") == (
        "Republic of Korea's pledge took over L1 (USD 10.00); "
        "the money that paid it went to L2 (USD 10.00)."
    )


def test_additional_money_has_no_effect_and_says_so() -> None:
    found = korean_effect(additional=frozenset({"KOR"}))
    assert found == Substitution("KOR", Standing.ADDITIONAL)
    assert sentence(told_in_full(found), subject="Your money") == (
        "Your money is additional: placed after everyone else's, it took over no line."
    )


def test_unrestricted_money_has_no_effect_and_says_so() -> None:
    found = effect(PROBLEM, solve(PROBLEM), contributor="DEU", additional=(), solve=solve)
    assert found == Substitution("DEU", Standing.UNRESTRICTED)
    assert "is not restricted: it frees no money" in sentence(
        told_in_full(found), subject="Germany's pledge"
    )


def test_money_freed_but_not_placed_stays_unallocated() -> None:
    dear_weapons = Line(LineId("L2"), 2, AidClass.LETHAL, "artillery", 1_500, 1)
    problem = AllocationProblem(
        currency="USD", lines=(BLANKETS, dear_weapons), funds=(ANYTHING, HUMANITARIAN_ONLY)
    )
    actual = solve(problem)
    found = compare(problem, actual, solve(problem, additional={"KOR"}), contributor="KOR")
    # Nothing else can be bought: the two share the blankets, as they share every line.
    assert dict(actual.lines[0].by_fund) == {"C-1": 400, "C-2": 600}
    assert found.took_over == (Shift(LineId("L1"), 600),)
    assert (found.went_to, found.unallocated_minor) == ((), 600)
    assert sentence(told_in_full(found), subject="KOR") == (
        "KOR took over L1 (USD 6.00); USD 6.00 of it stayed unallocated."
    )


def test_a_substitution_that_does_not_balance_is_refused() -> None:
    with pytest.raises(ValueError, match="does not balance"):
        Substitution(
            "KOR", Standing.RESTRICTED, took_over=(Shift(LineId("L1"), 1_000),),
            went_to=(Shift(LineId("L2"), 999),),
        )  # fmt: skip
    with pytest.raises(ValueError, match="additional money has no substitution effect"):
        Substitution("KOR", Standing.ADDITIONAL, unallocated_minor=0, left=(), went_to=(),
                     took_over=(Shift(LineId("L1"), 1),))  # fmt: skip


def test_a_reader_is_told_no_line_it_may_not_know_of_and_no_withheld_amount() -> None:
    found = Substitution(
        "KOR", Standing.RESTRICTED, took_over=(Shift(LineId("L1"), 1_000),),
        went_to=(Shift(LineId("L2"), 600), Shift(LineId("L3"), 400)),
    )  # fmt: skip
    secret = told(found, ref=lambda s: None if s.line == "L3" else s.line)
    assert secret.went_to == (ToldLine("L2", Money(600, USD)),)
    assert (secret.unnamed, secret.unallocated) == (True, None)
    assert sentence(secret, subject="Your money") == (
        "Your money took over L1 (USD 10.00); the money that paid it went to L2 (USD 6.00); "
        "lines in packages you may not see are not named."
    )
    withheld = told(found, ref=lambda s: s.line, withheld=lambda s: s.line == "L2")
    assert withheld.went_to == (ToldLine("L2", None), ToldLine("L3", Money(400, USD)))
    assert withheld.unallocated is None


def test_money_that_would_have_stayed_unallocated_is_said_to_be_spent() -> None:
    found = Substitution(
        "KOR", Standing.RESTRICTED, went_to=(Shift(LineId("L2"), 400),), unallocated_minor=-400
    )
    assert sentence(told_in_full(found), subject="KOR") == (
        "KOR took over no line; USD 4.00 of other money that would have stayed unallocated was "
        "spent; that money went to L2 (USD 4.00)."
    )
