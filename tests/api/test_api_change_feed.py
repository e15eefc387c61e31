"""The change feed over HTTP: a client that follows it from the start, re-reading each object it
names, holds the same objects as a full read, for the coordinator, a contributor and the
supplier; it is never told of an object it may not read, nor of one twice for one write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from api_world import (
    ORGANIZATIONS,
    PEPPER,
    SEEDER,
    START,
    USERS,
    MovableClock,
    World,
    make_settings,
)
from fastapi.testclient import TestClient

from database_world import CHEAP_PASSWORDS
from purldesk.bootstrap import build
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import Participant, ParticipantCode, ParticipantStatus
from purldesk.services import catalog, participants, users

API = "/api/v1"
FOLLOWERS = ("coordinator", "contributor", "supplier")
Key = tuple[str, str]


@pytest.fixture
def world(database_url: str, apps: Any) -> Iterator[World]:
    """The API world, seeded by commands (so each write is in the audit log the feed reads);
    `apps` is tests/conftest.py's pool of FastAPI apps."""
    clock = MovableClock()
    wired = build(make_settings(database_url), clock=clock, passwords=CHEAP_PASSWORDS)
    app = apps.borrow(wired)
    client = TestClient(app, raise_server_exceptions=False)
    run = lambda command: wired.run(command, actor=SEEDER, request_id="seed", at=START)  # noqa: E731
    run(participants.AddMany(participants=tuple(
        Participant(ParticipantCode(code), name, kind, ParticipantStatus.JOINED)
        for code, name, kind in ORGANIZATIONS
    )))  # fmt: skip
    run(catalog.Import(items=(
        CatalogItem(ItemCode("AD-1"), "Air defence interceptor", "air_defence",
                    AidClass.DEFENSIVE, Money(1_000_000, USD), 1, 100, 90),
        CatalogItem(ItemCode("MED-1"), "Field hospital kit", "medical",
                    AidClass.HUMANITARIAN, Money(250_000, USD), 2, 50, 30),
    )))  # fmt: skip
    tokens = {}
    for column, (name, org, role) in USERS.items():
        _, tokens[column] = run(users.AddUser(
            name=name, organization=org, role=role, token_lifetime=timedelta(days=30),
            pepper=PEPPER.encode(),
        ))  # fmt: skip
    yield World(client, wired, clock, tokens)
    client.close()
    wired.close()
    apps.free.append(app)


class Follower:
    """A client that keeps a copy of every object the feed names, read from its `href`."""

    def __init__(self, world: World, who: str, *, limit: int) -> None:
        self.world, self.who, self.limit = world, who, limit
        self.copies: dict[Key, Any] = {}
        self.cursor = 0
        self.told: set[tuple[str, str, int]] = set()

    def catch_up(self) -> None:
        while True:
            page = self.world.get(self.who, f"{API}/changes", since=self.cursor, limit=self.limit)
            assert page["next"] >= self.cursor
            for change in page["items"]:
                told = (change["kind"], change["id"], change["version"])
                assert told not in self.told, told  # never told twice
                assert change["version"] > self.cursor
                self.told.add(told)
                response = self.world.client.get(
                    change["href"], headers=self.world.headers(self.who)
                )
                key = (change["kind"], change["id"])
                assert response.status_code == 200, (key, response.text)
                self.copies[key] = response.json()
            self.cursor = page["next"]
            if not page["more"]:
                return


# Each kind's list and the field that keys it, and where one object of it is read.
LISTS: dict[str, tuple[str, str, Callable[[dict[str, Any]], str]]] = {
    "participant": ("participants", "code", lambda o: f"participants/{o['code']}"),
    "item": ("catalog", "code", lambda o: f"catalog/{o['code']}"),
    "cycle": ("cycles", "id", lambda o: f"cycles/{o['id']}"),
    "contribution": ("contributions", "id", lambda o: f"contributions/{o['id']}"),
    "package": ("packages", "id", lambda o: f"packages/{o['id']}"),
    "shipment": ("deliveries", "id", lambda o: f"shipments/{o['id']}"),
}


def full_read(world: World, who: str) -> dict[Key, Any]:
    """Every object `who` may read, each from its own route."""
    found: dict[Key, Any] = {}

    def listed(path: str) -> list[Any]:
        response = world.client.get(
            f"{API}/{path}", headers=world.headers(who), params={"limit": 500}
        )
        return [] if response.status_code == 403 else list(response.json()["items"])

    for kind, (path, key, place) in LISTS.items():
        for item in listed(path):
            found[kind, str(item[key])] = world.get(who, f"{API}/{place(item)}")
    for cycle in listed("cycles"):
        for line in listed(f"cycles/{cycle['id']}/lines"):
            found["line", str(line["id"])] = world.get(
                who, f"{API}/cycles/{cycle['id']}/lines/{line['ref']}"
            )
    return found


