"""The API test world: one user per role on a migrated database, and an HTTP client."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr

from purldesk.bootstrap import Application
from purldesk.config import AuthSettings, Settings
from purldesk.domain.access import Role, operator
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services import catalog, participants, users

PEPPER = "test-pepper-of-at-least-thirty-two-characters"
SEEDER = operator("test-seed")  # who sets the worlds up: the operator, as `purldesk users add`
START = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)

# Who acts, by matrix column: (user name, organization, role).
USERS: dict[str, tuple[str, str, Role]] = {
    "recipient": ("mod@ukr", "UKR", Role.RECIPIENT),
    "coordinator": ("nsatu@nato", "NATO-NSATU", Role.COORDINATOR),
    "contributor": ("mof@nld", "NLD", Role.CONTRIBUTOR),
    "contributor_other": ("mod@deu", "DEU", Role.CONTRIBUTOR),
    "supplier": ("dsca@usa", "USA", Role.SUPPLIER),
    "auditor": ("board@audit", "AUDIT-1", Role.AUDITOR),
}

ORGANIZATIONS = [
    ("UKR", "Ukraine", ParticipantKind.RECIPIENT),
    ("NATO-NSATU", "NSATU", ParticipantKind.COORDINATOR),
    ("NLD", "Netherlands", ParticipantKind.ALLY),
    ("DEU", "Germany", ParticipantKind.ALLY),
    ("USA", "United States", ParticipantKind.SUPPLIER),
    ("AUDIT-1", "Oversight board", ParticipantKind.COORDINATOR),
]


@dataclass
class MovableClock:
    at: datetime = START

    def now(self) -> datetime:
        return self.at


@dataclass
class World:
    client: TestClient
    wired: Application
    clock: MovableClock
    tokens: dict[str, str] = field(default_factory=dict)
    keys: int = 0

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def key(self) -> str:
        self.keys += 1
        return f"key-{self.keys}"

    def get(self, who: str, path: str, **params: Any) -> Any:
        response = self.client.get(path, headers=self.headers(who), params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, who: str, path: str, body: Any = None, *, key: str | None = None) -> Any:
        response = self.client.post(
            path, json=body, headers=self.headers(who, **{"Idempotency-Key": key or self.key()})
        )
        assert response.status_code in (200, 201), response.text
        return response.json()


def make_settings(database_url: str, *, max_failures: int = 10_000) -> Settings:
    return Settings(
        database_url=database_url,
        auth=AuthSettings(token_pepper=SecretStr(PEPPER), max_failures=max_failures),
    )


def seed_users(wired: Application, *, at: datetime = START) -> dict[str, str]:
    """The organizations, a catalog item, and one user (and token) per matrix column."""
    participants.add_many(
        wired.uow(),
        participants=[
            Participant(ParticipantCode(code), name, kind, ParticipantStatus.JOINED)
            for code, name, kind in ORGANIZATIONS
        ],
    )
    catalog.import_items(
        wired.uow(),
        items=[
            CatalogItem(ItemCode("AD-1"), "Air defence interceptor", "air_defence",
                        AidClass.DEFENSIVE, Money(1_000_000, USD), 1, 100, 90),
            CatalogItem(ItemCode("MED-1"), "Field hospital kit", "medical",
                        AidClass.HUMANITARIAN, Money(250_000, USD), 2, 50, 30),
        ],
    )  # fmt: skip
    tokens = {}
    for column, (name, org, role) in USERS.items():
        command = users.AddUser(
            name=name,
            organization=org,
            role=role,
            token_lifetime=timedelta(days=30),
            pepper=PEPPER.encode(),
        )
        _, tokens[column] = wired.run(command, actor=SEEDER, request_id="seed", at=at)
    return tokens


def seed_list(world: World) -> None:
    """A draft cycle with two lines, through the API."""
    cycle = world.post(
        "coordinator", "/api/v1/cycles", {"name": "2025-10", "opens_on": "2025-10-01"}
    )
    world.post("recipient", f"/api/v1/cycles/{cycle['id']}/lines", {"lines": [
        {"ref": "L-1", "rank": 1, "item_code": "AD-1", "quantity": 2, "needed_by": "2026-01-31",
         "justification": "cities"},
        {"ref": "L-2", "rank": 2, "item_code": "MED-1", "quantity": 4, "needed_by": "2026-02-28"},
    ]})  # fmt: skip


DAY = date(2025, 8, 4)
