"""Over HTTP: a package from draft to closed (re-priced at acceptance, topped up), deliveries,
allocation proposals, policies, indicators and what-if; errors as problem documents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api_world import World, seed_list

API = "/api/v1"
POLICY = """valid_from = 2025-01-01
[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal", "defensive"]
"""


def problem(world: World, who: str, method: str, path: str, body: Any = None) -> Any:
    headers = world.headers(who, **{"Idempotency-Key": world.key()})
    response = world.client.request(method, f"{API}{path}", json=body, headers=headers)
    assert response.status_code >= 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.status_code, response.json()


def endorsed_with_money(world: World) -> None:
    """An endorsed cycle (L-1: 2 lots of USD 10,000; L-2: 2 lots of USD 5,000) and NLD's
    USD 100,000 received."""
    seed_list(world)
    world.post("recipient", f"{API}/cycles/1/submit")
    world.post("coordinator", f"{API}/cycles/1/endorse")
    world.post(
        "contributor",
        f"{API}/contributions",
        {"contributor": "NLD", "amount": "100000", "currency": "USD", "pledged_on": "2025-08-04"},
    )
    world.post("coordinator", f"{API}/contributions/1/receive", {"on": "2025-08-04"})  # fmt: skip


def balance(world: World, prefix: str) -> int:
    rows = world.get("auditor", f"{API}/ledger/balances", limit=500)["items"]
    return sum(r["balance_minor"] for r in rows if r["account"].startswith(prefix))


def test_a_package_is_allocated_repriced_topped_up_delivered_and_closed(world: World) -> None:
    endorsed_with_money(world)
    proposal = world.get("auditor", f"{API}/cycles/1/allocation", on="2025-10-01")
    assert proposal["format"] == "purldesk.allocation-proposal/1"
    assert proposal["committed"] is False and proposal["packages"][0]["ref"] is None
    assert world.get("coordinator", f"{API}/packages")["total"] == 0  # nothing written

    key = world.key()
    made = world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"}, key=key)
    again = world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"}, key=key)
    assert made == again and made["committed"] is True
    assert world.get("coordinator", f"{API}/packages")["total"] == 1
    package = made["packages"][0]
    assert package["ref"] == "P-0001" and package["cost_minor"] == 3_000_000

    assert world.post("coordinator", f"{API}/packages/1/propose")["status"] == "proposed"
    assert world.post("coordinator", f"{API}/packages/1/validate")["status"] == "funded"
    status, body = problem(world, "coordinator", "POST", "/packages/1/close", {})
    assert status == 409 and "funded to closed" in body["detail"]

    # L-1 dearer (deficit), L-2 cheaper (surplus): back to validated, surplus released.
    world.clock.at += timedelta(days=1)  # the next day: no act is dated after today
    repriced = world.post("supplier", f"{API}/packages/1/accept", {"on": "2025-10-02", "prices": [
        {"line_id": 1, "lot_price_minor": 1_100_000},
        {"line_id": 2, "lot_price_minor": 400_000}]})  # fmt: skip
    assert repriced["status"] == "validated" and repriced["cost_minor"] == 3_000_000
    assert sum(a["amount_minor"] for a in repriced["attributions"]) == 2_800_000
    assert balance(world, "pool:C-00001") == 10_000_000 - 2_800_000
    status, body = problem(world, "supplier", "POST", "/packages/1/accept", {})
    assert status == 409 and "validated to accepted" in body["detail"]

    topped = world.post("coordinator", f"{API}/packages/1/top-up", {"on": "2025-10-02"})
    assert topped["status"] == "funded"
    assert sum(a["amount_minor"] for a in topped["attributions"]) == 3_000_000
    world.clock.at += timedelta(days=1)  # the next day: no act is dated after today
    accepted = world.post("supplier", f"{API}/packages/1/accept", {"on": "2025-10-03"})
    assert accepted["status"] == "accepted"
    assert balance(world, "payable:P-0001:") == 3_000_000
    assert balance(world, "obligated:P-0001:") == 0

    status, body = problem(world, "supplier", "POST", "/packages/1/shipments",
                           {"line_id": 1, "quantity": 3, "shipped_on": "2025-10-03"})  # fmt: skip
    assert status == 422 and body["field"] == "quantity"
    status, body = problem(world, "supplier", "POST", "/packages/1/shipments",
                           {"line_id": 99, "quantity": 1})  # fmt: skip
    assert status == 422 and body["field"] == "line"
    first = world.post("supplier", f"{API}/packages/1/shipments",
                       {"line_id": 1, "quantity": 2, "shipped_on": "2025-10-03"})  # fmt: skip
    second = world.post("supplier", f"{API}/packages/1/shipments",
                        {"line_id": 2, "quantity": 4, "shipped_on": "2025-10-03"})  # fmt: skip
    assert world.get("recipient", f"{API}/packages/1")["status"] == "delivering"
    listed = world.get("contributor", f"{API}/deliveries", package_id=1)
    assert [s["id"] for s in listed["items"]] == [first["id"], second["id"]]
    assert world.get("contributor", f"{API}/deliveries", received="true")["total"] == 0

    world.post("recipient", f"{API}/shipments/{first['id']}/confirm", {"received_on": "2025-10-03"})
    assert world.get("recipient", f"{API}/packages/1")["status"] == "delivering"
    world.post("recipient", f"{API}/shipments/{second['id']}/confirm", {})
    status, body = problem(world, "recipient", "POST", f"/shipments/{second['id']}/confirm", {})
    assert status == 409
    assert world.get("recipient", f"{API}/packages/1")["status"] == "delivered"
    lines = world.get("recipient", f"{API}/cycles/1/lines")["items"]
    assert {ln["ref"]: ln["status"] for ln in lines} == {"L-1": "delivered", "L-2": "delivered"}

    world.clock.at += timedelta(days=2)
    closed = world.post("coordinator", f"{API}/packages/1/close", {"on": "2025-10-05"})
    assert closed["status"] == "closed"
    assert balance(world, "disbursed:P-0001:") == 3_000_000
    assert balance(world, "payable:") == 0
    assert world.get("auditor", f"{API}/ledger/verify")["ok"] is True
    actions = [e["action"] for e in world.get("auditor", f"{API}/audit", limit=500)["items"]]
    for action in ("packages.accept", "packages.top_up", "deliveries.ship",
                   "deliveries.confirm", "packages.close", "allocations.commit"):  # fmt: skip
        assert action in actions


def test_bad_input_names_the_field(world: World) -> None:
    endorsed_with_money(world)
    world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"})
    status, body = problem(world, "supplier", "POST", "/packages/1/accept", {"prices": [
        {"line_id": 1, "lot_price_minor": 0}]})  # fmt: skip
    assert status == 422 and "prices" in str(body["field"])
    status, body = problem(world, "supplier", "POST", "/packages/1/accept",
                           {"prices": [{"line_id": 7, "lot_price_minor": 5}]})  # fmt: skip
    assert status == 409 and "draft to accepted" in body["detail"]  # the state is checked first
    status, body = problem(
        world,
        "coordinator",
        "POST",
        "/indicators",
        {"name": "Bad Name", "value": "1", "observed_on": "2025-09-01", "source": "x"},
    )
    assert status == 422 and "name" in str(body["field"])
    status, body = problem(world, "coordinator", "GET", "/whatif?cycle=1&price=AD-1:20")
    assert status == 422 and body["field"] == "price"  # the query parameter, not the CLI option


def test_policies_indicators_and_whatif(world: World) -> None:
    endorsed_with_money(world)
    observed = world.post(
        "coordinator",
        f"{API}/indicators",
        {"name": "troops", "value": "12,000", "observed_on": "2025-09-01", "source": "report"},
    )
    assert observed["value"] == "12000" and observed["superseded_by"] is None
    assert world.get("contributor", f"{API}/indicators", name="troops")["total"] == 1

    assert world.get("recipient", f"{API}/policies/NLD")["policy"] is None
    headers = world.headers("contributor", **{"Content-Type": "application/toml"})
    response = world.client.put(f"{API}/policies/NLD", content=POLICY, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 1
    same = world.client.put(f"{API}/policies/NLD", json={"document": POLICY},
                            headers=world.headers("contributor"))  # fmt: skip
    assert same.status_code == 200 and same.json()["version"] == 1
    shown = world.get("recipient", f"{API}/policies/NLD", on="2025-10-01")
    assert shown["in_force"]["phase"] == "baseline" and shown["in_force"]["explanation"]

    wrong = world.client.put(f"{API}/policies/NLD", content="valid_from = nope",
                             headers=headers)  # fmt: skip
    assert wrong.status_code == 422
    other = world.client.put(f"{API}/policies/NLD", content=POLICY,
                             headers=world.headers("contributor_other",
                                                   **{"Content-Type": "application/toml"}))  # fmt: skip
    assert other.status_code == 404

    result = world.get("coordinator", f"{API}/whatif", cycle="2025-10", on="2025-10-01",
                       price=["AD-1:+50%"])  # fmt: skip
    assert result["cycle"] == "2025-10" and result["scenario"]["prices"][0]["item"] == "AD-1"
    assert world.get("coordinator", f"{API}/packages")["total"] == 0  # nothing stored
