"""`handle` tries again a write the database broke off, a bounded number of times with
jittered, growing waits, and never runs twice a write that may have been committed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from builders import make_participant
from fakes import FakeDatabase, FakeUnitOfWork, UsdOnlyRates
from purldesk.domain.access import Actor, Role, operator
from purldesk.domain.errors import StorageUnavailable
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantCode
from purldesk.services import contributions, participants, users
from purldesk.services.handle import Context, Handled, handle
from purldesk.services.retries import Retries

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PLEDGE = contributions.Pledge(contributor="NLD", amount=Money(100, USD))
LOST = StorageUnavailable("connection lost", retryable=True)


class FailingCommits(FakeUnitOfWork):
    """Commits fail with the next of `failures`; one marked `outcome_unknown` commits first,
    as a COMMIT whose answer the connection lost."""

    def __init__(self, database: FakeDatabase, failures: list[StorageUnavailable]) -> None:
        super().__init__(database)
        self.failures = failures

    def commit(self) -> None:
        if self.failures:
            failure = self.failures.pop(0)
            if failure.outcome_unknown:
                super().commit()
            raise failure
        super().commit()


class World:
    def __init__(self, attempts: int = 4) -> None:
        self.database = FakeDatabase()
        participants.add_many(
            FakeUnitOfWork(self.database), participants=[make_participant(code="NLD")]
        )
        add = users.AddUser(
            name="mof@nld", organization="NLD", role=Role.CONTRIBUTOR,
            token_lifetime=timedelta(days=1), pepper=b"pepper",
        )  # fmt: skip
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        user, _token = handle(FakeUnitOfWork(self.database), add, context=context).value
        self.actor = Actor(user.id, user.name, ParticipantCode("NLD"), Role.CONTRIBUTOR)
        self.waits: list[float] = []
        self.retries = Retries(
            attempts=attempts, first_wait_s=0.1, longest_wait_s=0.3, sleep=self.waits.append,
            jitter=lambda: 0.5,
        )  # fmt: skip

    def pledge(self, *failures: StorageUnavailable, key: str | None = None) -> Handled[Any]:
        context = Context(
            actor=self.actor, at=AT, request_id="r", fx=UsdOnlyRates(), retries=self.retries
        )
        uow = FailingCommits(self.database, list(failures))
        present = None if key is None else (lambda made, _uow: (201, {"ref": made.ref}))
        return handle(uow, PLEDGE, context=context, key=key, present=present)

    def pledged(self) -> int:
        return len(contributions.list_all(FakeUnitOfWork(self.database)))


def test_a_write_broken_off_is_tried_again_after_growing_jittered_waits() -> None:
    world = World()
    handled = world.pledge(LOST, LOST, LOST)
    assert handled.value.ref == "C-00001"
    assert world.waits == [0.05, 0.1, 0.15]  # half of 0.1, 0.2, then the 0.3 s ceiling
    assert world.pledged() == 1


def test_when_the_attempts_run_out_the_error_goes_to_the_edge_with_nothing_written() -> None:
    world = World(attempts=3)
    with pytest.raises(StorageUnavailable):
        world.pledge(LOST, LOST, LOST)
    assert len(world.waits) == 2
    assert world.pledged() == 0


def test_a_fault_not_worth_retrying_is_reported_at_once() -> None:
    world = World()
    with pytest.raises(StorageUnavailable):
        world.pledge(StorageUnavailable("database is busy", retryable=False))
    assert (world.waits, world.pledged()) == ([], 0)


def test_a_commit_of_unknown_outcome_is_replayed_with_its_key_never_run_twice() -> None:
    world = World()
    unknown = StorageUnavailable("connection lost", retryable=True, outcome_unknown=True)
    handled = world.pledge(unknown, key="k1")
    assert handled.replayed
    assert handled.response is not None
    assert handled.response.body == '{"ref":"C-00001"}'
    assert world.pledged() == 1


def test_a_commit_of_unknown_outcome_without_a_key_is_not_tried_again() -> None:
    world = World()
    unknown = StorageUnavailable("connection lost", retryable=True, outcome_unknown=True)
    with pytest.raises(StorageUnavailable) as raised:
        world.pledge(unknown)
    assert "may or may not have been written" in str(raised.value)
    assert world.waits == []
    assert world.pledged() == 1  # it was: the one write, not two
