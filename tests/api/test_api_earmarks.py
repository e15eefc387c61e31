"""A pledge's earmark over HTTP: kept when the catalog and the packages can honour it, refused
naming its field (422) when they never could."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import World

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
