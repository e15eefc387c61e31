"""Two writers at once, each on its own engine: the database locks keep the data consistent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import TypeVar

import pytest
from sqlalchemy import Engine

from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import ledger
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.errors import Conflict
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.money import Money, currency
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)

Engines = Callable[[str], Engine]
T = TypeVar("T")
RECORDED_AT = datetime(2025, 10, 1, 12, tzinfo=UTC)
APPENDS_PER_WRITER = 15
BARRIER_TIMEOUT_S = 30  # only reached if the code under test deadlocks


def run_together(*work: Callable[[threading.Barrier], T]) -> list[T]:
    """Run each callable on its own thread, released together; re-raise any thread's error."""
    barrier = threading.Barrier(len(work), timeout=BARRIER_TIMEOUT_S)
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        futures = [pool.submit(job, barrier) for job in work]
        return [future.result() for future in futures]


def pledges(writer: int, engine: Engine) -> Callable[[threading.Barrier], None]:
    """A writer that appends one pledge per transaction, after waiting at the barrier."""
    sessions = session_factory(engine)

    def write(barrier: threading.Barrier) -> None:
        barrier.wait()
        for i in range(APPENDS_PER_WRITER):
            contribution_id = writer * 1000 + i
            tx = ledger.transfer(
                TransactionKind.PLEDGE, source=ledger.pledged(contribution_id),
                destination=ledger.receivable(contribution_id),
                amount=Money(1_000 + i, currency("EUR")), occurred_on=date(2025, 10, 1),
                memo=f"writer {writer}, pledge {i}", contribution_id=contribution_id,
            )  # fmt: skip
            with SqlUnitOfWork(sessions) as uow:
                uow.ledger.append([tx], recorded_at=RECORDED_AT)
                uow.commit()

    return write


def assert_chain_intact(engine: Engine) -> None:
    with SqlUnitOfWork(session_factory(engine)) as uow:
        entries = uow.ledger.entries()
    assert [e.seq for e in entries] == list(range(1, 2 * APPENDS_PER_WRITER + 1))
    assert len({e.transaction.contribution_id for e in entries}) == 2 * APPENDS_PER_WRITER
    assert ledger.verify(entries) == []


@pytest.mark.postgres
def test_two_writers_append_to_one_intact_chain_on_postgresql(
    postgres_url: str, engines: Engines
) -> None:
    run_together(pledges(1, engines(postgres_url)), pledges(2, engines(postgres_url)))
    assert_chain_intact(engines(postgres_url))


def test_two_writers_append_to_one_intact_chain_on_sqlite(
    sqlite_url: str, engines: Engines
) -> None:
    run_together(pledges(1, engines(sqlite_url)), pledges(2, engines(sqlite_url)))
    assert_chain_intact(engines(sqlite_url))


@pytest.mark.postgres
def test_two_writers_saving_one_contribution_get_exactly_one_conflict(
    postgres_url: str, engines: Engines
) -> None:
    with SqlUnitOfWork(session_factory(engines(postgres_url))) as uow:
        uow.participants.add(
            Participant(
                ParticipantCode("KOR"), "Republic of Korea", ParticipantKind.PARTNER,
                ParticipantStatus.JOINED,
            )
        )  # fmt: skip
        uow.contributions.add(
            Contribution(
                ContributionId(1), ParticipantCode("KOR"), Money(5_000_000_000, currency("KRW")),
                pledged_on=date(2025, 10, 2),
            )
        )  # fmt: skip
        uow.commit()

    def edit(
        engine: Engine, change: Callable[[Contribution], Contribution]
    ) -> Callable[[threading.Barrier], str]:
        sessions = session_factory(engine)

        def work(barrier: threading.Barrier) -> str:
            with SqlUnitOfWork(sessions) as uow:
                loaded = uow.contributions.get(ContributionId(1))
                barrier.wait()  # both have loaded version 1 before either saves
                try:
                    uow.contributions.save(change(loaded))
                except Conflict:
                    return "conflict"
                uow.commit()
                return "saved"

        return work

    outcomes = run_together(
        edit(engines(postgres_url), Contribution.commit),
        edit(engines(postgres_url), Contribution.cancel),
    )
    assert sorted(outcomes) == ["conflict", "saved"]
    with SqlUnitOfWork(session_factory(engines(postgres_url))) as uow:
        status = uow.contributions.get(ContributionId(1)).status
    winner = (
        ContributionStatus.COMMITTED if outcomes[0] == "saved" else ContributionStatus.CANCELLED
    )
    assert status is winner


@pytest.mark.postgres
def test_two_writers_never_get_the_same_next_id(postgres_url: str, engines: Engines) -> None:
    def take(engine: Engine) -> Callable[[threading.Barrier], list[int]]:
        sessions = session_factory(engine)

        def work(barrier: threading.Barrier) -> list[int]:
            barrier.wait()
            taken = []
            for _ in range(APPENDS_PER_WRITER):
                with SqlUnitOfWork(sessions) as uow:
                    taken.append(uow.next_id("contribution"))
                    uow.commit()
            return taken

        return work

    first, second = run_together(take(engines(postgres_url)), take(engines(postgres_url)))
    assert sorted(first + second) == list(range(1, 2 * APPENDS_PER_WRITER + 1))
