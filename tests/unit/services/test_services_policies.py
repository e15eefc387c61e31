"""Policies and indicators through the services (tests/contract/test_contract_policies.py holds
the storage to what the fake does here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from builders import make_contribution, make_earmark, make_item, make_participant
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import AlreadyExists, ImportRejected, InvalidInput, NotFound
from purldesk.domain.indicators import ObservationConflict, ObservationId
from purldesk.domain.participants import ParticipantKind
from purldesk.services import catalog, eligibility, indicators, participants, policies
from purldesk.services.indicators import ObservationRow
from purldesk.services.ports import UnitOfWork

AT = datetime(2025, 12, 5, 12, 0, tzinfo=UTC)
TROOPS = "dprk_troops_in_theatre"
POLICY = """\
contributor = "KOR"
valid_from = 2024-11-07

[parameters]
limit = 20000

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= limit"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
areas = ["medical", "air_defence"]
"""

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def uow(uow_factory: UowFactory) -> UowFactory:
    participants.add_many(
        uow_factory(),
        participants=[
            make_participant(code="KOR", kind=ParticipantKind.PARTNER),
            make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
        ],
    )
    catalog.import_items(
        uow_factory(),
        items=[make_item(code="A", area="air_defence"), make_item(code="M", area="medical")],
    )
    return uow_factory


def record(uow: UowFactory, value: int, on: date, **kwargs: object) -> ObservationId:
    observation = indicators.record(
        uow(), name=TROOPS, value=Decimal(value), observed_on=on,
        source="https://example.org", at=AT, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    return observation.id


def test_a_policy_is_stored_as_numbered_versions_and_read_back_parsed(uow: UowFactory) -> None:
    record(uow, 14_000, date(2025, 4, 15))
    first = policies.set_policy(
        uow(), contributor="kor", document=POLICY, filename="KOR.toml", at=AT
    )
    second = policies.set_policy(
        uow(),
        contributor="KOR",
        document=POLICY.replace("20000", "10000"),
        filename="v2.toml",
        at=AT,
    )
    assert (first.version, second.version) == (1, 2)
    stored = policies.versions(uow(), contributor="KOR")
    assert [v.version for v in stored] == [1, 2]
    assert stored[0].policy == first.policy and stored[0].document == POLICY
    assert stored[1].recorded_at == AT
    view = policies.show(uow(), contributor="KOR", on=date(2025, 9, 1))
    assert view.version is not None and view.version.version == 2  # the newest valid one
    assert view.decision is not None and view.decision.phase.name != "baseline"


def test_a_policy_naming_an_indicator_never_observed_is_refused_and_nothing_is_set(
    uow: UowFactory,
) -> None:
    with pytest.raises(ImportRejected) as caught:
        policies.set_policy(uow(), contributor="KOR", document=POLICY, filename="KOR.toml", at=AT)
    (finding,) = caught.value.errors
    assert (finding.line, finding.field) == (9, "phases[1].when")
    assert "unknown indicator 'dprk_troops_in_theatre'" in finding.message
    with uow() as opened:
        assert opened.policies.list() == []


def test_areas_are_checked_against_the_catalog(uow: UowFactory) -> None:
    record(uow, 1, date(2025, 1, 1))
    with pytest.raises(ImportRejected) as caught:
        policies.set_policy(
            uow(), contributor="KOR", document=POLICY.replace('"medical"', '"medicine"'),
            filename="KOR.toml", at=AT,
        )  # fmt: skip
    assert [(e.line, e.field) for e in caught.value.errors] == [(15, "default.areas")]


@pytest.mark.parametrize(("code", "error"), [("XYZ", NotFound), ("UKR", InvalidInput)])
def test_only_a_contributor_sets_a_policy(
    uow: UowFactory, code: str, error: type[Exception]
) -> None:
    record(uow, 1, date(2025, 1, 1))
    with pytest.raises(error):
        policies.set_policy(
            uow(), contributor=code, document=POLICY.replace("KOR", code), filename="p.toml", at=AT
        )


def test_a_correction_supersedes_and_both_remain_visible(uow: UowFactory) -> None:
    wrong = record(uow, 25_000, date(2025, 10, 1))
    fixed = record(uow, 15_000, date(2025, 10, 1), supersedes=wrong, note="typo")
    seen = indicators.list_observations(uow(), name=TROOPS)
    assert [(o.id, o.value, o.supersedes) for o in seen] == [
        (wrong, Decimal(25_000), None), (fixed, Decimal(15_000), wrong),
    ]  # fmt: skip
    assert seen[1].note == "typo" and seen[0].recorded_at == AT
    with pytest.raises(ObservationConflict) as caught:
        record(uow, 16_000, date(2025, 10, 1), supersedes=wrong)
    assert caught.value.field == "supersedes"


def test_two_observations_of_one_day_need_a_correction(uow: UowFactory) -> None:
    record(uow, 14_000, date(2025, 4, 15))
    with pytest.raises(ObservationConflict) as caught:
        record(uow, 15_000, date(2025, 4, 15))
    assert caught.value.field == "observed_on"
    assert len(indicators.list_observations(uow())) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "Troops!"}, "name"),
        ({"name": "and"}, "name"),
        ({"source": "  "}, "source"),
        ({"value": Decimal("NaN")}, "value"),
        ({"supersedes": ObservationId(42)}, "supersedes"),
    ],
)
def test_a_bad_record_is_refused_naming_the_field(
    uow: UowFactory, kwargs: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "name": TROOPS, "value": Decimal(1), "observed_on": date(2025, 1, 1),
        "source": "https://example.org", "at": AT, **kwargs,
    }  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        indicators.record(uow(), **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert indicators.list_observations(uow()) == []


def test_the_database_refuses_a_second_correction_of_one_observation(uow: UowFactory) -> None:
    wrong = record(uow, 25_000, date(2025, 10, 1))
    first = record(uow, 15_000, date(2025, 10, 1), supersedes=wrong)
    with uow() as opened:
        twin = replace(opened.indicators.get(first), id=ObservationId(99))
        with pytest.raises(AlreadyExists):
            opened.indicators.add(twin)


def test_an_import_is_all_or_nothing_with_every_finding(uow: UowFactory) -> None:
    record(uow, 10_000, date(2024, 10, 17))
    rows = [
        ObservationRow(2, TROOPS, Decimal(1500), date(2024, 10, 18), "s"),
        ObservationRow(3, TROOPS, Decimal(11000), date(2024, 10, 17), "s"),
        ObservationRow(4, "Bad Name", Decimal(1), date(2024, 10, 19), "s"),
        ObservationRow(5, TROOPS, Decimal(1), date(2024, 10, 18), "s"),
    ]
    with pytest.raises(ImportRejected) as caught:
        indicators.import_rows(uow(), rows=rows, at=AT, source_name="indicators.csv")
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (3, "observed_on"), (4, "name"), (5, "observed_on"),
    ]  # fmt: skip
    with uow() as opened:
        count = len(opened.indicators.list())
    assert count == 1
    done = indicators.import_rows(uow(), rows=rows[:1], at=AT, source_name="indicators.csv")
    assert [o.id for o in done] == [2]


def test_fund_restrictions_follow_the_phase_in_force_on_the_date_and_the_earmark(
    uow: UowFactory,
) -> None:
    record(uow, 14_000, date(2025, 4, 15))
    policies.set_policy(uow(), contributor="KOR", document=POLICY, filename="KOR.toml", at=AT)
    money = make_contribution(contributor="KOR")
    earmarked = make_contribution(
        contributor="KOR", earmark=make_earmark(aid_classes=[AidClass.DEFENSIVE, AidClass.LETHAL])
    )
    baseline = (
        frozenset({AidClass.HUMANITARIAN, AidClass.NONLETHAL}),
        frozenset({"medical", "air_defence"}),
    )
    with uow() as opened:
        assert (
            eligibility.fund_restrictions(opened, contribution=money, on=date(2025, 9, 1))
            == baseline
        )
        # Before the policy's first version: no version covers the date, so nothing is allowed.
        assert eligibility.fund_restrictions(opened, contribution=money, on=date(2024, 1, 1)) == (
            frozenset(),
            frozenset(),
        )
    record(uow, 25_000, date(2025, 10, 1))
    with uow() as opened:
        assert (
            eligibility.fund_restrictions(opened, contribution=money, on=date(2025, 9, 30))
            == baseline
        )
        assert eligibility.fund_restrictions(opened, contribution=money, on=date(2025, 10, 1)) == (
            frozenset({AidClass.HUMANITARIAN, AidClass.NONLETHAL, AidClass.DEFENSIVE}), None,
        )  # fmt: skip
        assert eligibility.fund_restrictions(opened, contribution=earmarked, on=date(2025, 10, 1)) == (
            frozenset({AidClass.DEFENSIVE}), None,
        )  # fmt: skip
        assert eligibility.fund_restrictions(opened, contribution=earmarked, on=date(2025, 9, 1)) == (
            frozenset(), frozenset({"medical", "air_defence"}),
        )  # fmt: skip
