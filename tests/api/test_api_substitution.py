"""The substitution effect over HTTP, on the demo: what-if names the lines the Korean pledge's money
took over and where the other money went."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from api_world import PEPPER, SEEDER, START, MovableClock, make_settings
from fastapi.testclient import TestClient

from app_pool import Apps
from database_world import CHEAP_PASSWORDS
from purldesk.bootstrap import build
from purldesk.domain.access import Role
from purldesk.services import users

API = "/api/v1"


@pytest.fixture
def demo_url(ample_demo_url: str) -> str:
    """The demo with ample supply (`database_world.lift_capacity`): these tests are about money
    competing for lines, and with the suppliers' real capacities every line the demo's 2025-09
    leaves short waits for supply, not money."""
    return ample_demo_url


@pytest.fixture
def coordinator(demo_url: str, apps: Apps) -> Iterator[TestClient]:
    """A client of the API on the demo, sending the token of a coordinator added to it."""
    wired = build(make_settings(demo_url), clock=MovableClock(), passwords=CHEAP_PASSWORDS)
    command = users.AddUser(
        name="api@nsatu", organization="NATO-NSATU", role=Role.COORDINATOR,
        token_lifetime=timedelta(days=30), pepper=PEPPER.encode(),
    )  # fmt: skip
    _, token = wired.run(command, actor=SEEDER, request_id="seed", at=START)
    app = apps.borrow(wired)
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {token}"
    yield client
    client.close()
    wired.close()
    apps.free.append(app)


def test_what_if_answers_the_korean_pledges_substitution_effect(coordinator: TestClient) -> None:
    response = coordinator.get(
        f"{API}/whatif", params={"cycle": "2025-09", "on": "2025-12-05",
                                 "pledge": "KOR:100000000:USD"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    (found,) = response.json()["substitutions"]
    assert (found["contributor"], found["name"], found["standing"]) == (
        "KOR", "Republic of Korea", "restricted",
    )  # fmt: skip
    assert {"line": "UKR-2025-097", "amount_minor": 32_000_000} in found["took_over"]
    assert [line["line"] for line in found["went_to"]] == [
        "UKR-2025-094", "UKR-2025-095", "UKR-2025-096",
    ]  # fmt: skip
    moved = sum(line["amount_minor"] for line in (*found["took_over"], *found["left"]))
    placed = sum(line["amount_minor"] for line in found["went_to"])
    assert moved == placed + found["unallocated_minor"]
    assert found["sentence"].startswith("With this pledge, Republic of Korea's money took over")
