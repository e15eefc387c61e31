"""The ports of sign-in and replay: API tokens, failed authentications, idempotent responses,
passwords and their hash, dashboard sessions (the rest of the storage ports: ports.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from purldesk.domain.access import ApiToken, UserId
from purldesk.domain.audit import StoredResponse
from purldesk.domain.sessions import WebSession


class TokenRepository(Protocol):
    def find(self, token_id: str) -> ApiToken | None: ...
    def add(self, token: ApiToken) -> None: ...
    def revoke_all(self, user_id: UserId, *, at: datetime) -> int:
        """Revoke every live token of the user; returns how many."""
        ...


class AuthFailureRepository(Protocol):
    def count(self, client: str, window: int) -> int: ...
    def record(self, client: str, window: int) -> int:
        """Count one more failure of `client` in `window`; returns the new count."""
        ...


class IdempotencyRepository(Protocol):
    def find(self, user_id: UserId, key: str) -> StoredResponse | None: ...
    def add(self, user_id: UserId, key: str, response: StoredResponse, *, at: datetime) -> None: ...


class PasswordRepository(Protocol):
    def find(self, user_id: UserId) -> str | None:
        """The user's password hash, if it has a password."""
        ...

    def set(self, user_id: UserId, password_hash: str, *, at: datetime) -> None: ...


class WebSessionRepository(Protocol):
    def find(self, digest: str) -> WebSession | None: ...
    def add(self, session: WebSession) -> None: ...
    def end(self, digest: str, *, at: datetime) -> None: ...


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2 in production)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...
