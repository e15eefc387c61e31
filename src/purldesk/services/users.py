"""Users, their API tokens, and authentication with a per-client limit on failures.

Tokens are 256-bit random secrets, so they are stored as an HMAC-SHA256 keyed by a server-side
pepper over a per-token salt and the secret, not with a slow password hash: nobody can guess a
256-bit secret however fast the hash is, while argon2 would cost every request tens of
milliseconds and megabytes on every worker. The pepper lives in the settings, not the database,
so a copy of the database alone cannot even check a guess.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from purldesk.domain.access import (
    Actor,
    ApiToken,
    NotAuthenticated,
    Permission,
    Role,
    TooManyAttempts,
    User,
    UserId,
    check_role_fits,
    format_token,
    is_token_secret,
    parse_token,
    token_digest,
)
from purldesk.domain.errors import AlreadyExists, InvalidInput, NotFound
from purldesk.services.access_ports import PasswordHasher
from purldesk.services.handle import SECRET, Command, Context, command
from purldesk.services.ports import UnitOfWork

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


@dataclass(frozen=True, slots=True)
class FailureLimit:
    """At most `max_failures` failed authentications per client per window of `window_s`."""

    max_failures: int
    window_s: int


def _random_hex() -> str:
    return secrets.token_hex(8)


def random_secret() -> str:
    """256 random bits, URL-safe: a token's or a session's secret."""
    return secrets.token_urlsafe(32)


def add(
    uow: UnitOfWork,
    *,
    name: str,
    organization: str,
    role: Role,
    at: datetime,
    lifetime: timedelta,
    pepper: bytes,
    new_id: Callable[[], str] = _random_hex,
    new_secret: Callable[[], str] = random_secret,
) -> tuple[User, str]:
    """Create a user of one organization with one role; returns it and its token, shown once."""
    name = name.strip()
    if not name:
        raise InvalidInput("name", "is empty")
    participant = uow.participants.get(organization.strip().upper())
    check_role_fits(role, participant)
    if uow.users.find_by_name(name) is not None:
        raise AlreadyExists("user", name)
    user = User(UserId(uow.next_id("user")), name, participant.code, role, at)
    uow.users.add(user)
    token = _issue(uow, user, at=at, lifetime=lifetime, pepper=pepper, new_id=new_id,
                   new_secret=new_secret)  # fmt: skip
    return user, token


def check_password_rules(password: str) -> None:
    """A password long enough to resist guessing, and short enough not to be a hashing DoS."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")


def set_password(uow: UnitOfWork, *, name: str, password_hash: str, at: datetime) -> User:
    """Give a user a password for the dashboard, as its (argon2) hash."""
    user = uow.users.find_by_name(name.strip())
    if user is None:
        raise NotFound("user", name)
    uow.passwords.set(user.id, password_hash, at=at)
    return user


def has_password(uow: UnitOfWork, hasher: PasswordHasher, *, name: str, password: str) -> bool:
    """Whether `password` is the user's (no failure is counted: for operators, not logins)."""
    with uow:
        user = uow.users.find_by_name(name)
        stored = None if user is None else uow.passwords.find(user.id)
    return stored is not None and hasher.verify(stored, password)


def log_in(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    name: str,
    password: str,
    client: str,
    at: datetime,
    limit: FailureLimit,
) -> Actor:
    """The actor whose name and password these are; failures count against the client, in the
    database, like bad tokens. An unknown name costs a hash too, so timing tells nothing."""
    window = int(at.timestamp()) // limit.window_s
    with uow:
        if uow.auth_failures.count(client, window) >= limit.max_failures:
            retry_after = limit.window_s - int(at.timestamp()) % limit.window_s
            raise TooManyAttempts(client, retry_after)
        user = uow.users.find_by_name(name.strip()) if name.strip() else None
        stored = None if user is None else uow.passwords.find(user.id)
        if user is not None and stored is not None and hasher.verify(stored, password):
            if not user.is_active:
                reason = f"revoked user {user.name}"
            else:
                if hasher.needs_rehash(stored):
                    uow.passwords.set(user.id, hasher.hash(password), at=at)
                    uow.commit()
                return user.as_actor()
        else:
            if stored is None:
                hasher.hash(password)  # as slow as a wrong password
            reason = f"bad password for {name.strip()[:40]!r}"
        uow.auth_failures.record(client, window)
        uow.commit()
    raise NotAuthenticated(reason)


