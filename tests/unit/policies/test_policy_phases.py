"""The phase in force on a date, policy versions by validity, and eligibility with its reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import UNRESTRICTED, Earmark
from purldesk.domain.indicators import Observation, ObservationId, values_on
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import (
    PolicyVersion,
    PolicyVersionId,
    decide,
    line_eligibility,
    restrictions,
    version_on,
)
from purldesk.domain.policy_documents import parse_policy

KOREA = """\
valid_from = 2024-11-07
{until}
[parameters]
limit = 20000

[[phases]]
name = "defensive"
when = "troops >= limit"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
"""
RECORDED = datetime(2025, 1, 1, tzinfo=UTC)


def version(number: int = 1, *, until: str = "", recorded_at: datetime = RECORDED) -> PolicyVersion:
    text = KOREA.format(until=f"valid_until = {until}" if until else "")
    return PolicyVersion(
        PolicyVersionId(number), ParticipantCode("KOR"), number,
        parse_policy(text, filename="KOR.toml"), text, "KOR.toml", recorded_at,
    )  # fmt: skip


def obs(
    id: int, value: int, on: date, *, supersedes: int | None = None, at: datetime = RECORDED
) -> Observation:
    return Observation(
        ObservationId(id), "troops", Decimal(value), on, f"https://example.org/{id}", at,
        supersedes=None if supersedes is None else ObservationId(supersedes),
    )  # fmt: skip


HISTORY = [obs(1, 10_000, date(2024, 11, 7)), obs(2, 14_000, date(2025, 4, 15))]


def test_the_baseline_holds_while_the_threshold_is_not_crossed_and_says_why() -> None:
    decision = decide(version(), HISTORY, on=date(2025, 9, 1))
    assert decision.phase.name == "baseline" and decision.is_default
    assert decision.evidence == (HISTORY[1],)
    assert "troops = 14000 on 2025-04-15 (#2, https://example.org/2)" in decision.explain()
    assert "does not hold" in decision.explain()


def test_an_observation_crossing_the_threshold_switches_the_phase_from_its_date_only() -> None:
    crossing = obs(3, 25_000, date(2025, 10, 1))
    history = [*HISTORY, crossing]
    assert decide(version(), history, on=date(2025, 9, 30)).phase.name == "baseline"
    switched = decide(version(), history, on=date(2025, 10, 1))
    assert switched.phase.name == "defensive"
    assert switched.evidence == (crossing,)
    assert "holds: troops = 25000 on 2025-10-01 (#3" in switched.explain()


def test_a_correction_supersedes_and_the_superseded_value_no_longer_counts() -> None:
    wrong = obs(3, 25_000, date(2025, 10, 1))
    fixed = obs(4, 15_000, date(2025, 10, 1), supersedes=3)
    assert (
        decide(version(), [*HISTORY, wrong, fixed], on=date(2025, 11, 1)).phase.name == "baseline"
    )
    assert values_on([*HISTORY, wrong, fixed], date(2025, 11, 1))["troops"] is fixed


def test_known_at_reproduces_what_was_known_at_a_past_moment() -> None:
    wrong = obs(3, 25_000, date(2025, 10, 1), at=datetime(2025, 10, 2, tzinfo=UTC))
    fixed = obs(4, 15_000, date(2025, 10, 1), supersedes=3, at=datetime(2025, 10, 20, tzinfo=UTC))
    history = [*HISTORY, wrong, fixed]
    then = datetime(2025, 10, 10, tzinfo=UTC)
    assert decide(version(), history, on=date(2025, 10, 5), known_at=then).phase.name == "defensive"
    assert decide(version(), history, on=date(2025, 10, 5)).phase.name == "baseline"


def test_before_any_observation_the_condition_is_unknown_and_the_default_applies() -> None:
    decision = decide(version(), [], on=date(2024, 11, 7))
    assert decision.phase.name == "baseline"
    assert decision.checks[0].verdict.value is None
    assert "no observation of troops yet" in decision.explain()


def test_a_forced_phase_is_marked_as_assumed() -> None:
    decision = decide(version(), HISTORY, on=date(2025, 9, 1), forced_phase="defensive")
    assert decision.phase.name == "defensive" and decision.forced
    assert decision.evidence == ()
    assert "assumed" in decision.explain()


def test_the_newest_version_valid_on_the_date_is_used() -> None:
    first = version(1, until="2025-06-30")
    second = version(2, recorded_at=datetime(2025, 7, 1, tzinfo=UTC))
    assert version_on([first, second], date(2024, 1, 1)) is None
    assert version_on([first, second], date(2025, 3, 1)) is second
    assert version_on([first], date(2025, 7, 1)) is None
    assert version_on([first, second], date(2025, 3, 1), known_at=RECORDED) is first


def test_not_eligible_names_the_phase_the_rule_and_the_observation() -> None:
    decision = decide(version(), HISTORY, on=date(2025, 9, 1))
    verdict = line_eligibility(
        area="air_defence", aid_class=AidClass.DEFENSIVE, decision=decision, earmark=UNRESTRICTED
    )
    assert not verdict.allowed
    (reason,) = verdict.reasons
    assert reason.rule == "policy.aid_classes"
    assert reason.phase == "baseline" and reason.policy_version == 1
    assert reason.observations == (HISTORY[1],)
    assert "defensive is not allowed" in reason.message


def test_the_earmark_narrows_what_the_phase_allows_and_both_reasons_are_given() -> None:
    decision = decide(version(), HISTORY, on=date(2025, 9, 1))
    earmark = Earmark(
        aid_classes=frozenset({AidClass.LETHAL, AidClass.NONLETHAL}), areas=frozenset({"medical"})
    )
    assert restrictions(decision, earmark) == (
        frozenset({AidClass.NONLETHAL}),
        frozenset({"medical"}),
    )
    verdict = line_eligibility(
        area="armour", aid_class=AidClass.HUMANITARIAN, decision=decision, earmark=earmark
    )
    assert not verdict.allowed
    assert [r.rule for r in verdict.reasons] == ["earmark.aid_classes", "earmark.areas"]
    allowed = line_eligibility(
        area="medical", aid_class=AidClass.NONLETHAL, decision=decision, earmark=earmark
    )
    assert allowed.allowed and allowed.reasons[0].rule == "policy"


def test_without_a_policy_only_the_earmark_restricts() -> None:
    assert restrictions(None, UNRESTRICTED) == (None, None)
    verdict = line_eligibility(
        area="armour", aid_class=AidClass.LETHAL, decision=None, earmark=UNRESTRICTED
    )
    assert verdict.allowed and verdict.reasons[0].rule == "no_policy"
