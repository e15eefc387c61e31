"""Users, tokens, failed authentications, idempotency keys, passwords, dashboard sessions and the
audit log keep what they are given and refuse what the database refuses, on the fake, SQLite and
PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from storage_backdoor import REFUSED_BY_THE_DATABASE

from builders import make_participant
from purldesk.domain import audit
from purldesk.domain.access import Actor, ApiToken, Role, User, UserId
from purldesk.domain.audit import AuditEvent, StoredResponse
from purldesk.domain.errors import AlreadyExists, NotFound
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.sessions import WebSession
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 1, 9, 30, 15, 123456, tzinfo=UTC)
KYIV = timezone(timedelta(hours=3))


def user(user_id: int = 1, *, name: str = "mof@fra", **changes: object) -> User:
    base = User(UserId(user_id), name, ParticipantCode("FRA"), Role.CONTRIBUTOR, AT)
    return replace(base, **changes)  # type: ignore[arg-type]


def token(token_id: str = "t1", *, user_id: int = 1, **changes: object) -> ApiToken:
    base = ApiToken(token_id, UserId(user_id), "salt", "digest", AT, AT + timedelta(days=90))
    return replace(base, **changes)  # type: ignore[arg-type]


def seed(uow_factory: UowFactory, *users: User) -> None:
    with uow_factory() as uow:
        uow.participants.add(make_participant(code="FRA"))
        for each in users:
            uow.users.add(each)
        uow.commit()


def test_users_round_trip_in_utc_and_are_found_by_name(uow_factory: UowFactory) -> None:
    seed(uow_factory, user(2, name="b", created_at=AT.astimezone(KYIV)), user(1, name="a"))
    with uow_factory() as uow:
        assert uow.users.get(UserId(2)) == user(2, name="b")
        assert uow.users.get(UserId(2)).created_at.utcoffset() == timedelta(0)
        assert uow.users.find_by_name("a") == user(1, name="a")
        assert uow.users.find_by_name("nobody") is None
        assert [u.id for u in uow.users.list()] == [1, 2]
        with pytest.raises(NotFound):
            uow.users.get(UserId(9))


def test_a_user_save_changes_name_role_and_revocation_only(uow_factory: UowFactory) -> None:
    seed(uow_factory, user())
    changed = user(
        name="renamed", role=Role.AUDITOR, revoked_at=AT + timedelta(days=1),
        organization=ParticipantCode("DEU"), created_at=AT + timedelta(days=2),
    )  # fmt: skip
    with uow_factory() as uow:
        uow.users.save(changed)
        uow.users.save(user(7, name="ghost"))  # an unknown user: nothing to update
        uow.commit()
    with uow_factory() as uow:
        assert uow.users.list() == [
            user(name="renamed", role=Role.AUDITOR, revoked_at=AT + timedelta(days=1))
        ]


def test_a_taken_user_id_or_name_is_refused_and_the_transaction_goes_on(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory, user())
    with uow_factory() as uow:
        with pytest.raises(AlreadyExists, match="user 1 already exists"):
            uow.users.add(user(name="other"))
        with pytest.raises(AlreadyExists, match="mof@fra"):
            uow.users.add(user(2))
        uow.users.add(user(2, name="other"))
        uow.commit()
    with uow_factory() as uow:
        assert [u.name for u in uow.users.list()] == ["mof@fra", "other"]


def test_a_user_of_an_unknown_organization_is_refused(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.users.add(user(organization=ParticipantCode("XXX")))


def test_tokens_round_trip_and_revoking_counts_the_live_ones(uow_factory: UowFactory) -> None:
    seed(uow_factory, user(), user(2, name="other"))
    revoked_before = token("t3", revoked_at=AT)
    with uow_factory() as uow:
        uow.tokens.add(token("t1", created_at=AT.astimezone(KYIV)))
        uow.tokens.add(token("t2"))
        uow.tokens.add(revoked_before)
        uow.tokens.add(token("t4", user_id=2))
        uow.commit()
    with uow_factory() as uow:
        assert uow.tokens.find("t1") == token("t1")
        assert uow.tokens.find("nope") is None
        assert uow.tokens.revoke_all(UserId(1), at=AT + timedelta(hours=1)) == 2
        uow.commit()
    with uow_factory() as uow:
        assert uow.tokens.find("t1") == token("t1", revoked_at=AT + timedelta(hours=1))
        assert uow.tokens.find("t3") == revoked_before
        assert uow.tokens.find("t4") == token("t4", user_id=2)
        assert uow.tokens.revoke_all(UserId(1), at=AT) == 0


def test_a_taken_token_id_or_an_unknown_user_is_refused(uow_factory: UowFactory) -> None:
    seed(uow_factory, user())
    with uow_factory() as uow:
        uow.tokens.add(token())
        with pytest.raises(AlreadyExists, match="token id already exists"):
            uow.tokens.add(token(salt="other"))
        uow.commit()
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.tokens.add(token("t2", user_id=9))


def test_failed_authentications_count_per_client_and_window(uow_factory: UowFactory) -> None:
    long_client = "x" * 250
    with uow_factory() as uow:
        assert uow.auth_failures.count("10.0.0.1", 7) == 0
        assert [uow.auth_failures.record("10.0.0.1", 7) for _ in range(3)] == [1, 2, 3]
        assert uow.auth_failures.record("10.0.0.1", 8) == 1
        assert uow.auth_failures.record(long_client, 7) == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.auth_failures.count("10.0.0.1", 7) == 3
        assert uow.auth_failures.count("10.0.0.2", 7) == 0
        # Clients are kept to the column's width: the cut one counts, the full one does not.
        assert uow.auth_failures.count(long_client[:200], 7) == 1
        assert uow.auth_failures.record(long_client, 7) == 2


def test_an_idempotency_key_keeps_its_first_response_per_user(uow_factory: UowFactory) -> None:
    seed(uow_factory, user(), user(2, name="other"))
    first = StoredResponse("hash-1", 201, '{"id": 1}')
    with uow_factory() as uow:
        assert uow.idempotency.find(UserId(1), "k") is None
        uow.idempotency.add(UserId(1), "k", first, at=AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.idempotency.find(UserId(1), "k") == first
        assert uow.idempotency.find(UserId(2), "k") is None  # keys are per user
        uow.idempotency.add(UserId(2), "k", StoredResponse("hash-2", 200, "{}"), at=AT)
        uow.commit()
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.idempotency.add(UserId(1), "k", StoredResponse("hash-3", 200, "{}"), at=AT)
    with uow_factory() as uow:
        assert uow.idempotency.find(UserId(1), "k") == first


def test_an_idempotency_key_not_committed_is_gone(uow_factory: UowFactory) -> None:
    seed(uow_factory, user())
    with uow_factory() as uow:
        uow.idempotency.add(UserId(1), "k", StoredResponse("h", 201, "{}"), at=AT)
    with uow_factory() as uow:
        assert uow.idempotency.find(UserId(1), "k") is None
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.idempotency.add(UserId(9), "k", StoredResponse("h", 201, "{}"), at=AT)


def test_a_password_is_set_then_replaced(uow_factory: UowFactory) -> None:
    seed(uow_factory, user())
    with uow_factory() as uow:
        assert uow.passwords.find(UserId(1)) is None
        uow.passwords.set(UserId(1), "argon2-first", at=AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.passwords.find(UserId(1)) == "argon2-first"
        uow.passwords.set(UserId(1), "argon2-second", at=AT + timedelta(days=1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.passwords.find(UserId(1)) == "argon2-second"
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.passwords.set(UserId(9), "argon2", at=AT)


def test_a_session_round_trips_in_utc_and_ends_once(uow_factory: UowFactory) -> None:
    seed(uow_factory, user())
    session = WebSession("d" * 64, UserId(1), "csrf", AT.astimezone(KYIV), AT + timedelta(hours=8))
    with uow_factory() as uow:
        assert uow.web_sessions.find(session.digest) is None
        uow.web_sessions.add(session)
        uow.commit()
    stored = replace(session, created_at=AT)
    with uow_factory() as uow:
        found = uow.web_sessions.find(session.digest)
        assert found == stored and found.created_at.utcoffset() == timedelta(0)
        uow.web_sessions.end(session.digest, at=AT + timedelta(hours=1))
        uow.web_sessions.end("e" * 64, at=AT)  # an unknown session: nothing to end
        uow.commit()
    with uow_factory() as uow:
        uow.web_sessions.end(session.digest, at=AT + timedelta(hours=2))  # ended already
        uow.commit()
    with uow_factory() as uow:
        assert uow.web_sessions.find(session.digest) == replace(
            stored, ended_at=AT + timedelta(hours=1)
        )


def test_a_session_of_an_unknown_user_or_a_taken_digest_is_refused(
    uow_factory: UowFactory,
) -> None:
    seed(uow_factory, user())
    session = WebSession("d" * 64, UserId(1), "csrf", AT, AT + timedelta(hours=8))
    with uow_factory() as uow:
        uow.web_sessions.add(session)
        uow.commit()
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.web_sessions.add(replace(session, csrf_token="other"))
    with uow_factory() as uow, pytest.raises(REFUSED_BY_THE_DATABASE):
        uow.web_sessions.add(replace(session, digest="e" * 64, user_id=UserId(9)))


def event(n: int, actor: Actor | None = None) -> AuditEvent:
    return AuditEvent(f"action-{n}", f"target-{n}", {"n": n, "ünï": [1, 2]}, f"req-{n}", actor)


def test_the_audit_log_chains_its_entries_and_pages_through_them(
    uow_factory: UowFactory,
) -> None:
    coordinator = Actor(UserId(3), "nsatu", ParticipantCode("NATO"), Role.COORDINATOR)
    with uow_factory() as uow:
        assert (uow.audit.entries(), uow.audit.count()) == ([], 0)
        uow.audit.lock()
        first = uow.audit.append(event(1), at=AT.astimezone(KYIV))
        uow.commit()
    with uow_factory() as uow:
        rest = [uow.audit.append(event(n, coordinator), at=AT) for n in range(2, 6)]
        uow.commit()
    assert first == audit.seal(event(1), head=None, at=AT)
    assert (first.seq, first.user_name, first.at) == (1, audit.SYSTEM_ACTOR, AT)
    assert rest[0] == audit.seal(event(2, coordinator), head=first, at=AT)
    with uow_factory() as uow:
        entries = uow.audit.entries()
        assert entries == [first, *rest]
        assert audit.check(entries) == []
        assert uow.audit.count() == 5
        assert [e.seq for e in uow.audit.page(offset=1, limit=2)] == [2, 3]
        assert [e.seq for e in uow.audit.page(offset=4, limit=10)] == [5]
        assert uow.audit.page(offset=5, limit=10) == []


def test_an_audit_entry_not_committed_is_gone_and_its_number_reused(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.audit.append(event(1), at=AT)
    with uow_factory() as uow:
        assert uow.audit.count() == 0
        assert uow.audit.append(event(2), at=AT).seq == 1
