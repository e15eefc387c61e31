"""Over HTTP: an act dated after today, or before the fact it rests on, is refused (422 naming the
field) and writes nothing; the public totals do not count it."""

from __future__ import annotations

from typing import Any

from api_world import World, seed_list

API = "/api/v1"


def refused(world: World, who: str, path: str, body: Any) -> dict[str, Any]:
    headers = world.headers(who, **{"Idempotency-Key": world.key()})
    response = world.client.post(f"{API}{path}", json=body, headers=headers)
    assert response.status_code == 422, response.text
    document: dict[str, Any] = response.json()
    return document


def pledged(world: World) -> None:
    seed_list(world)
    world.post(
        "contributor",
        f"{API}/contributions",
        {"contributor": "NLD", "amount": "100000", "currency": "USD", "pledged_on": "2025-08-04"},
    )


def ledger_entries(world: World) -> int:
    return int(world.get("auditor", f"{API}/ledger/entries", limit=1)["total"])


def test_a_pledge_dated_in_2030_is_refused_and_writes_nothing(world: World) -> None:
    seed_list(world)
    body = {"contributor": "NLD", "amount": "100000", "currency": "USD", "pledged_on": "2030-01-01"}
    problem = refused(world, "contributor", "/contributions", body)
    assert problem["field"] == "pledged_on"
    assert problem["detail"] == "pledged_on: 2030-01-01 is after today (2025-10-01)"
    assert world.get("coordinator", f"{API}/contributions")["total"] == 0
    assert ledger_entries(world) == 0


def test_a_receipt_dated_in_2027_is_refused_and_not_counted(world: World) -> None:
    pledged(world)
    problem = refused(world, "coordinator", "/contributions/1/receive", {"on": "2027-01-04"})
    assert problem["field"] == "on" and "2027-01-04 is after today" in problem["detail"]
    assert world.get("coordinator", f"{API}/contributions/1")["status"] == "pledged"
    assert ledger_entries(world) == 1  # the pledge alone


def test_a_cancellation_dated_before_the_pledge_is_refused(world: World) -> None:
    pledged(world)
    problem = refused(world, "contributor", "/contributions/1/cancel", {"on": "2025-08-01"})
    assert problem["field"] == "on"
    assert problem["detail"] == "on: 2025-08-01 is before the pledge of C-00001 (2025-08-04)"
    assert world.get("coordinator", f"{API}/contributions/1")["status"] == "pledged"
    assert ledger_entries(world) == 1
