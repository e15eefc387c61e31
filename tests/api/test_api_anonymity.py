"""Nobody but the giver, the coordinator and the auditor learns who gave anonymously: every
response the recipient, the supplier and a third contributor can get is the same whoever the
giver is. Shown by building the same world twice, with the anonymous money given by Germany in
one and by France in the other, and diffing everything each of them can ask."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from api_world import PEPPER, SEEDER, START, World, seed_list

from purldesk.domain.access import Role
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services import participants, users

GIVERS = {"DEU": "contributor_other", "FRA": "contributor_fra"}
NAMES = {"DEU": "Germany", "FRA": "France"}
OUTSIDERS = ("recipient", "supplier", "contributor")  # the contributor is NLD, a third party
INSIDERS = ("coordinator", "auditor")


def add_france(world: World) -> None:
    """France joins, with a contributor user of its own, in every world alike."""
    participants.add_many(
        world.wired.uow(),
        participants=[
            Participant(
                ParticipantCode("FRA"), "France", ParticipantKind.ALLY, ParticipantStatus.JOINED
            )
        ],
    )
    command = users.AddUser(
        name="mof@fra", organization="FRA", role=Role.CONTRIBUTOR,
        token_lifetime=timedelta(days=30), pepper=PEPPER.encode(),
    )  # fmt: skip
    _, world.tokens["contributor_fra"] = world.wired.run(
        command, actor=SEEDER, request_id="seed", at=START
    )


def build(world: World, *, giver: str, anonymous: bool = True, confidential: bool = False) -> None:
    """NLD's named pledge (C-00001); the giver's pledge (C-00002, anonymous from the start);
    another of the giver's (C-00003), pledged named and made anonymous afterwards; a package
    that C-00001 and C-00002 pay for."""
    add_france(world)
    seed_list(world)
    who = GIVERS[giver]
    world.post(
        "contributor",
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"},
    )
    world.post(who, "/api/v1/contributions", {
        "contributor": giver, "amount": "3000000", "currency": "USD", "pledged_on": "2025-08-04",
        "anonymous": anonymous, "confidential": confidential,
        "purpose": f"{NAMES[giver]} pays for medical kits", "source": f"https://{giver}.example",
    })  # fmt: skip
    world.post(who, "/api/v1/contributions", {
        "contributor": giver, "amount": "250000", "currency": "EUR", "pledged_on": "2025-08-05",
        "purpose": f"a second gift of {NAMES[giver]}",
    })  # fmt: skip
    world.post(
        who,
        "/api/v1/contributions/3/disclosure",
        {"confidential": False, "anonymous": anonymous},
    )
    for ref in (1, 2):
        world.post("coordinator", f"/api/v1/contributions/{ref}/receive", {"on": "2025-08-04"})
    world.post("coordinator", "/api/v1/packages", {
        "cycle_id": 1, "name": "P1", "on": "2025-10-01",
        "lines": [{"line_id": 1, "lots": 2}, {"line_id": 2, "lots": 2}],
        "attributions": [{"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000},
                         {"contribution_id": 2, "line_id": 2, "amount_minor": 1_000_000}]})  # fmt: skip


# How each path parameter is filled; several values are all asked, the giver's code included.
FILL: dict[str, tuple[str, ...]] = {
    "code": ("DEU", "FRA", "NLD"), "org": ("DEU", "FRA"), "contributor": ("DEU", "FRA", "NLD"),
    "contribution_id": ("1", "2", "3"), "package_id": ("1",), "cycle_id": ("1",),
    "ref": ("L-2",), "shipment_id": ("1",),
}  # fmt: skip
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("/api/v1/contributions", {"contributor": "DEU"}),
    ("/api/v1/contributions", {"contributor": "FRA"}),
    ("/api/v1/contributions", {"status": "received"}),
    ("/api/v1/contributions/totals", {"contributor": "DEU"}),
    ("/api/v1/contributions/totals", {"contributor": "FRA"}),
    ("/api/v1/ledger/entries", {"contribution_id": "2"}),
    ("/api/v1/ledger/balances", {"account": "pool:C-00002"}),
    ("/api/v1/deliveries", {"package_id": "1"}),
    ("/api/v1/whatif", {"cycle": "1", "pledge": "DEU:1000:USD"}),
]
# Writes aimed at the anonymous contributions, whose errors must not differ either.
WRITES: list[tuple[str, Any]] = [
    *[
        (f"/api/v1/contributions/{cid}/{action}", body)
        for cid in (2, 3)
        for action, body in (
            ("commit", None), ("receive", {"on": "2025-08-05"}), ("cancel", {}),
            ("refund", {}), ("disclosure", {"confidential": False, "anonymous": False}),
        )
    ],
    ("/api/v1/packages/1/accept", {"prices": [{"line_id": 2, "lot_price_minor": 1}]}),
    ("/api/v1/packages/1/shipments", {"line_id": 2, "quantity": 1}),
]  # fmt: skip


def _expand(path: str) -> list[str]:
    if path.startswith("/api/v1/catalog/"):
        return [path.replace("{code}", "AD-1")]
    paths = [path]
    for name, values in FILL.items():
        if f"{{{name}}}" in path:
            paths = [p.replace(f"{{{name}}}", v) for p in paths for v in values]
    return paths


def probes(world: World) -> list[tuple[str, str, dict[str, str], Any]]:
    """Every GET the API serves (with a csv variant where it offers one), then the queries and
    writes above, and the two dashboard pages anyone may open."""
    schema = world.client.get("/api/v1/openapi.json").json()
    found: list[tuple[str, str, dict[str, str], Any]] = []
    for path, operations in sorted(schema["paths"].items()):
        if "get" not in operations:
            continue
        names = {p["name"] for p in operations["get"].get("parameters", [])}
        for concrete in _expand(path):
            found.append(("GET", concrete, {}, None))
            if "format" in names:
                found.append(("GET", concrete, {"format": "csv"}, None))
            if "cycle" in names:
                found.append(("GET", concrete, {"cycle": "1"}, None))
    found += [("GET", path, params, None) for path, params in QUERIES]
    found += [("POST", path, {}, body) for path, body in WRITES]
    found += [("GET", "/", {}, None), ("GET", "/public", {}, None)]
    return found


def everything_seen(world: World, who: str) -> list[tuple[str, int, Any]]:
    seen = []
    for number, (method, path, params, body) in enumerate(probes(world)):
        headers = world.headers(who, **{"Idempotency-Key": f"probe-{number}"})
        response = world.client.request(method, path, headers=headers, params=params, json=body)
        content: Any = response.text
        if response.headers.get("content-type", "").startswith("application/") and (
            "json" in response.headers["content-type"]
        ):
            content = response.json()
            if isinstance(content, dict):
                content.pop("request_id", None)  # fresh per request, by design
        if path.startswith(("/api/v1/ledger/checkpoints", "/api/v1/ledger/proofs")) or path in (
            "/",
            "/public",
        ):
            content = _commitments(content)
        seen.append((f"{method} {path} {params}", response.status_code, content))
    return seen


HASH = re.compile(r"\b[0-9a-f]{64}\b")


def _commitments(content: Any) -> Any:
    """The content with Merkle roots, proof hashes and signatures masked. A checkpoint commits to
    every leaf, so its root differs whenever any entry does (here: who gave); without the
    leaves, which an outsider never gets, it tells nothing of them (docs/LEDGER.md)."""
    if isinstance(content, dict):
        return {
            key: "<signature>" if key == "signature" else _commitments(value)
            for key, value in content.items()
        }
    if isinstance(content, list):
        return [_commitments(value) for value in content]
    if isinstance(content, str):
        return HASH.sub("<hash>", content)
    return content


def seen_in_two_worlds(
    make_world: Callable[..., World],
    other_database_url: str,
    *,
    anonymous: bool = True,
    confidential: bool = False,
) -> dict[str, tuple[list[Any], list[Any]]]:
    """What each viewer sees in the world where Germany gave and in the one where France did."""
    first, second = make_world(), make_world(url=other_database_url)
    build(first, giver="DEU", anonymous=anonymous, confidential=confidential)
    build(second, giver="FRA", anonymous=anonymous, confidential=confidential)
    return {
        who: (everything_seen(first, who), everything_seen(second, who))
        for who in (*OUTSIDERS, *INSIDERS)
    }


def differences(seen: tuple[list[Any], list[Any]]) -> list[tuple[Any, Any]]:
    first, second = seen
    return [(a, b) for a, b in zip(first, second, strict=True) if a != b]


@pytest.mark.parametrize("confidential", [False, True], ids=["amount-public", "confidential"])
def test_no_response_to_an_outsider_depends_on_who_gave_anonymously(
    make_world: Callable[..., World], other_database_url: str, confidential: bool
) -> None:
    seen = seen_in_two_worlds(make_world, other_database_url, confidential=confidential)
    for who in OUTSIDERS:
        assert differences(seen[who]) == [], who
        statuses = {name: status for name, status, _ in seen[who][0]}
        assert len(statuses) > 60
        assert statuses["GET /api/v1/packages/1 {}"] == 200
        if who != "supplier":
            assert statuses["GET /api/v1/contributions/2 {}"] == 200
    # The coordinator and the auditor do see who gave it.
    for who in INSIDERS:
        assert differences(seen[who]), who


def test_the_diff_has_teeth_when_the_giver_is_named(
    make_world: Callable[..., World], other_database_url: str
) -> None:
    seen = seen_in_two_worlds(make_world, other_database_url, anonymous=False)
    for who in OUTSIDERS:
        assert differences(seen[who]), who


def test_outsiders_see_the_money_but_not_the_giver(world: World) -> None:
    build(world, giver="DEU")
    for who in ("recipient", "contributor"):
        for cid in (2, 3):
            seen = world.get(who, f"/api/v1/contributions/{cid}")
            assert (seen["contributor"], seen["anonymous"]) == (None, True)
            assert (seen["purpose"], seen["source"]) == (None, None)
        assert world.get(who, "/api/v1/contributions/2")["amount_minor"] == 300_000_000
        assert world.get(who, "/api/v1/contributions", contributor="DEU")["items"] == []
        assert (
            world.get(who, "/api/v1/contributions/totals", contributor="DEU")["contributions"] == 0
        )


def test_the_giver_coordinator_and_auditor_see_who_gave_it(world: World) -> None:
    build(world, giver="DEU", confidential=True)
    for who in ("contributor_other", *INSIDERS):
        seen = world.get(who, "/api/v1/contributions/2")
        assert (seen["contributor"], seen["anonymous"], seen["amount_minor"]) == (
            "DEU", True, 300_000_000,
        )  # fmt: skip
        assert seen["purpose"] == "Germany pays for medical kits"
        found = world.get(who, "/api/v1/contributions", contributor="DEU")["items"]
        assert [c["ref"] for c in found] == ["C-00002", "C-00003"]


def test_only_the_owner_sets_the_disclosure_and_it_is_audited(world: World) -> None:
    build(world, giver="DEU", anonymous=False)
    body = {"confidential": True, "anonymous": True}
    for who, status in (
        ("contributor", 404), ("recipient", 403), ("coordinator", 403), ("supplier", 403),
        ("auditor", 403),
    ):  # fmt: skip
        response = world.client.post(
            "/api/v1/contributions/2/disclosure", json=body,
            headers=world.headers(who, **{"Idempotency-Key": f"try-{who}"}),
        )  # fmt: skip
        assert response.status_code == status, (who, response.text)
    assert world.get("recipient", "/api/v1/contributions/2")["contributor"] == "DEU"
    changed = world.post(
        "contributor_other", "/api/v1/contributions/2/disclosure", body, key="disclose-2"
    )
    assert (changed["contributor"], changed["confidential"], changed["anonymous"]) == (
        "DEU", True, True,
    )  # fmt: skip
    seen = world.get("recipient", "/api/v1/contributions/2")
    assert (seen["contributor"], seen["amount_minor"]) == (None, None)
    replayed = world.client.post(
        "/api/v1/contributions/2/disclosure", json=body,
        headers=world.headers("contributor_other", **{"Idempotency-Key": "disclose-2"}),
    )  # fmt: skip
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    other_body = world.client.post(
        "/api/v1/contributions/2/disclosure", json={"confidential": False, "anonymous": False},
        headers=world.headers("contributor_other", **{"Idempotency-Key": "disclose-2"}),
    )  # fmt: skip
    assert other_body.status_code == 422
    actions = [e["action"] for e in world.get("auditor", "/api/v1/audit", limit=200)["items"]]
    assert actions.count("contributions.disclosure") == 2  # the build's and this one


def test_the_disclosure_names_the_field_it_misses(world: World) -> None:
    build(world, giver="DEU")
    response = world.client.post(
        "/api/v1/contributions/2/disclosure", json={"anonymous": True},
        headers=world.headers("contributor_other", **{"Idempotency-Key": "missing"}),
    )  # fmt: skip
    assert response.status_code == 422
    assert "confidential" in response.text
