"""A pledge's earmark over HTTP: kept when the catalog and the packages can honour it, refused
naming its field (422) when they never could; money earmarked to a package pays that package
and no other."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_world import USERS, World, seed_list

API = "/api/v1"

PLEDGE = {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"}


def pledge(world: World, earmark: dict[str, Any]) -> Any:
    return world.client.post(
        "/api/v1/contributions", json={**PLEDGE, "earmark": earmark},
        headers=world.headers("contributor", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip


def test_a_pledge_earmarked_to_catalog_areas_and_classes_keeps_its_earmark(world: World) -> None:
    earmark = {"aid_classes": ["humanitarian"], "areas": ["medical"], "expires_on": "2026-08-04"}
    response = pledge(world, earmark)
    assert response.status_code == 201, response.text
    assert response.json()["earmark"] == {
        "package_id": None, "areas": ["medical"], "aid_classes": ["humanitarian"],
        "expires_on": "2026-08-04",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("earmark", "field"),
    [
        ({"areas": ["tanks"]}, "earmark.areas"),
        ({"aid_classes": ["tanks"]}, "earmark.aid_classes"),
        ({"package": "P-0001"}, "earmark.package"),
        ({"expires_on": "2025-08-03"}, "earmark.expires_on"),
    ],
)
def test_an_earmark_that_could_never_be_honoured_is_refused_naming_the_field(
    world: World, earmark: dict[str, Any], field: str
) -> None:
    response = pledge(world, earmark)
    assert response.status_code == 422
    assert (response.json()["error"], response.json()["field"]) == ("InvalidInput", field)
    assert world.get("coordinator", "/api/v1/contributions")["total"] == 0


def received(world: World, who: str, amount: str, earmark: dict[str, Any] | None = None) -> str:
    """A USD pledge of `who`'s organization, received: its ref."""
    body = {
        "contributor": USERS[who][1], "amount": amount, "currency": "USD",
        "pledged_on": "2025-10-01", **({} if earmark is None else {"earmark": earmark}),
    }  # fmt: skip
    made = world.post(who, f"{API}/contributions", body)
    world.post("coordinator", f"{API}/contributions/{made['id']}/receive", {"on": "2025-10-01"})
    return str(made["ref"])


def test_money_earmarked_to_p_0001_pays_p_0001_only(world: World) -> None:
    seed_list(world)  # L-1: 2 lots of USD 10,000; L-2: 2 lots of USD 5,000
    world.post("recipient", f"{API}/cycles/1/submit")
    world.post("coordinator", f"{API}/cycles/1/endorse")
    received(world, "contributor", "10000")
    world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"})  # P-0001: L-1
    earmarked = received(world, "contributor", "20000", {"package": "P-0001"})
    assert world.get("auditor", f"{API}/contributions/2")["earmark"]["package_id"] == 1

    # Not another package, even drafted by hand.
    other = {
        "cycle_id": 1, "name": "by hand", "lines": [{"line_id": 2, "lots": 1}],
        "attributions": [{"contribution_id": 2, "line_id": 2, "amount_minor": 500_000}],
    }  # fmt: skip
    response = world.client.post(
        f"{API}/packages", json=other,
        headers=world.headers("coordinator", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip
    assert response.status_code == 422
    assert f"{earmarked} is earmarked for P-0001; it pays no other package" in response.text

    # P-0001 itself, once re-priced: its top-up takes the earmarked money.
    world.post("coordinator", f"{API}/packages/1/propose")
    world.post("coordinator", f"{API}/packages/1/validate")
    world.clock.at += timedelta(days=1)
    world.post("supplier", f"{API}/packages/1/accept", {
        "on": "2025-10-02", "prices": [{"line_id": 1, "lot_price_minor": 1_100_000}]})  # fmt: skip
    topped = world.post("coordinator", f"{API}/packages/1/top-up", {"on": "2025-10-02"})
    assert topped["status"] == "funded"
    assert {"contribution_id": 2, "line_id": 1, "amount_minor": 100_000} in [
        {k: a[k] for k in ("contribution_id", "line_id", "amount_minor")}
        for a in topped["attributions"]
    ]

    # And the allocator leaves it out, while it weighs money that is not earmarked.
    free = received(world, "contributor_other", "5000")
    proposal = world.get("coordinator", f"{API}/cycles/1/allocation", on="2025-10-02")
    payers = {a["contribution"] for p in proposal["packages"] for a in p["attributions"]}
    assert payers == {free}
