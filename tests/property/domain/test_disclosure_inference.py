"""No hidden amount follows from what is published, by subtraction across documents.

Random packages are paid by public, confidential and anonymous contributions. For every viewer,
the figures it can read are gathered as linear equations over the unknown parts (one per
contribution and line): its own package documents, the public's (every contributor reads those
too), the sums over packages, and its own parts (its statement). The test then solves: a hidden
contributor's amount on a line, on a package or in all is determined exactly when it lies in
the span of those equations, and the test fails if it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from builders import (
    make_attribution,
    make_contribution,
    make_conversion,
    make_package,
    make_package_line,
    usd,
)
from purldesk.domain.access import PUBLIC, Actor, Role, UserId, Viewer
from purldesk.domain.confidentiality import can_see_amount, redact
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.disclosure import DEFAULT_MIN_HIDDEN_CONTRIBUTORS, seals
from purldesk.domain.package_money import redact_attributions
from purldesk.domain.packages import Package
from purldesk.domain.participants import ParticipantCode

GIVERS = ("NLD", "KOR", "DEU", "FRA")
HIDDEN_KINDS = ("confidential", "anonymous", "confidential anonymous")
Var = tuple[int, int, int]  # (contribution id, package id, line id)
Equation = dict[Var, Fraction]  # coefficients; the published value itself does not matter
K = DEFAULT_MIN_HIDDEN_CONTRIBUTORS


@dataclass(frozen=True)
class Scenario:
    contributions: Mapping[ContributionId, Contribution]
    packages: Sequence[Package]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    hidden = draw(st.integers(1, 3))
    public = draw(st.integers(0, 2))
    found: dict[ContributionId, Contribution] = {}
    for number in range(1, hidden + public + 1):
        kind = draw(st.sampled_from(HIDDEN_KINDS)) if number <= hidden else ""
        found[ContributionId(number)] = make_contribution(
            id=number, contributor=draw(st.sampled_from(GIVERS)),
            confidential="confidential" in kind, anonymous="anonymous" in kind,
        )  # fmt: skip
    packages = []
    for package_id in range(1, draw(st.integers(1, 2)) + 1):
        lines, parts = [], []
        for line_id in range(1, draw(st.integers(1, 3)) + 1):
            payers = draw(st.lists(st.sampled_from(sorted(found)), min_size=1, max_size=3))
            total = 0
            for cid in sorted(set(payers)):
                amount = draw(st.integers(1, 50)) * 100
                total += amount
                parts.append(
                    make_attribution(contribution_id=cid, line_id=line_id, amount=usd(amount))
                )
            lines.append(make_package_line(line_id=line_id, lot_price=usd(total)))
        packages.append(make_package(id=package_id, lines=lines, attributions=parts))
    return Scenario(found, packages)


def contributor(code: str) -> Actor:
    return Actor(UserId(1), f"user@{code}", ParticipantCode(code), Role.CONTRIBUTOR)


VIEWERS: tuple[Viewer, ...] = (
    PUBLIC,
    Actor(UserId(1), "ukr", ParticipantCode("UKR"), Role.RECIPIENT).viewer,
    *(contributor(code).viewer for code in GIVERS),
)


def _var(package: Package, cid: int, line: int) -> Var:
    return (cid, package.id, line)


def package_equations(viewer: Viewer, scenario: Scenario) -> list[Equation]:
    """What one viewer's package documents (page, API, report, OCDS, list) publish."""
    equations: list[Equation] = []
    withheld = seals(
        [
            (p.id, part.line_id, scenario.contributions[part.contribution_id].contributor)
            for p in scenario.packages
            for part in p.attributions
            if not can_see_amount(viewer, scenario.contributions[part.contribution_id])
        ],
        k=viewer.bucket_minimum(K),
    )
    sealed_anywhere = False
    every_part: Equation = {}
    for package in scenario.packages:
        money = redact_attributions(
            viewer, package, scenario.contributions, min_hidden_contributors=K
        )
        whole: Equation = {}
        for part in package.attributions:
            var = _var(package, part.contribution_id, part.line_id)
            whole[var] = Fraction(1)
            every_part[var] = Fraction(1)
        listed = withheld.get(package.id)
        assert money.cost_shown == (listed is None or not listed.whole)
        sealed_anywhere |= not money.cost_shown
        if money.cost_shown:
            equations.append(whole)  # the package's cost
        for line in package.lines:
            if money.line_cost_shown(line.line_id):
                equations.append(
                    {
                        _var(package, a.contribution_id, a.line_id): Fraction(1)
                        for a in package.attributions
                        if a.line_id == line.line_id
                    }
                )
        for shown in money.attributions:
            if shown.contribution_id is None:  # the undisclosed bucket
                equations.append(
                    {
                        _var(package, a.contribution_id, a.line_id): Fraction(1)
                        for a in package.attributions
                        if not can_see_amount(viewer, scenario.contributions[a.contribution_id])
                    }
                )
            else:
                assert shown.line_id is not None
                equations.append({_var(package, shown.contribution_id, shown.line_id): Fraction(1)})
    if not sealed_anywhere:
        equations.append(every_part)  # allocated to packages, on the overview
    return equations


