"""Properties: the phase in force is a pure function of the date; eligibility never widens."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from purldesk.domain.catalog import AidClass
from purldesk.domain.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Constant,
    Not,
    Observed,
    Op,
    parse_condition,
    truth,
)
from purldesk.domain.contributions import Earmark
from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import (
    Phase,
    Policy,
    PolicyVersion,
    PolicyVersionId,
    decide,
    line_eligibility,
    restrictions,
)

NAMES = ("a", "b", "c")
AREAS = ("air_defence", "medical", "armour")
START = date(2025, 1, 1)
AT = datetime(2025, 1, 1, tzinfo=UTC)

compares = st.builds(
    Compare,
    st.sampled_from(NAMES),
    st.sampled_from(list(Op)),
    st.integers(-3, 3).map(Decimal),
)
leaves = st.one_of(
    compares, st.builds(Observed, st.sampled_from(NAMES)), st.builds(Constant, st.booleans())
)
conditions: st.SearchStrategy[Condition] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(AllOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=6,
)
class_sets = st.frozensets(st.sampled_from(list(AidClass)))
area_sets = st.none() | st.frozensets(st.sampled_from(AREAS))


@st.composite
def versions(draw: st.DrawFn) -> PolicyVersion:
    count = draw(st.integers(0, 3))
    phases = tuple(
        Phase(f"p{i}", draw(class_sets), draw(area_sets), when=draw(conditions))
        for i in range(count)
    )
    default = Phase("default", draw(class_sets), draw(area_sets))
    policy = Policy(valid_from=START, phases=phases, default=default)
    return PolicyVersion(PolicyVersionId(1), ParticipantCode("KOR"), 1, policy, "", "p.toml", AT)


@st.composite
def histories(draw: st.DrawFn) -> list[Observation]:
    observations: list[Observation] = []
    superseded: set[int] = set()
    for number in range(1, draw(st.integers(0, 12)) + 1):
        name = draw(st.sampled_from(NAMES))
        earlier = [o.id for o in observations if o.name == name and o.id not in superseded]
        target = draw(st.none() | st.sampled_from(earlier)) if earlier else None
        if target is not None:
            superseded.add(target)
        observations.append(
            Observation(
                ObservationId(number), name, Decimal(draw(st.integers(-4, 4))),
                START + timedelta(days=draw(st.integers(0, 20))), "https://example.org", AT,
                supersedes=target,
            )
        )  # fmt: skip
    return observations


def reference_phase(version: PolicyVersion, history: list[Observation], on: date) -> str:
    """The phase in force, computed the slow, obvious way."""
    superseded = {o.supersedes for o in history}
    values: dict[str, Decimal | None] = {}
    for name in NAMES:
        seen = [
            o for o in history if o.name == name and o.id not in superseded and o.observed_on <= on
        ]
        values[name] = max(seen, key=lambda o: (o.observed_on, o.id)).value if seen else None
    for phase in version.policy.phases:
        assert phase.when is not None
        if truth(phase.when, values) is True:
            return phase.name
    return version.policy.default.name


days = st.integers(0, 25).map(lambda n: START + timedelta(days=n))


@given(versions(), histories(), days, st.randoms(use_true_random=False))
def test_the_phase_in_force_is_a_pure_function_of_the_date(
    version: PolicyVersion, history: list[Observation], on: date, shuffle: random.Random
) -> None:
    decided = decide(version, history, on=on)
    assert decided.phase.name == reference_phase(version, history, on)
    shuffled = list(history)
    shuffle.shuffle(shuffled)
    assert decide(version, shuffled, on=on) == decided
    # Observations dated after `on` cannot change what was in force on `on`.
    later = [
        Observation(ObservationId(100 + i), name, Decimal(9), on + timedelta(days=1 + i), "x", AT)
        for i, name in enumerate(NAMES)
    ]
    assert decide(version, [*history, *later], on=on).phase == decided.phase


@given(
    versions(),
    histories(),
    days,
    class_sets | st.none(),
    area_sets,
    st.sampled_from(list(AidClass)),
    st.sampled_from(AREAS),
    st.none() | st.integers(0, 3),
)
def test_eligibility_never_widens_beyond_the_phase_allowance_or_the_earmark(
    version: PolicyVersion,
    history: list[Observation],
    on: date,
    earmark_classes: frozenset[AidClass] | None,
    earmark_areas: frozenset[str] | None,
    aid_class: AidClass,
    area: str,
    forced: int | None,
) -> None:
    names = [p.name for p in version.policy.all_phases]
    forced_phase = None if forced is None else names[forced % len(names)]
    decision = decide(version, history, on=on, forced_phase=forced_phase)
    earmark = Earmark(areas=earmark_areas, aid_classes=earmark_classes)
    classes, areas = restrictions(decision, earmark)
    assert classes is not None and classes <= decision.phase.aid_classes
    if earmark_classes is not None:
        assert classes <= earmark_classes
    if decision.phase.areas is not None:
        assert areas is not None and areas <= decision.phase.areas
    if earmark_areas is not None:
        assert areas is not None and areas <= earmark_areas
    verdict = line_eligibility(area=area, aid_class=aid_class, decision=decision, earmark=earmark)
    assert verdict.allowed == (
        decision.phase.allows(area=area, aid_class=aid_class)
        and earmark.allows(area=area, aid_class=aid_class)
    )
    assert verdict.allowed == (aid_class in classes and (areas is None or area in areas))
    if not verdict.allowed:
        assert verdict.reasons and all(r.rule != "policy" for r in verdict.reasons)
        policy_reasons = [r for r in verdict.reasons if r.rule.startswith("policy")]
        assert all(r.phase == decision.phase.name for r in policy_reasons)


@given(
    conditions,
    st.fixed_dictionaries({n: st.none() | st.integers(-4, 4).map(Decimal) for n in NAMES}),
)
def test_a_condition_printed_and_parsed_again_means_the_same(
    condition: Condition, values: dict[str, Decimal | None]
) -> None:
    assert truth(parse_condition(str(condition)), values) == truth(condition, values)
