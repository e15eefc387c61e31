"""The allocation proposal words each reason's amounts as money, never as minor units."""

from __future__ import annotations

from api_world import World, seed_list

API = "/api/v1"


def test_an_unfunded_line_is_short_by_an_amount_of_money(world: World) -> None:
    seed_list(world)
    world.post("recipient", f"{API}/cycles/1/submit")
    world.post("coordinator", f"{API}/cycles/1/endorse")
    world.post(
        "contributor",
        f"{API}/contributions",
        {"contributor": "NLD", "amount": "15000", "currency": "USD", "pledged_on": "2025-08-04"},
    )
    world.post("coordinator", f"{API}/contributions/1/receive", {"on": "2025-08-04"})
    proposal = world.get("coordinator", f"{API}/cycles/1/allocation", on="2025-10-01")
    messages = [
        line["blocked_by"]["message"] for line in proposal["result"]["lines"] if line["blocked_by"]
    ]
    assert messages and all(
        "USD 10,000.00 short" in m or "USD 5,000.00 short" in m for m in messages
    )
    assert not any("minor units" in m for m in messages)