def revoke(uow: UnitOfWork, *, name: str, at: datetime) -> tuple[User, int]:
    """Revoke a user and every token it holds, effective on the next request; returns the
    user and how many live tokens it had."""
    user = uow.users.find_by_name(name)
    if user is None:
        raise NotFound("user", name)
    revoked = User(user.id, user.name, user.organization, user.role, user.created_at, at)
    if user.revoked_at is None:
        uow.users.save(revoked)
    return revoked, uow.tokens.revoke_all(user.id, at=at)


def list_all(uow: UnitOfWork) -> list[User]:
    with uow:
        return uow.users.list()


def authenticate(
    uow: UnitOfWork,
    *,
    token: str | None,
    client: str,
    at: datetime,
    pepper: bytes,
    limit: FailureLimit,
) -> Actor:
    """The actor a bearer token stands for; a failure is counted for the client, in the
    database so that every server process sees it, and too many refuse even a good token."""
    window = int(at.timestamp()) // limit.window_s
    with uow:
        if uow.auth_failures.count(client, window) >= limit.max_failures:
            retry_after = limit.window_s - int(at.timestamp()) % limit.window_s
            raise TooManyAttempts(client, retry_after)
        actor, reason = _check(uow, token, at=at, pepper=pepper)
        if actor is not None:
            return actor
        uow.auth_failures.record(client, window)
        uow.commit()
    raise NotAuthenticated(reason)


def _check(
    uow: UnitOfWork, presented: str | None, *, at: datetime, pepper: bytes
) -> tuple[Actor | None, str]:
    if not presented:
        return None, "no token"
    parsed = parse_token(presented)
    if parsed is None:
        return None, "malformed token"
    token_id, secret = parsed
    token = uow.tokens.find(token_id)
    if token is None or not is_token_secret(secret, token, pepper=pepper):
        return None, f"unknown token {token_id}"
    if not token.is_valid_at(at):
        return None, f"expired or revoked token {token_id}"
    user = uow.users.get(token.user_id)
    if not user.is_active:
        return None, f"revoked user {user.name}"
    return user.as_actor(), ""


def _issue(
    uow: UnitOfWork,
    user: User,
    *,
    at: datetime,
    lifetime: timedelta,
    pepper: bytes,
    new_id: Callable[[], str],
    new_secret: Callable[[], str],
) -> str:
    token_id, secret, salt = new_id(), new_secret(), new_id()
    uow.tokens.add(
        ApiToken(
            token_id=token_id, user_id=user.id, salt=salt,
            digest=token_digest(secret, salt=salt, pepper=pepper), created_at=at,
            expires_at=at + lifetime,
        )
    )  # fmt: skip
    return format_token(token_id, secret)


# -- commands ----------------------------------------------------------------------------------


@command("users.add", Permission.MANAGE_USERS)
class AddUser(Command[tuple[User, str]]):
    """A user of one organization with one role, its first API token (returned once, stored
    only as a peppered digest) and, if given, its dashboard password (as a hash), at once."""

    name: str
    organization: str
    role: Role
    token_lifetime: timedelta
    pepper: bytes = field(repr=False, metadata=SECRET)
    password_hash: str | None = field(default=None, repr=False, metadata=SECRET)

    def execute(self, uow: UnitOfWork, context: Context) -> tuple[User, str]:
        user, token = add(
            uow, name=self.name, organization=self.organization, role=self.role,
            at=context.at, lifetime=self.token_lifetime, pepper=self.pepper,
        )  # fmt: skip
        if self.password_hash is not None:
            uow.passwords.set(user.id, self.password_hash, at=context.at)
        return user, token

    def target(self, result: tuple[User, str]) -> str:
        return result[0].name


@command("users.set_password", Permission.MANAGE_USERS)
class SetPassword(Command[User]):
    """A user's dashboard password, as its hash: the audit log records that it was set."""

    name: str
    password_hash: str = field(repr=False, metadata=SECRET)

    def execute(self, uow: UnitOfWork, context: Context) -> User:
        return set_password(uow, name=self.name, password_hash=self.password_hash, at=context.at)

    def target(self, result: User) -> str:
        return result.name


@command("users.revoke", Permission.MANAGE_USERS)
class Revoke(Command[tuple[User, int]]):
    """Revoke a user and all its tokens, effective on the next request of any server."""

    name: str

    def execute(self, uow: UnitOfWork, context: Context) -> tuple[User, int]:
        return revoke(uow, name=self.name, at=context.at)

    def target(self, result: tuple[User, int]) -> str:
        return result[0].name
