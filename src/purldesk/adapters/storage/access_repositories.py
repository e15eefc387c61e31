"""Repositories for access: users, tokens, failed authentications, idempotency keys, audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from purldesk.adapters.storage.repository import (
    NamedRecords,
    TableRepository,
    from_row,
    to_columns,
)
from purldesk.adapters.storage.rows import LEDGER_LOCK_KEY, _upsert
from purldesk.adapters.storage.tables import (
    ApiTokenRow,
    AuditEntryRow,
    AuthFailureRow,
    IdempotencyKeyRow,
    UserPasswordRow,
    UserRow,
    WebSessionRow,
)
from purldesk.adapters.storage.trees import SqlMerkleTrees
from purldesk.domain import audit
from purldesk.domain.access import ApiToken, User, UserId
from purldesk.domain.audit import AuditEntry, AuditEvent, StoredResponse
from purldesk.domain.checkpoints import Tree, leaf
from purldesk.domain.sessions import WebSession


class SqlUserRepository(NamedRecords[UserRow, User]):
    table, record_type, entity = UserRow, User, "user"

    def save(self, user: User) -> None:
        """Name, role and revocation change; an unknown user is silently not updated."""
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == user.id)
            .values(name=user.name, role=user.role.value, revoked_at=user.revoked_at)
        )

    def list(self) -> list[User]:
        return self._where(order_by=[UserRow.id])


class SqlTokenRepository(TableRepository[ApiTokenRow, ApiToken]):
    table, record_type, entity, key = ApiTokenRow, ApiToken, "token", "token_id"

    def _shown(self, key: Any) -> object:
        return "id"  # a token's id is never shown

    def add(self, token: ApiToken) -> None:
        self._insert(token)

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
        bump = {"failures": AuthFailureRow.failures + 1}
        self._session.execute(
            _upsert(self._session, AuthFailureRow)
            .values(values)
            .on_conflict_do_update(index_elements=["client", "window"], set_=bump)
        )
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


class SqlAuditLog:
    """Append-only; appends share the ledger's lock, so one write holds one lock, and grow
    the audit log's Merkle tree."""

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
        head = None if head_row is None else from_row(AuditEntry, head_row)
        entry = audit.seal(event, head=head, at=at)
        self._session.execute(insert(AuditEntryRow).values(**to_columns(entry)))
        after = 0 if head is None else head.seq
        SqlMerkleTrees(self._session).append(Tree.AUDIT, [leaf(entry.hash)], after=after)
        return entry

    def entries(self) -> list[AuditEntry]:
        rows = self._session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq))
        return [from_row(AuditEntry, row) for row in rows]

    def page(self, *, offset: int, limit: int) -> list[AuditEntry]:
        rows = self._session.scalars(
            select(AuditEntryRow).order_by(AuditEntryRow.seq).offset(offset).limit(limit)
        )
        return [from_row(AuditEntry, row) for row in rows]

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


class SqlWebSessionRepository(TableRepository[WebSessionRow, WebSession]):
    table, record_type, entity, key = WebSessionRow, WebSession, "session", "digest"

    def add(self, session: WebSession) -> None:
        self._session.add(self._row(session))
        self._session.flush()

    def end(self, digest: str, *, at: datetime) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.digest == digest, WebSessionRow.ended_at.is_(None))
            .values(ended_at=at)
        )
