"""The demo scenario's data (`data/`, sources in data/SOURCES.md), its dashboard users, and the
operator every demo write is recorded by; `history.py` records the data as PURL's history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import TypeVar

from purldesk.adapters.imports import csv_files
from purldesk.bootstrap import Application
from purldesk.domain.access import Role, operator
from purldesk.domain.errors import ImportRejected
from purldesk.services import users
from purldesk.services.handle import Command

RECORDED_AT = datetime(2025, 7, 15, 12, 0, tzinfo=UTC)  # the day after the launch
COORDINATOR = "NATO-NSATU"
T = TypeVar("T")


def data_text(name: str) -> str:
    return resources.files("purldesk.demo").joinpath("data", name).read_text(encoding="utf-8")


def rows(name: str, parse: Callable[[str], csv_files.Parsed[T]]) -> list[T]:
    parsed = parse(data_text(name))
    if parsed.errors:
        raise ImportRejected(name, parsed.errors)
    return parsed.rows


# The Republic of Korea's policy (Korea has made no PURL contribution), see data/SOURCES.md.
KOREA = "KOR"
KOREA_POLICY = "policies/KOR.toml"

# One dashboard user per role, with a password known to everyone: for the demo database only.
DEMO_PASSWORD = "demo-password"
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("recipient", "UKR", Role.RECIPIENT),
    ("coordinator", COORDINATOR, Role.COORDINATOR),
    ("contributor-nld", "NLD", Role.CONTRIBUTOR),
    ("contributor-kor", KOREA, Role.CONTRIBUTOR),
    ("supplier", "USA", Role.SUPPLIER),
    ("auditor", COORDINATOR, Role.AUDITOR),
)

R = TypeVar("R")
DEMO_OPERATOR = operator("demo")


def _run(app: Application, command: Command[R], *, at: datetime = RECORDED_AT) -> R:
    """Every write of the demo is a command of the operator's, audited, at the demo's time."""
    return app.run(command, actor=DEMO_OPERATOR, request_id="demo", at=at)


def demo_users(app: Application, *, at: datetime = RECORDED_AT) -> None:
    """One dashboard user per role with the demo password, unless they are there already."""
    existing = {u.name for u in users.list_all(app.uow())}
    hasher = app.passwords
    for name, organization, role in DEMO_USERS:
        if name not in existing:
            command = users.AddUser(
                name=name, organization=organization, role=role,
                token_lifetime=timedelta(days=app.settings.auth.token_lifetime_days),
                pepper=app.settings.auth.token_pepper.get_secret_value().encode(),
            )  # fmt: skip
            _run(app, command, at=at)
        if not users.has_password(app.uow(), hasher, name=name, password=DEMO_PASSWORD):
            password = users.SetPassword(name=name, password_hash=hasher.hash(DEMO_PASSWORD))
            _run(app, password, at=at)


def demo_logins(app: Application) -> list[tuple[str, Role]]:
    """The demo's users (name, role) if this database is the demo and they still have the
    demo password; otherwise none, so a real database never advertises logins."""
    found = {u.name: u for u in users.list_all(app.uow()) if u.is_active}
    if not all(name in found for name, _org, _role in DEMO_USERS):
        return []
    first = DEMO_USERS[0][0]
    if not users.has_password(app.uow(), app.passwords, name=first, password=DEMO_PASSWORD):
        return []
    return [(name, role) for name, _org, role in DEMO_USERS]
