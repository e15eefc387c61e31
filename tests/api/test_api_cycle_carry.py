"""Over HTTP: a cycle opened with `carry_from` starts with the previous cycle's unfunded lines,
and a carried line's history spans both cycles; a draft cycle is not carried (409)."""

from __future__ import annotations

from api_world import World, seed_list

API = "/api/v1"


def test_a_new_cycle_carries_the_endorsed_cycle_s_lines(world: World) -> None:
    seed_list(world)
    world.post("recipient", f"{API}/cycles/1/submit")
    world.post("coordinator", f"{API}/cycles/1/endorse")
    opened = world.post("coordinator", f"{API}/cycles", {
        "name": "2025-11", "opens_on": "2025-11-01", "carry_from": "2025-10",
    })  # fmt: skip
    assert opened["status"] == "draft"
    lines = world.get("auditor", f"{API}/cycles/{opened['id']}/lines")["items"]
    assert [(ln["ref"], ln["rank"], ln["status"]) for ln in lines] == [
        ("L-1", 1, "open"), ("L-2", 2, "open"),
    ]  # fmt: skip
    history = world.get("auditor", f"{API}/cycles/{opened['id']}/lines/L-1/history")
    assert len(history) == 2
    (record,) = history[1]["changes"]
    assert (record["field"], record["before"], record["after"]) == (
        "carried", "2025-10: quantity 2", "2025-11: quantity 2",
    )  # fmt: skip


def test_a_draft_cycle_is_not_carried(world: World) -> None:
    seed_list(world)
    body = {"name": "2025-11", "opens_on": "2025-11-01", "carry_from": "2025-10"}
    headers = world.headers("coordinator", **{"Idempotency-Key": world.key()})
    response = world.client.post(f"{API}/cycles", json=body, headers=headers)
    assert response.status_code == 409
    assert "only an endorsed or closed" in response.json()["detail"]
    assert world.get("auditor", f"{API}/cycles")["total"] == 1