def story(world: World, between: Callable[[], None]) -> None:
    """A cycle, money given openly, in confidence and anonymously, an allocation, a package
    delivered and closed, another restricted and shipped, a disclosure changed; `between` runs
    after each step."""
    post = world.post
    post("coordinator", f"{API}/cycles", {"name": "2025-10", "opens_on": "2025-10-01"})
    post("recipient", f"{API}/cycles/1/lines", {"lines": [
        {"ref": "L-1", "rank": 1, "item_code": "AD-1", "quantity": 2, "needed_by": "2026-01-31"},
        {"ref": "L-2", "rank": 2, "item_code": "MED-1", "quantity": 4, "needed_by": "2026-02-28"},
        {"ref": "L-3", "rank": 3, "item_code": "AD-1", "quantity": 1, "needed_by": "2026-02-28"},
    ]})  # fmt: skip
    between()
    post("recipient", f"{API}/cycles/1/submit")
    post("coordinator", f"{API}/cycles/1/endorse")
    for who, code, secret in (
        ("contributor", "NLD", {}),
        ("contributor_other", "DEU", {"confidential": True}),
        ("contributor", "NLD", {"anonymous": True}),
    ):
        post(who, f"{API}/contributions", {"contributor": code, "amount": "20000",
             "currency": "USD", "pledged_on": "2025-08-04", **secret})  # fmt: skip
    between()
    for ref in (1, 2, 3):
        post("coordinator", f"{API}/contributions/{ref}/receive", {"on": "2025-08-04"})
    post(
        "coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01", "target_minor": 2_000_000}
    )
    between()
    for package in world.get("coordinator", f"{API}/packages")["items"]:
        post("coordinator", f"{API}/packages/{package['id']}/propose")
        post("coordinator", f"{API}/packages/{package['id']}/validate")
        post("supplier", f"{API}/packages/{package['id']}/accept", {"on": "2025-10-01"})
    between()
    post("coordinator", f"{API}/packages/2/restriction", {"cleared": []})
    for package_id, line_id, units in ((1, 1, 2), (2, 2, 4)):
        shipped = post("supplier", f"{API}/packages/{package_id}/shipments", {
            "line_id": line_id, "quantity": units, "shipped_on": "2025-10-01"})  # fmt: skip
        post("recipient", f"{API}/shipments/{shipped['id']}/confirm", {})
    between()
    post("coordinator", f"{API}/packages/1/close", {"on": "2025-10-01"})
    post("contributor_other", f"{API}/contributions/2/disclosure",
         {"confidential": False, "anonymous": False})  # fmt: skip
    between()


def test_a_client_following_the_feed_holds_what_a_full_read_gives(world: World) -> None:
    followers = [Follower(world, who, limit=4) for who in FOLLOWERS]

    def catch_up() -> None:
        for follower in followers:
            follower.catch_up()

    story(world, catch_up)
    for follower in followers:
        assert follower.copies == full_read(world, follower.who), follower.who
    coordinator, contributor, supplier = followers
    kinds = {kind for kind, _ in coordinator.copies}
    assert kinds == {"participant", "item", "cycle", "line", "contribution", "package", "shipment"}
    assert not any(kind == "contribution" for kind, _ in supplier.copies)  # not its to read
    # The shipment of the restricted package is named to the coordinator only.
    assert len([k for k in coordinator.copies if k[0] == "shipment"]) == 2
    assert len([k for k in contributor.copies if k[0] == "shipment"]) == 1


def test_a_client_that_starts_late_needs_only_the_changes_after_its_cursor(world: World) -> None:
    story(world, lambda: None)
    page = world.get("coordinator", f"{API}/changes", limit=500)
    assert page["more"] is False
    versions = [c["version"] for c in page["items"]]
    assert versions == sorted(versions)
    assert len({(c["kind"], c["id"]) for c in page["items"]}) == len(page["items"])
    last = page["next"]
    assert world.get("coordinator", f"{API}/changes", since=last)["items"] == []
    world.post("contributor", f"{API}/contributions", {
        "contributor": "NLD", "amount": "5", "currency": "USD", "pledged_on": "2025-08-04"})  # fmt: skip
    later = world.get("coordinator", f"{API}/changes", since=last)
    assert [(c["kind"], c["id"], c["version"]) for c in later["items"]] == [
        ("contribution", "4", last + 1)]  # fmt: skip


def test_the_cursor_is_checked(world: World) -> None:
    for bad in ("-1", "x", str(2**31)):
        response = world.client.get(
            f"{API}/changes", params={"since": bad}, headers=world.headers("auditor")
        )
        assert response.status_code == 422