def known_to(viewer: Viewer, scenario: Scenario) -> list[Equation]:
    """Everything the viewer reads: its own documents, the public's, and its own parts."""
    equations = package_equations(viewer, scenario) + package_equations(PUBLIC, scenario)
    for package in scenario.packages:
        for part in package.attributions:
            if viewer.owns(scenario.contributions[part.contribution_id].contributor):
                equations.append({_var(package, part.contribution_id, part.line_id): Fraction(1)})
    return equations


def is_determined(target: Equation, equations: Iterable[Equation]) -> bool:
    """Whether `target` is a linear combination of `equations` (Gaussian elimination)."""
    basis: list[tuple[Var, Equation]] = []
    for equation in equations:
        reduced = _reduce(equation, basis)
        if reduced:
            pivot = min(reduced)
            basis.append((pivot, {v: c / reduced[pivot] for v, c in reduced.items()}))
    return not _reduce(target, basis)


def _reduce(equation: Equation, basis: Sequence[tuple[Var, Equation]]) -> Equation:
    row = dict(equation)
    for pivot, base in basis:
        factor = row.get(pivot, Fraction(0))
        if factor:
            for var, coefficient in base.items():
                row[var] = row.get(var, Fraction(0)) - factor * coefficient
    return {v: c for v, c in row.items() if c}


def secrets(viewer: Viewer, scenario: Scenario) -> list[tuple[str, Equation]]:
    """Each hidden contributor's amount on each line, on each package and in all."""
    targets: dict[str, Equation] = {}
    for package in scenario.packages:
        for part in package.attributions:
            owner = scenario.contributions[part.contribution_id]
            if can_see_amount(viewer, owner):
                continue
            var = _var(package, part.contribution_id, part.line_id)
            for name in (
                f"{owner.contributor} on P{package.id} line {part.line_id}",
                f"{owner.contributor} on P{package.id}",
                f"{owner.contributor} in all",
            ):
                targets.setdefault(name, {})[var] = Fraction(1)
    return sorted(targets.items())


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_no_hidden_amount_is_determined_by_what_a_viewer_reads(scenario: Scenario) -> None:
    for viewer in VIEWERS:
        known = known_to(viewer, scenario)
        for name, target in secrets(viewer, scenario):
            assert not is_determined(target, known), f"{viewer.name} derives {name}"


@given(st.sampled_from(GIVERS))
def test_an_anonymous_gift_names_no_currency_to_those_who_may_not_know_the_giver(
    giver: str,
) -> None:
    conversion = make_conversion()
    gift = make_contribution(
        contributor=giver, anonymous=True, amount=conversion.original,
        status=ContributionStatus.RECEIVED, conversion=conversion,
    )  # fmt: skip
    for viewer in VIEWERS:
        view = redact(viewer, gift)
        if viewer.owns(giver):
            continue
        assert view.contributor is None
        assert view.amount is None and view.conversion is None
        assert view.usd == conversion.converted


def test_the_solver_finds_a_lone_hidden_part() -> None:
    """The check has teeth: cost minus the visible part is the hidden part."""
    a, b = (1, 1, 1), (2, 1, 1)
    assert is_determined({a: Fraction(1)}, [{a: Fraction(1), b: Fraction(1)}, {b: Fraction(1)}])
    assert not is_determined({a: Fraction(1)}, [{a: Fraction(1), b: Fraction(1)}])
