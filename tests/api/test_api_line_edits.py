"""The recipient edits and withdraws lines over HTTP: answers, refusals, keys, audit, history."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from api_world import World, seed_list

LINE = "/api/v1/cycles/1/lines/L-2"


def patch(world: World, who: str, body: Any, *, key: str | None = None) -> Any:
    headers = world.headers(who, **({"Idempotency-Key": key} if key else {}))
    return world.client.patch(LINE, json=body, headers=headers)


def withdraw(world: World, who: str, body: Any, *, key: str | None = None) -> Any:
    headers = world.headers(who, **{"Idempotency-Key": key or world.key()})
    return world.client.post(f"{LINE}/withdraw", json=body, headers=headers)


def audit_actions(world: World) -> list[str]:
    return [e["action"] for e in world.get("auditor", "/api/v1/audit")["items"]]


def test_the_recipient_edits_a_line_and_the_history_shows_each_change(world: World) -> None:
    seed_list(world)
    world.clock.at = world.clock.at.replace(hour=11)

    response = patch(world, "recipient", {"quantity": 6, "justification": "surgery"})

    assert response.status_code == 200, response.text
    line = response.json()
    assert (line["ref"], line["quantity"], line["justification"], line["rank"]) == (
        "L-2",
        6,
        "surgery",
        2,
    )
    history = world.get("contributor", f"{LINE}/history")
    assert [(h["rank"], h["by"]) for h in history] == [(2, "mod@ukr")]  # the old fields stay
    assert [(c["field"], c["before"], c["after"], c["by"]) for c in history[0]["changes"]] == [
        ("quantity", "4", "6", "mod@ukr"),
        ("justification", "", "surgery", "mod@ukr"),
    ]
    assert history[0]["changes"][0]["at"].startswith("2025-10-01T11:00:00")
    entry = world.get("auditor", "/api/v1/audit")["items"][-1]
    assert (entry["action"], entry["target"]) == ("lines.edit", "L-2")
    assert json.loads(entry["changes"])["command"]["quantity"] == 6


def test_a_move_after_an_edit_starts_a_new_period_of_the_history(world: World) -> None:
    seed_list(world)
    assert patch(world, "recipient", {"needed_by": "2026-05-01"}).status_code == 200
    world.clock.at = world.clock.at.replace(hour=12)
    world.post("recipient", f"{LINE}/move", {"rank": 1})
    world.clock.at = world.clock.at.replace(hour=13)
    assert patch(world, "recipient", {"needed_by": "2026-06-01"}).status_code == 200

    history = world.get("recipient", f"{LINE}/history")

    assert [(h["rank"], [c["after"] for c in h["changes"]]) for h in history] == [
        (2, ["2026-05-01"]),
        (1, ["2026-06-01"]),
    ]


def test_a_quantity_that_is_not_whole_lots_is_422_naming_it_and_stores_nothing(
    world: World,
) -> None:
    seed_list(world)
    response = patch(world, "recipient", {"quantity": 5, "justification": "surgery"})
    assert response.status_code == 422
    problem = response.json()
    assert (problem["error"], problem["field"]) == ("InvalidInput", "quantity")
    assert "lots of 2" in problem["detail"]
    assert world.get("recipient", LINE)["justification"] == ""
    assert world.get("recipient", f"{LINE}/history")[0]["changes"] == []
    assert "lines.edit" not in audit_actions(world)


def test_an_edit_that_changes_nothing_is_422_naming_the_field(world: World) -> None:
    seed_list(world)
    response = patch(world, "recipient", {"quantity": 4})
    assert response.status_code == 422
    assert response.json()["field"] == "quantity"
    empty = patch(world, "recipient", {})
    assert (empty.status_code, empty.json()["field"]) == (422, "line")


def test_a_retry_with_the_same_key_replays_the_edit_instead_of_refusing_it(
    world: World,
) -> None:
    seed_list(world)
    first = patch(world, "recipient", {"quantity": 8}, key="edit-1")
    again = patch(world, "recipient", {"quantity": 8}, key="edit-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(world.get("recipient", f"{LINE}/history")[0]["changes"]) == 1
    assert patch(world, "recipient", {"quantity": 8}).status_code == 422  # no key: no change


def test_withdrawing_closes_up_the_list_and_the_reason_is_in_the_history(
    world: World,
) -> None:
    seed_list(world)
    response = world.client.post(
        "/api/v1/cycles/1/lines/L-1/withdraw",
        json={"reason": "delivered bilaterally"},
        headers=world.headers("recipient", **{"Idempotency-Key": "w-1"}),
    )
    assert response.status_code == 200, response.text
    assert [(ln["ref"], ln["rank"], ln["status"]) for ln in response.json()] == [
        ("L-1", 1, "withdrawn"),
        ("L-2", 1, "open"),
    ]
    lines = world.get("auditor", "/api/v1/cycles/1/lines", status="open")["items"]
    assert [(ln["ref"], ln["rank"]) for ln in lines] == [("L-2", 1)]
    history = world.get("supplier", "/api/v1/cycles/1/lines/L-1/history")
    assert [(c["field"], c["before"], c["after"]) for c in history[-1]["changes"]] == [
        ("status", "open", "withdrawn"),
        ("reason", "", "delivered bilaterally"),
    ]
    assert [h["rank"] for h in world.get("supplier", f"{LINE}/history")] == [2, 1]
    assert audit_actions(world)[-1] == "lines.withdraw"


def test_a_withdrawal_needs_a_key_and_a_reason(world: World) -> None:
    seed_list(world)
    keyless = world.client.post(
        f"{LINE}/withdraw", json={"reason": "x"}, headers=world.headers("recipient")
    )
    assert (keyless.status_code, keyless.json()["field"]) == (422, "Idempotency-Key")
    for body, field in (({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "  "}, "reason")):
        refused = withdraw(world, "recipient", body)
        assert (refused.status_code, refused.json()["field"]) == (422, field), refused.text
    assert world.get("recipient", LINE)["status"] == "open"


def test_only_the_recipient_edits_or_withdraws(world: World) -> None:
    seed_list(world)
    for who in ("coordinator", "contributor", "supplier", "auditor"):
        assert patch(world, who, {"quantity": 6}).status_code == 403
        assert withdraw(world, who, {"reason": "x"}).status_code == 403
    assert world.get("recipient", LINE)["quantity"] == 4


def test_an_endorsed_list_is_not_edited(world: World) -> None:
    seed_list(world)
    world.post("recipient", "/api/v1/cycles/1/submit")
    response = patch(world, "recipient", {"quantity": 6})
    assert (response.status_code, response.json()["error"]) == (409, "Conflict")
    assert withdraw(world, "recipient", {"reason": "x"}).status_code == 409


def test_a_line_on_a_package_keeps_its_quantity_and_its_place(world: World) -> None:
    seed_list(world)
    pledge = {"contributor": "NLD", "amount": "1000000", "currency": "EUR",
              "pledged_on": "2025-08-04"}  # fmt: skip
    world.post("contributor", "/api/v1/contributions", pledge)
    world.post("coordinator", "/api/v1/contributions/1/receive", {"on": "2025-08-04"})
    world.post("coordinator", "/api/v1/packages", {
        "cycle_id": 1, "name": "P1", "lines": [{"line_id": 2, "lots": 1}],
        "attributions": [{"contribution_id": 1, "line_id": 2, "amount_minor": 500_000}],
        "on": "2025-10-01"})  # fmt: skip

    edited = patch(world, "recipient", {"quantity": 6})
    withdrawn = withdraw(world, "recipient", {"reason": "x"})

    for response in (edited, withdrawn):
        assert response.status_code == 409
        assert "package P-0001 (draft)" in response.json()["detail"]
    assert patch(world, "recipient", {"justification": "still needed"}).status_code == 200
    world.clock.at += timedelta(days=1)  # the next day: no act is dated after today
    world.post("coordinator", "/api/v1/packages/1/cancel", {"on": "2025-10-02"})
    assert patch(world, "recipient", {"quantity": 6}).status_code == 200


def test_the_list_as_it_stood_on_a_past_day(world: World) -> None:
    seed_list(world)
    first_day = world.clock.at.date()
    world.clock.at += timedelta(days=1)
    moved = world.post("recipient", "/api/v1/cycles/1/lines/L-2/move", {"rank": 1})
    assert [line["ref"] for line in moved] == ["L-2", "L-1"]
    world.clock.at += timedelta(days=1)
    withdraw(world, "recipient", {"reason": "met bilaterally"})

    def stood(on: date) -> list[tuple[str, int]]:
        page = world.get("supplier", "/api/v1/cycles/1/as-it-stood", on=on.isoformat())
        assert all("status" not in line for line in page["items"])
        return [(line["ref"], line["rank"]) for line in page["items"]]

    assert stood(first_day - timedelta(days=1)) == []
    assert stood(first_day) == [("L-1", 1), ("L-2", 2)]
    assert stood(first_day + timedelta(days=1)) == [("L-2", 1), ("L-1", 2)]
    assert stood(first_day + timedelta(days=2)) == [("L-1", 1)]
    bad = world.client.get(
        "/api/v1/cycles/1/as-it-stood", params={"on": "1 October"},
        headers=world.headers("supplier"),
    )  # fmt: skip
    assert bad.status_code == 422
    assert "on" in bad.json()["field"]
