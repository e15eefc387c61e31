"""Policy versions and indicator observations are append-only: they read back as set, in order,
and the database refuses a taken number or a second correction, on the fake, SQLite and
PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from storage_backdoor import REFUSED_BY_THE_DATABASE

from builders import make_participant
from purldesk.adapters.storage.engine import make_engine, session_factory
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.errors import AlreadyExists, NotFound
from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import PolicyVersion, PolicyVersionId
from purldesk.domain.policy_documents import parse_policy
from purldesk.services.ports import UnitOfWork
from sql_costs import SqlCounter

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 12, 5, 12, 0, 0, 250000, tzinfo=UTC)
KYIV = timezone(timedelta(hours=3))
TROOPS = "dprk_troops_in_theatre"
POLICY = """\
contributor = "{code}"
valid_from = 2024-11-07

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= {limit}"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
"""


def version(
    version_id: int, code: str = "KOR", number: int = 1, *, limit: int = 20_000
) -> PolicyVersion:
    document = POLICY.format(code=code, limit=limit)
    return PolicyVersion(
        id=PolicyVersionId(version_id), contributor=ParticipantCode(code), version=number,
        policy=parse_policy(document, filename=f"{code}.toml"), document=document,
        filename=f"{code}.toml", recorded_at=AT,
    )  # fmt: skip


def observation(
    observation_id: int, value: str = "14000", *, name: str = TROOPS, **fields: object
) -> Observation:
    made = Observation(
        id=ObservationId(observation_id), name=name, value=Decimal(value),
        observed_on=date(2025, 4, observation_id), source="https://example.org", recorded_at=AT,
    )  # fmt: skip
    return replace(made, **fields)  # type: ignore[arg-type]


def seed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        for code in ("KOR", "JPN"):
            uow.participants.add(make_participant(code=code))
        uow.commit()


def test_policy_versions_read_back_parsed_by_contributor_then_number(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.policies.latest_version(ParticipantCode("KOR")) == 0
        assert uow.policies.list() == []
        uow.policies.add(version(1, "KOR", 1))
        uow.policies.add(version(3, "KOR", 2, limit=10_000))
        uow.policies.add(version(2, "JPN", 1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.policies.latest_version(ParticipantCode("KOR")) == 2
        assert uow.policies.latest_version(ParticipantCode("JPN")) == 1
        assert uow.policies.list() == [
            version(2, "JPN", 1), version(1, "KOR", 1), version(3, "KOR", 2, limit=10_000),
        ]  # fmt: skip
        kor = uow.policies.list(contributor=ParticipantCode("KOR"))
        assert [v.id for v in kor] == [1, 3]
        assert kor[1].policy == version(3, "KOR", 2, limit=10_000).policy


def test_the_versions_of_several_contributors_read_together_are_those_read_one_by_one(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory)
    kor, jpn, nzl = ParticipantCode("KOR"), ParticipantCode("JPN"), ParticipantCode("NZL")
    with uow_factory() as uow:
        uow.policies.add(version(1, "KOR", 1))
        uow.policies.add(version(3, "KOR", 2, limit=10_000))
        uow.policies.add(version(2, "JPN", 1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.policies.list_of([kor, nzl, kor]) == {
            kor: [version(1, "KOR", 1), version(3, "KOR", 2, limit=10_000)], nzl: [],
        }  # fmt: skip
        assert uow.policies.list_of([jpn, kor]) == {
            jpn: uow.policies.list(contributor=jpn), kor: uow.policies.list(contributor=kor),
        }  # fmt: skip
        assert uow.policies.list_of([]) == {}
        uow.policies.add(version(4, "JPN", 2))
        assert [v.version for v in uow.policies.list_of([jpn])[jpn]] == [1, 2]
        uow.commit()


def test_a_policy_recorded_in_any_zone_reads_back_in_utc(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.policies.add(replace(version(1), recorded_at=AT.astimezone(KYIV)))
        uow.commit()
    with uow_factory() as uow:
        (stored,) = uow.policies.list()
    assert stored == version(1) and stored.recorded_at.utcoffset() == timedelta(0)


def test_a_taken_policy_number_or_id_is_refused(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        uow.policies.add(version(1, "KOR", 1))
        with pytest.raises(AlreadyExists, match="policy version 1 already exists"):
            uow.policies.add(version(1, "KOR", 2))
        with pytest.raises(AlreadyExists, match="KOR v1"):
            uow.policies.add(version(2, "KOR", 1))
        uow.commit()
    with uow_factory() as uow:
        assert [v.id for v in uow.policies.list()] == [1]
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.policies.add(version(5, "XYZ", 1))


def test_observations_read_back_exactly_by_id_and_by_name(uow_factory: UowFactory) -> None:
    exact = observation(2, "10000.50", note="from the ministry")
    with uow_factory() as uow:
        assert uow.indicators.names() == []
        uow.indicators.add(exact)
        uow.indicators.add(observation(1, "1E+4", name="air_raids"))
        uow.indicators.add(observation(3, "15000", supersedes=ObservationId(2)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.indicators.get(ObservationId(2)) == exact
        assert str(uow.indicators.get(ObservationId(1)).value) == "1E+4"
        assert uow.indicators.names() == ["air_raids", TROOPS]
        assert [o.id for o in uow.indicators.list()] == [1, 2, 3]
        assert [o.id for o in uow.indicators.list(name=TROOPS)] == [2, 3]
        assert uow.indicators.list(name="nothing") == []
        with pytest.raises(NotFound, match="observation #9 not found"):
            uow.indicators.get(ObservationId(9))


def test_an_observation_recorded_in_any_zone_reads_back_in_utc(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.indicators.add(observation(1, recorded_at=AT.astimezone(KYIV)))
        uow.commit()
    with uow_factory() as uow:
        stored = uow.indicators.get(ObservationId(1))
    assert stored == observation(1) and stored.recorded_at.utcoffset() == timedelta(0)


def test_a_taken_id_a_second_correction_or_a_correction_of_nothing_is_refused(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.indicators.add(observation(1))
        uow.indicators.add(observation(2, supersedes=ObservationId(1)))
        with pytest.raises(AlreadyExists, match="#1 already exists"):
            uow.indicators.add(observation(1, "1"))
        with pytest.raises(AlreadyExists, match="correction of #1"):
            uow.indicators.add(observation(3, supersedes=ObservationId(1)))
        uow.commit()
    with uow_factory() as uow:
        assert [o.id for o in uow.indicators.list()] == [1, 2]
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.indicators.add(observation(4, supersedes=ObservationId(42)))


def test_what_a_transaction_adds_is_read_back_in_it_after_what_it_read_before(
    uow_factory: UowFactory,
) -> None:
    """Versions and observations are read once per transaction; an add is not hidden by it."""
    seed(uow_factory)
    kor = ParticipantCode("KOR")
    with uow_factory() as uow:
        assert uow.policies.list(contributor=kor) == uow.policies.list() == []
        assert uow.indicators.list() == uow.indicators.list(name=TROOPS) == []
        uow.policies.add(version(1, "KOR", 1))
        uow.indicators.add(observation(1))
        assert [v.version for v in uow.policies.list(contributor=kor)] == [1]
        assert [o.id for o in uow.indicators.list(name=TROOPS)] == [1]
        uow.policies.add(version(2, "KOR", 2))
        uow.indicators.add(observation(2, "15000"))
        assert [v.version for v in uow.policies.list(contributor=kor)] == [1, 2]
        assert [v.version for v in uow.policies.list()] == [1, 2]
        assert [o.id for o in uow.indicators.list()] == [1, 2]
        uow.commit()


def test_versions_and_observations_are_read_once_a_transaction(database_url: str) -> None:
    """An allocation asks for them once for every contribution it weighs (SQLite, PostgreSQL)."""
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    try:
        seed(lambda: SqlUnitOfWork(sessions))
        with SqlUnitOfWork(sessions) as uow:
            uow.policies.add(version(1, "KOR", 1))
            uow.indicators.add(observation(1))
            uow.commit()
        counter = SqlCounter(engine)
        kor = ParticipantCode("KOR")
        with SqlUnitOfWork(sessions) as uow:

            def both() -> tuple[object, object]:
                return uow.policies.list(contributor=kor), uow.indicators.list()

            first, cost = counter.measure(both)
            again, repeated = counter.measure(lambda: [both() for _ in range(50)])
            many = [kor, ParticipantCode("JPN"), ParticipantCode("NZL")]
            together, at_once = counter.measure(lambda: uow.policies.list_of(many))
            _, after = counter.measure(lambda: [uow.policies.list(contributor=c) for c in many])
        assert cost.statements >= 2 and repeated.statements == 0
        assert all(pair == first for pair in again)
        assert at_once.statements == 1 and after.statements == 0
        assert together[kor] == first[0] and together[ParticipantCode("NZL")] == []
    finally:
        engine.dispose()
