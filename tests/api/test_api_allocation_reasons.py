"""The allocation proposal and what-if carry each short line's reason, amounts as money: the
binding cause, and whose money may not pay it and why. A commit given the proposal's digest
writes that proposal, or is refused (409) and writes nothing."""

from __future__ import annotations

from typing import Any

from api_world import World, seed_list

API = "/api/v1"
# L-1: two air-defence lots of USD 10,000 (defensive); L-2: two medical lots of USD 5,000.


def endorsed(world: World) -> None:
    seed_list(world)
    world.post("recipient", f"{API}/cycles/1/submit")
    world.post("coordinator", f"{API}/cycles/1/endorse")


def received(world: World, who: str, body: dict[str, Any]) -> int:
    pledged = world.post(
        who, f"{API}/contributions", {"currency": "USD", "pledged_on": "2025-08-04", **body}
    )
    world.post("coordinator", f"{API}/contributions/{pledged['id']}/receive", {"on": "2025-08-04"})
    return int(pledged["id"])


def test_an_unfunded_line_is_short_by_an_amount_of_money(world: World) -> None:
    endorsed(world)
    received(world, "contributor", {"contributor": "NLD", "amount": "15000"})
    proposal = world.get("coordinator", f"{API}/cycles/1/allocation", on="2025-10-01")
    messages = [
        line["blocked_by"]["message"] for line in proposal["result"]["lines"] if line["blocked_by"]
    ]
    assert messages and all(
        "USD 10,000.00 short" in m or "USD 5,000.00 short" in m for m in messages
    )
    assert not any("minor units" in m for m in messages)
    assert [(r["line"], r["cause"], r["short"]) for r in proposal["reasons"]] == [
        ("L-1", "money_exhausted",
         {"amount_minor": 1_000_000, "amount": "10000.00", "currency": "USD"}),
        ("L-2", "money_exhausted",
         {"amount_minor": 500_000, "amount": "5000.00", "currency": "USD"}),
    ]  # fmt: skip


def test_money_earmarked_elsewhere_is_named_beside_the_line_it_may_not_pay(world: World) -> None:
    endorsed(world)
    received(world, "contributor", {
        "contributor": "NLD", "amount": "30000", "earmark": {"aid_classes": ["humanitarian"]},
    })  # fmt: skip
    proposal = world.get("coordinator", f"{API}/cycles/1/allocation", on="2025-10-01")
    [air] = proposal["reasons"]
    assert (air["line"], air["cause"], air["engine_reason"]) == (
        "L-1", "money_not_allowed", "no_eligible_money",
    )  # fmt: skip
    assert air["held_back"] == [{
        "contributor": "NLD", "name": "Netherlands",
        "left": {"amount_minor": 2_000_000, "amount": "20000.00", "currency": "USD"},
        "contributions": ["C-00001"], "rule": "earmark.aid_classes",
        "message": "the contribution is earmarked for humanitarian", "phase": None,
        "policy_version": None, "observations": [],
    }]  # fmt: skip
    assert air["message"].startswith(
        "USD 20,000.00 is left that may not pay defensive/air_defence lines: 0 of 2 lot(s) "
        "funded, USD 20,000.00 short. Netherlands (NLD), USD 20,000.00 left in C-00001"
    )
    asked = world.get("auditor", f"{API}/whatif", cycle="1", on="2025-10-01", pledge="DEU:5000:USD")
    [still] = asked["reasons"]  # USD 5,000 more is not one lot of L-1
    assert still["line"] == "L-1" and still["held_back"][0]["contributor"] == "NLD"


def test_a_commit_refuses_a_proposal_that_changed_since_its_preview(world: World) -> None:
    endorsed(world)
    received(world, "contributor", {"contributor": "NLD", "amount": "15000"})
    shown = world.get("coordinator", f"{API}/cycles/1/allocation", on="2025-10-01")
    received(world, "contributor_other", {"contributor": "DEU", "amount": "15000"})
    refused = world.client.post(
        f"{API}/cycles/1/allocation",
        json={"on": "2025-10-01", "expected_digest": shown["digest"]},
        headers=world.headers("coordinator", **{"Idempotency-Key": world.key()}),
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "ProposalChanged"
    assert refused.json()["detail"] == "the allocation changed since the preview; preview again"
    assert world.get("coordinator", f"{API}/packages")["total"] == 0
    again = world.get("coordinator", f"{API}/cycles/1/allocation", on="2025-10-01")
    committed = world.post(
        "coordinator", f"{API}/cycles/1/allocation",
        {"on": "2025-10-01", "expected_digest": again["digest"]},
    )  # fmt: skip
    assert committed["committed"] and committed["digest"] == again["digest"] != shown["digest"]
    assert world.get("coordinator", f"{API}/packages")["total"] == len(again["packages"])


def test_a_digest_that_is_not_one_is_refused(world: World) -> None:
    endorsed(world)
    refused = world.client.post(
        f"{API}/cycles/1/allocation", json={"expected_digest": "not a digest"},
        headers=world.headers("coordinator", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip
    assert refused.status_code == 422 and "expected_digest" in refused.text
