"""Writes over HTTP: lifecycles, idempotency keys, problem documents and the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from api_world import World, seed_list

pytestmark = pytest.mark.both_databases

PLEDGE = {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"}


def ledger_entry_count(world: World) -> int:
    return int(world.get("auditor", "/api/v1/ledger/entries", limit=1)["total"])


def test_a_pledge_received_is_converted_at_the_ecb_rate_and_pooled(world: World) -> None:
    pledged = world.post("contributor", "/api/v1/contributions", PLEDGE)
    assert (pledged["ref"], pledged["status"], pledged["amount_minor"]) == (
        "C-00001",
        "pledged",
        100_000_000,
    )

    received = world.post("contributor", "/api/v1/contributions/1/receive", {"on": "2025-08-04"})

    assert received["status"] == "received"
    assert (received["fx_rate"], received["usd_minor"]) == ("1.1565", 115_650_000)
    balances = world.get("coordinator", "/api/v1/ledger/balances", account="pool:C-00001")
    assert balances["items"] == [
        {"account": "pool:C-00001", "currency": "USD", "balance_minor": 115_650_000}
    ]
    assert world.get("auditor", "/api/v1/ledger/verify") == {
        "entries": 2,
        "ok": True,
        "findings": [],
    }


def test_a_repeat_with_the_same_key_and_body_replays_the_first_response_and_posts_nothing(
    world: World,
) -> None:
    first = world.client.post(
        "/api/v1/contributions",
        json=PLEDGE,
        headers=world.headers("contributor", **{"Idempotency-Key": "k1"}),
    )
    entries = ledger_entry_count(world)

    again = world.client.post(
        "/api/v1/contributions",
        json=PLEDGE,
        headers=world.headers("contributor", **{"Idempotency-Key": "k1"}),
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert ledger_entry_count(world) == entries
    assert world.get("coordinator", "/api/v1/contributions")["total"] == 1


def test_the_same_key_with_another_body_is_refused_and_posts_nothing(world: World) -> None:
    world.post("contributor", "/api/v1/contributions", PLEDGE, key="k1")
    entries = ledger_entry_count(world)

    other = world.client.post(
        "/api/v1/contributions",
        json={**PLEDGE, "amount": "2000000"},
        headers=world.headers("contributor", **{"Idempotency-Key": "k1"}),
    )

    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["error"] == "IdempotencyKeyReused"
    assert ledger_entry_count(world) == entries


def test_a_post_without_an_idempotency_key_is_refused_naming_the_header(world: World) -> None:
    response = world.client.post(
        "/api/v1/contributions", json=PLEDGE, headers=world.headers("contributor")
    )

    assert response.status_code == 422
    problem = response.json()
    assert (problem["error"], problem["field"]) == ("InvalidInput", "Idempotency-Key")
    assert world.get("coordinator", "/api/v1/contributions")["total"] == 0


def test_business_errors_are_problem_documents_with_the_field_and_no_trace(world: World) -> None:
    response = world.client.post(
        "/api/v1/contributions", json={**PLEDGE, "amount": "10.001"},
        headers=world.headers("contributor", **{"Idempotency-Key": "k"}),
    )  # fmt: skip

    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "amount"
    assert problem["status"] == 422 and problem["instance"] == "/api/v1/contributions"
    assert "Traceback" not in response.text
    assert problem["request_id"] == response.headers["X-Request-ID"]


def test_a_failed_write_stores_no_key_so_a_retry_runs_again(world: World) -> None:
    world.post("contributor", "/api/v1/contributions", PLEDGE)
    world.post("contributor", "/api/v1/contributions/1/commit", key="c1")
    refused = world.client.post(
        "/api/v1/contributions/1/commit",
        headers=world.headers("contributor", **{"Idempotency-Key": "c2"}),
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "IllegalTransition"
    assert (
        world.client.post(
            "/api/v1/contributions/1/commit",
            headers=world.headers("contributor", **{"Idempotency-Key": "c1"}),
        ).status_code
        == 200
    )


def test_every_write_is_in_the_audit_log_with_actor_request_and_change(world: World) -> None:
    seed_list(world)
    world.client.post(
        "/api/v1/contributions",
        json=PLEDGE,
        headers=world.headers("contributor", **{"Idempotency-Key": "k", "X-Request-ID": "req-42"}),
    )

    log = world.get("auditor", "/api/v1/audit")["items"]

    assert [e["action"] for e in log][-3:] == [
        "cycles.open",
        "lines.import",
        "contributions.pledge",
    ]
    last = log[-1]
    assert (last["user_name"], last["organization"], last["role"], last["request_id"]) == (
        "mof@nld",
        "NLD",
        "contributor",
        "req-42",
    )
    changes = json.loads(last["changes"])
    assert changes["command"]["amount"] == {"minor": 100_000_000, "currency": "EUR"}
    assert changes["result"]["ref"] == "C-00001"
    assert world.get("auditor", "/api/v1/audit/verify")["ok"] is True
    assert [e["prev_hash"] for e in log[1:]] == [e["hash"] for e in log[:-1]]


def test_lines_are_moved_by_the_recipient_and_every_rank_is_kept(world: World) -> None:
    seed_list(world)
    moved = world.post("recipient", "/api/v1/cycles/1/lines/L-2/move", {"rank": 1})

    assert sorted((ln["ref"], ln["rank"]) for ln in moved) == [("L-1", 2), ("L-2", 1)]
    history = world.get("supplier", "/api/v1/cycles/1/lines/L-1/history")
    assert [h["rank"] for h in history] == [1, 2]
    assert [h["by"] for h in history] == ["mod@ukr", "mod@ukr"]


def test_a_package_allocates_pooled_money_and_cancelling_returns_it(world: World) -> None:
    seed_list(world)
    world.post("contributor", "/api/v1/contributions", PLEDGE)
    world.post("coordinator", "/api/v1/contributions/1/receive", {"on": "2025-08-04"})
    package = world.post("coordinator", "/api/v1/packages", {
        "cycle_id": 1, "name": "P1", "lines": [{"line_id": 1, "lots": 2}],
        "attributions": [{"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000}],
        "on": "2025-10-01"})  # fmt: skip
    assert (package["ref"], package["cost_minor"]) == ("P-0001", 2_000_000)
    pool = world.get("coordinator", "/api/v1/ledger/balances", account="pool:C-00001")["items"]
    assert pool[0]["balance_minor"] == 115_650_000 - 2_000_000

    world.clock.at += timedelta(days=1)  # the next day: no act is dated after today
    world.post("coordinator", "/api/v1/packages/1/cancel", {"on": "2025-10-02"})

    pool = world.get("coordinator", "/api/v1/ledger/balances", account="pool:C-00001")["items"]
    assert pool[0]["balance_minor"] == 115_650_000
    assert world.get("auditor", "/api/v1/ledger/verify")["ok"] is True


def test_a_package_paid_by_an_unknown_contribution_is_not_found_not_a_server_error(
    world: World,
) -> None:
    seed_list(world)
    response = world.client.post("/api/v1/packages", json={
        "cycle_id": 1, "name": "P1", "lines": [{"line_id": 1, "lots": 1}],
        "attributions": [{"contribution_id": 99, "line_id": 1, "amount_minor": 1_000_000}]},
        headers=world.headers("coordinator", **{"Idempotency-Key": "k"}))  # fmt: skip
    assert response.status_code == 404
    assert response.json()["detail"] == "contribution 99 not found"
