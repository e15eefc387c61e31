"""The substitution effect of restricted money in an allocation (`domain/substitution.py`):
the allocation as made against the counterfactual where the contributor's money is placed
after everyone else's, and how it is told to a reader (what-if, the contributor's statement).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from purldesk.allocation import AllocationProblem, AllocationResult, Fund
from purldesk.allocation.problem import FundId, LineId
from purldesk.domain import requirements
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import RequirementLine
from purldesk.domain.substitution import Shift, Standing, Substitution
from purldesk.services import eligibility
from purldesk.services.ports import UnitOfWork

K = TypeVar("K")


class Solve(Protocol):
    """`additionality.solve`: the allocation, the money of `additional` contributors last."""

    def __call__(
        self, problem: AllocationProblem, *, additional: Collection[str] = ()
    ) -> AllocationResult: ...


def is_restricted(fund: Fund) -> bool:
    return fund.aid_classes is not None or fund.areas is not None


def standing(
    problem: AllocationProblem, *, contributor: str, additional: Collection[str]
) -> Standing:
    """Additional if its money is placed last already; restricted if any of it is restricted."""
    if contributor in additional:
        return Standing.ADDITIONAL
    own = (fund for fund in problem.funds if fund.contributor == contributor)
    return Standing.RESTRICTED if any(map(is_restricted, own)) else Standing.UNRESTRICTED


def effect(
    problem: AllocationProblem,
    actual: AllocationResult,
    *,
    contributor: str,
    additional: Collection[str],
    solve: Solve,
) -> Substitution[LineId]:
    """The substitution effect of `contributor`'s money in `actual`, the allocation of
    `problem` with the money of `additional` contributors placed last.

    The counterfactual places the contributor's money last too (with the other additional
    money), so it is solved only when that can differ: its money is restricted, not additional,
    and spent. (Money the joint optimum leaves unspent could not fund a lot on what the others
    leave either, so alone in the second pass it moves nothing; with other additional money in
    that pass it might, so then the counterfactual is solved anyway.)"""
    code = ParticipantCode(contributor)
    found = standing(problem, contributor=contributor, additional=additional)
    if found is not Standing.RESTRICTED:
        return Substitution(code, found)
    own = _funds_of(problem, contributor)
    spends = any(usage.used_minor for usage in actual.funds if usage.id in own)
    others_last = any(f.contributor in additional for f in problem.funds)
    if not spends and not others_last:
        return Substitution(code, found)
    counterfactual = solve(problem, additional={*additional, contributor})
    return compare(problem, actual, counterfactual, contributor=contributor)


def compare(
    problem: AllocationProblem,
    actual: AllocationResult,
    counterfactual: AllocationResult,
    *,
    contributor: str,
) -> Substitution[LineId]:
    """Line by line, the other money in `actual` against `counterfactual`.

    Where a line carries less other money, the part the contributor's own money now pays in its
    stead (what it pays beyond the counterfactual) is taken over; the rest left the line."""
    own = _funds_of(problem, contributor)
    others_after = _by_line(actual, own, mine=False)
    others_before = _by_line(counterfactual, own, mine=False)
    mine_after = _by_line(actual, own, mine=True)
    mine_before = _by_line(counterfactual, own, mine=True)
    took_over: list[Shift[LineId]] = []
    left: list[Shift[LineId]] = []
    went_to: list[Shift[LineId]] = []
    for line in sorted(problem.lines, key=lambda line: (line.rank, line.id)):
        change = others_after.get(line.id, 0) - others_before.get(line.id, 0)
        if change > 0:
            went_to.append(Shift(line.id, change))
            continue
        paid_instead = mine_after.get(line.id, 0) - mine_before.get(line.id, 0)
        taken = min(-change, max(0, paid_instead))
        if taken:
            took_over.append(Shift(line.id, taken))
        if -change > taken:
            left.append(Shift(line.id, -change - taken))
    unallocated = _others_left(actual, own) - _others_left(counterfactual, own)
    return Substitution(
        ParticipantCode(contributor), Standing.RESTRICTED, tuple(took_over), tuple(left),
        tuple(went_to), unallocated,
    )  # fmt: skip


def _funds_of(problem: AllocationProblem, contributor: str) -> frozenset[FundId]:
    return frozenset(fund.id for fund in problem.funds if fund.contributor == contributor)


def _by_line(result: AllocationResult, own: Collection[FundId], *, mine: bool) -> dict[LineId, int]:
    """Per line, the money of the funds in `own` (`mine`) or of all the others."""
    return {
        line.id: sum(amount for fund, amount in line.by_fund if (fund in own) is mine)
        for line in result.lines
    }


def _others_left(result: AllocationResult, own: Collection[FundId]) -> int:
    return sum(usage.left_minor for usage in result.funds if usage.id not in own)


def by_policies(
    uow: UnitOfWork,
    problem: AllocationProblem,
    actual: AllocationResult,
    *,
    contributors: Iterable[str],
    on: date,
    assumptions: eligibility.Assumptions,
    solve: Solve,
) -> tuple[Substitution[LineId], ...]:
    """The effect of each of `contributors` (in that order, once each) in `actual`, solved as
    `additionality.solve_by_policies` solves it: additional as the policies in force say."""
    additional = eligibility.additional_contributors(
        uow, contributors=(fund.contributor for fund in problem.funds), on=on,
        assumptions=assumptions,
    )  # fmt: skip
    return tuple(
        effect(problem, actual, contributor=c, additional=additional, solve=solve)
        for c in dict.fromkeys(contributors)
    )


def kept_with(
    uow: UnitOfWork,
    problem: AllocationProblem,
    actual: AllocationResult,
    *,
    lines: Mapping[str, RequirementLine],
    made: Sequence[Package],
    on: date,
    assumptions: eligibility.Assumptions,
    solve: Solve,
) -> tuple[Substitution[requirements.LineId], ...]:
    """The effects to keep with the packages a committed allocation made: those of every
    contributor whose money it weighed that is restricted or additional (`recorded`)."""
    contributors = sorted({fund.contributor for fund in problem.funds})
    effects = by_policies(
        uow, problem, actual, contributors=contributors, on=on, assumptions=assumptions,
        solve=solve,
    )  # fmt: skip
    return recorded(effects, lines=lines, made=made)


def recorded(
    effects: Iterable[Substitution[LineId]],
    *,
    lines: Mapping[str, RequirementLine],
    made: Sequence[Package],
) -> tuple[Substitution[requirements.LineId], ...]:
    """The effects worth keeping with a committed allocation (money restricted or additional),
    lines by id, each with the packages just made that hold it."""
    held: dict[LineId, list[PackageId]] = {}
    by_id = {line.id: LineId(ref) for ref, line in lines.items()}
    for package in made:
        for part in package.lines:
            held.setdefault(by_id[part.line_id], []).append(package.id)
    return tuple(
        found.named(lambda ref: lines[ref].id, {ref: tuple(ids) for ref, ids in held.items()})
        for found in effects
        if found.standing is not Standing.UNRESTRICTED
    )


# -- as told to a reader -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToldLine:
    ref: str
    amount: Money | None  # None: withheld from the reader


@dataclass(frozen=True, slots=True)
class Told:
    """An effect as one reader may read it: lines it may not know of are left out (only said to
    exist: how many would tell of a restricted package's contents), an amount that would reveal
    hidden money is withheld, and then so is the unallocated change (it follows from the line
    amounts)."""

    contributor: str
    standing: Standing
    took_over: tuple[ToldLine, ...]
    left: tuple[ToldLine, ...]
    went_to: tuple[ToldLine, ...]
    unallocated: Money | None  # more other money left unallocated (negative: less)
    unnamed: bool  # some lines are not named to the reader

    @property
    def is_empty(self) -> bool:
        moved = self.took_over or self.left or self.went_to or self.unnamed
        return not moved and (self.unallocated is None or self.unallocated.minor == 0)


def told(
    found: Substitution[K],
    *,
    ref: Callable[[Shift[K]], str | None],
    withheld: Callable[[Shift[K]], bool] = lambda _shift: False,
) -> Told:
    """`found` as told to a reader: each line by the reference `ref` gives (None: a line the
    reader may not know of), each amount unless `withheld`."""
    shifts = (*found.took_over, *found.left, *found.went_to)
    unnamed = any(ref(shift) is None for shift in shifts)
    hidden = unnamed or any(map(withheld, shifts))

    def lines(some: tuple[Shift[K], ...]) -> tuple[ToldLine, ...]:
        return tuple(
            ToldLine(name, None if withheld(s) else Money(s.amount_minor, USD))
            for s in some
            if (name := ref(s)) is not None
        )

    return Told(
        found.contributor, found.standing, lines(found.took_over), lines(found.left),
        lines(found.went_to), None if hidden else Money(found.unallocated_minor, USD), unnamed,
    )  # fmt: skip


def told_in_full(found: Substitution[LineId]) -> Told:
    """An effect on the engine's lines (named by reference), told to whoever sees all money."""
    return told(found, ref=lambda shift: shift.line)


def sentence(effect: Told, *, subject: str) -> str:
    """The effect in one sentence: '<subject> took over UKR-2025-012 (USD 6,000,000.00); the
    money that paid it went to …'."""
    if effect.standing is Standing.UNRESTRICTED:
        return f"{subject} is not restricted: it frees no money for other lines."
    if effect.standing is Standing.ADDITIONAL:
        return f"{subject} is additional: placed after everyone else's, it took over no line."
    if effect.is_empty:
        return f"{subject} took over no line: no other money moved."
    none = "no line shown here" if effect.unnamed else "no line"
    said = [f"{subject} took over {_listed(effect.took_over) or none}"]
    if effect.left:
        said.append(f"other money also left {_listed(effect.left)}")
    change = 0 if effect.unallocated is None else effect.unallocated.minor
    if change < 0:
        drawn = Money(-change, USD).format()
        said.append(f"{drawn} of other money that would have stayed unallocated was spent")
    sources = len(effect.took_over) + len(effect.left)
    if effect.went_to:
        paid = "the money that paid " + ("it" if sources == 1 else "them")
        said.append(f"{paid if sources and change >= 0 else 'that money'} went to "
                    f"{_listed(effect.went_to)}")  # fmt: skip
    if change > 0:
        said.append(f"{Money(change, USD).format()} of it stayed unallocated")
    if effect.unnamed:
        said.append("lines in packages you may not see are not named")
    return "; ".join(said) + "."


def _listed(lines: Sequence[ToldLine]) -> str:
    return ", ".join(
        f"{line.ref} ({'amount withheld' if line.amount is None else line.amount.format()})"
        for line in lines
    )
