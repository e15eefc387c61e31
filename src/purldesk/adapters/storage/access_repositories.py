"""Repositories for access: users, tokens, failed authentications, idempotency keys, audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import LEDGER_LOCK_KEY, _insert
from purldesk.adapters.storage.tables import (
    ApiTokenRow,
    AuditEntryRow,
    AuthFailureRow,
    IdempotencyKeyRow,
    UserPasswordRow,
    UserRow,
    WebSessionRow,
)
from purldesk.domain import audit
from purldesk.domain.access import ApiToken, Role, User, UserId
from purldesk.domain.audit import AuditEntry, AuditEvent, StoredResponse
from purldesk.domain.errors import NotFound
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.sessions import WebSession


def _user(row: UserRow) -> User:
    return User(
        id=UserId(row.id),
        name=row.name,
        organization=ParticipantCode(row.organization),
        role=Role(row.role),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: UserId) -> User:
        row = self._session.get(UserRow, user_id)
        if row is None:
            raise NotFound("user", user_id)
        return _user(row)

    def find_by_name(self, name: str) -> User | None:
        row = self._session.scalars(select(UserRow).where(UserRow.name == name)).first()
        return None if row is None else _user(row)

    def add(self, user: User) -> None:
        row = UserRow(
            id=user.id, name=user.name, organization=user.organization, role=user.role.value,
            created_at=user.created_at, revoked_at=user.revoked_at,
        )  # fmt: skip
        keys = [(UserRow.id == user.id, user.id), (UserRow.name == user.name, user.name)]
        _insert(self._session, "user", row, keys=keys)

    def save(self, user: User) -> None:
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == user.id)
            .values(name=user.name, role=user.role.value, revoked_at=user.revoked_at)
        )

    def list(self) -> list[User]:
        return [_user(row) for row in self._session.scalars(select(UserRow).order_by(UserRow.id))]


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, token_id: str) -> ApiToken | None:
        row = self._session.get(ApiTokenRow, token_id)
        if row is None:
            return None
        return ApiToken(
            token_id=row.token_id, user_id=UserId(row.user_id), salt=row.salt,
            digest=row.digest, created_at=row.created_at, expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )  # fmt: skip

    def add(self, token: ApiToken) -> None:
        row = ApiTokenRow(
            token_id=token.token_id, user_id=token.user_id, salt=token.salt,
            digest=token.digest, created_at=token.created_at, expires_at=token.expires_at,
            revoked_at=token.revoked_at,
        )  # fmt: skip
        _insert(self._session, "token", row, keys=[(ApiTokenRow.token_id == row.token_id, "id")])

    def revoke_all(self, user_id: UserId, *, at: datetime) -> int:
        rows = self._session.scalars(
            select(ApiTokenRow).where(
                ApiTokenRow.user_id == user_id, ApiTokenRow.revoked_at.is_(None)
            )
        ).all()
        for row in rows:
            row.revoked_at = at
        self._session.flush()
        return len(rows)


class SqlAuthFailures:
    def __init__(self, session: Session) -> None:
        self._session = session

    def count(self, client: str, window: int) -> int:
        found = self._session.scalar(
            select(AuthFailureRow.failures).where(
                AuthFailureRow.client == client, AuthFailureRow.window == window
            )
        )
        return int(found or 0)

    def record(self, client: str, window: int) -> int:
        # One statement, so concurrent failures from several processes all count.
        values = {"client": client[:200], "window": window, "failures": 1}
        dialect = self._session.get_bind().dialect.name
        bump = {"failures": AuthFailureRow.failures + 1}
        keys = ["client", "window"]
        statement = (
            postgresql.insert(AuthFailureRow)
            .values(values)
            .on_conflict_do_update(index_elements=keys, set_=bump)
            if dialect == "postgresql"
            else sqlite.insert(AuthFailureRow)
            .values(values)
            .on_conflict_do_update(index_elements=keys, set_=bump)
        )
        self._session.execute(statement)
        return self.count(client[:200], window)


class SqlIdempotencyKeys:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, user_id: UserId, key: str) -> StoredResponse | None:
        row = self._session.get(IdempotencyKeyRow, (user_id, key))
        if row is None:
            return None
        return StoredResponse(row.request_hash, row.status_code, row.response_body)

    def add(self, user_id: UserId, key: str, response: StoredResponse, *, at: datetime) -> None:
        self._session.execute(
            insert(IdempotencyKeyRow).values(
                user_id=user_id, key=key, request_hash=response.request_hash,
                status_code=response.status_code, response_body=response.body, created_at=at,
            )
        )  # fmt: skip


def _audit_entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq, at=row.at, user_id=row.user_id, user_name=row.user_name,
        organization=row.organization, role=row.role, request_id=row.request_id,
        action=row.action, target=row.target, changes=row.changes, prev_hash=row.prev_hash,
        hash=row.hash,
    )  # fmt: skip


class SqlAuditLog:
    """Append-only; appends share the ledger's lock, so one write holds one lock."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lock(self) -> None:
        # On SQLite the engine's BEGIN IMMEDIATE already holds the only write lock.
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY}
            )

    def append(self, event: AuditEvent, *, at: datetime) -> AuditEntry:
        self.lock()
        head_row = self._session.scalars(
            select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(1)
        ).first()
        head = None if head_row is None else _audit_entry(head_row)
        entry = audit.seal(event, head=head, at=at)
        self._session.execute(
            insert(AuditEntryRow).values(
                seq=entry.seq, at=entry.at, user_id=entry.user_id, user_name=entry.user_name,
                organization=entry.organization, role=entry.role, request_id=entry.request_id,
                action=entry.action, target=entry.target, changes=entry.changes,
                prev_hash=entry.prev_hash, hash=entry.hash,
            )
        )  # fmt: skip
        return entry

    def entries(self) -> list[AuditEntry]:
        rows = self._session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq))
        return [_audit_entry(row) for row in rows]

    def page(self, *, offset: int, limit: int) -> list[AuditEntry]:
        rows = self._session.scalars(
            select(AuditEntryRow).order_by(AuditEntryRow.seq).offset(offset).limit(limit)
        )
        return [_audit_entry(row) for row in rows]

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0)


class SqlPasswordRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, user_id: UserId) -> str | None:
        row = self._session.get(UserPasswordRow, user_id)
        return None if row is None else row.hash

    def set(self, user_id: UserId, password_hash: str, *, at: datetime) -> None:
        row = self._session.get(UserPasswordRow, user_id)
        if row is None:
            self._session.add(UserPasswordRow(user_id=user_id, hash=password_hash, set_at=at))
        else:
            row.hash, row.set_at = password_hash, at
        self._session.flush()


class SqlWebSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, digest: str) -> WebSession | None:
        row = self._session.get(WebSessionRow, digest)
        if row is None:
            return None
        return WebSession(
            digest=row.digest, user_id=UserId(row.user_id), csrf_token=row.csrf_token,
            created_at=row.created_at, expires_at=row.expires_at, ended_at=row.ended_at,
        )  # fmt: skip

    def add(self, session: WebSession) -> None:
        self._session.add(
            WebSessionRow(
                digest=session.digest, user_id=session.user_id, csrf_token=session.csrf_token,
                created_at=session.created_at, expires_at=session.expires_at,
                ended_at=session.ended_at,
            )
        )  # fmt: skip
        self._session.flush()

    def end(self, digest: str, *, at: datetime) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.digest == digest, WebSessionRow.ended_at.is_(None))
            .values(ended_at=at)
        )
