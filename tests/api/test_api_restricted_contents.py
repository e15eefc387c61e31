"""Over HTTP: a package whose contents are restricted shows its value, status and dates to everyone,
and its lines, items and lots only to those who must know and the cleared; lifting the restriction
publishes them again."""

from __future__ import annotations

from typing import Any

from api_world import World
from test_api_package_lifecycle import endorsed_with_money

API = "/api/v1"
PACKAGE = f"{API}/packages/1"
NO_CONTENTS = ("public", "contributor_other")
CONTENTS = ("coordinator", "auditor", "supplier", "recipient")


def _allocated(world: World) -> None:
    endorsed_with_money(world)
    world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"})


def _get(world: World, who: str, path: str) -> Any:
    headers = {} if who == "public" else world.headers(who)
    response = world.client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response


def _documents(world: World, who: str) -> dict[str, Any]:
    """Every document `who` can read about P-0001 (the public reads only the public ones)."""
    found = {
        "ocds": _get(
            world, "auditor", f"{PACKAGE.replace('packages', 'reports/packages')}/ocds"
        ).json()["releases"][0],
        "transparency": _get(world, who, f"{API}/reports/transparency").json(),
        "public": _get(world, who, "/public").text,
    }
    if who != "public":
        found["package"] = _get(world, who, PACKAGE).json()
        found["report"] = _get(
            world, who, f"{API}/reports/packages/1?attributions_limit=500"
        ).json()
        found["csv"] = _get(world, who, f"{API}/reports/packages/1?format=csv").text
        found["list"] = _get(world, who, f"{API}/packages").json()["items"][0]
    return found


def test_a_restricted_package_hides_its_contents_from_the_uncleared(world: World) -> None:
    _allocated(world)
    before = world.get("coordinator", PACKAGE)
    assert before["lines"] and before["restricted"] is None
    restricted = world.post("coordinator", f"{PACKAGE}/restriction", {"cleared": []})
    assert restricted["restricted"] is None  # the coordinator sees the contents
    for who in NO_CONTENTS:
        seen = _documents(world, who)
        assert "items" not in seen["ocds"]["tender"]
        assert seen["ocds"]["tender"]["value"]["amount"] == 30_000
        assert "L-1" not in seen["public"]
        assert seen["transparency"]["packages"][0]["cost"] is not None
        bars = seen["transparency"]["coverage_by_area"]
        assert bars and {bar["funded"]["amount_minor"] for bar in bars} == {0}  # P-0001 left out
        if who == "public":
            continue
        assert seen["package"]["lines"] == [] and seen["package"]["attributions"] == []
        assert seen["package"]["cost_minor"] == before["cost_minor"]
        assert seen["package"]["status"] == before["status"]
        assert seen["package"]["restricted"]
        assert seen["report"]["lines"] == [] and seen["report"]["payments"] == []
        assert seen["report"]["restricted"] and seen["report"]["status"] == "draft"
        assert "L-1" not in seen["csv"]
        assert seen["list"]["cost_minor"] == before["cost_minor"]
    for who in CONTENTS:
        package = world.get(who, PACKAGE)
        assert package["lines"] == before["lines"] and package["restricted"] is None
        assert world.get(who, f"{API}/reports/packages/1")["lines"]
    payer = world.get("contributor", PACKAGE)  # NLD pays P-0001: its own money, no line
    assert payer["lines"] == [] and payer["restricted"]
    assert payer["attributions"] == before["attributions"]


def test_a_cleared_contributor_sees_the_contents_and_lifting_publishes_them(
    world: World,
) -> None:
    _allocated(world)
    world.post("coordinator", f"{PACKAGE}/restriction", {"cleared": ["DEU"]})
    assert world.get("contributor_other", PACKAGE)["lines"]
    world.post("coordinator", f"{PACKAGE}/restriction", {"restricted": False})
    assert "items" in _documents(world, "public")["ocds"]["tender"]
    assert world.get("contributor_other", PACKAGE)["restricted"] is None


def test_clearing_an_unknown_participant_is_refused_and_writes_nothing(world: World) -> None:
    _allocated(world)
    response = world.client.post(
        f"{PACKAGE}/restriction", json={"cleared": ["ZZZ-9"]},
        headers=world.headers("coordinator", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip
    assert response.status_code == 422 and response.json()["field"] == "cleared"
    assert world.get("contributor_other", PACKAGE)["restricted"] is None
