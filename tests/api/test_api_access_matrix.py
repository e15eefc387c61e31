"""Every route x every role (and owner vs non-owner) against the matrix in access_matrix.csv.

`allow`: the role passes authorization (a GET answers 200; a write may still meet the state,
409, or its input, 422); `deny`: 403; `hidden`: 404, as if the object did not exist. A route
served by the API but missing from the matrix, or the other way round, fails the test.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from api_world import USERS, World, seed_list

MATRIX = Path(__file__).with_name("access_matrix.csv")
COLUMNS = list(USERS)
OWNER = "contributor"  # the objects below belong to NLD, the `contributor` column's organization

# What each path parameter is filled with, and the body each write sends.
PARAMS = {
    "code": "NLD", "cycle_id": "1", "ref": "L-1", "contribution_id": "1", "package_id": "1",
    "shipment_id": "1", "org": "NLD", "contributor": "NLD", "ocid": "ocds-purldesk-P-0001",
}  # fmt: skip
POLICY = """valid_from = 2025-01-01
[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal", "defensive"]
"""
# Query parameters a GET needs to answer 200.
QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/api/v1/whatif"): {"cycle": "1", "on": "2025-10-02"},
    ("GET", "/api/v1/cycles/{cycle_id}/as-it-stood"): {"on": "2025-10-02"},
    ("GET", "/api/v1/cycles/{cycle_id}/allocation"): {"on": "2025-10-02"},
}
BODIES: dict[tuple[str, str], Any] = {
    ("PUT", "/api/v1/catalog"): {"items": [{
        "code": "AD-1", "name": "Air defence interceptor", "area": "air_defence",
        "aid_class": "defensive", "unit_price_minor": 1_000_000, "lot_size": 1,
        "available_per_cycle": 100, "lead_time_days": 90}]},
    ("POST", "/api/v1/cycles"): {"name": "2025-11", "opens_on": "2025-11-01"},
    ("POST", "/api/v1/cycles/{cycle_id}/lines"): {"lines": [{
        "ref": "L-9", "rank": 9, "item_code": "AD-1", "quantity": 1, "needed_by": "2026-03-01"}]},
    ("POST", "/api/v1/cycles/{cycle_id}/lines/{ref}/move"): {"rank": 2},
    ("PATCH", "/api/v1/cycles/{cycle_id}/lines/{ref}"): {"justification": "revised"},
    ("POST", "/api/v1/cycles/{cycle_id}/lines/{ref}/withdraw"): {"reason": "met elsewhere"},
    ("POST", "/api/v1/contributions"): {
        "contributor": "NLD", "amount": "100", "currency": "EUR", "pledged_on": "2025-08-04"},
    ("POST", "/api/v1/contributions/{contribution_id}/receive"): {"on": "2025-08-04"},
    ("POST", "/api/v1/contributions/{contribution_id}/cancel"): {"on": "2025-08-05"},
    ("POST", "/api/v1/contributions/{contribution_id}/disclosure"): {
        "confidential": False, "anonymous": False},
    ("POST", "/api/v1/contributions/{contribution_id}/refund"): {"on": "2025-08-06"},
    ("POST", "/api/v1/packages"): {
        "cycle_id": 1, "name": "P2", "lines": [{"line_id": 2, "lots": 2}],
        "attributions": [{"contribution_id": 1, "line_id": 2, "amount_minor": 500_000}]},
    ("POST", "/api/v1/packages/{package_id}/cancel"): {"on": "2025-10-02"},
    ("POST", "/api/v1/packages/{package_id}/accept"): {"on": "2025-10-02", "prices": []},
    ("POST", "/api/v1/packages/{package_id}/top-up"): {"on": "2025-10-02"},
    ("POST", "/api/v1/packages/{package_id}/close"): {"on": "2025-10-02"},
    ("POST", "/api/v1/packages/{package_id}/restriction"): {"cleared": ["NLD"]},
    ("POST", "/api/v1/packages/{package_id}/shipments"): {
        "line_id": 1, "quantity": 1, "shipped_on": "2025-10-01"},
    ("POST", "/api/v1/shipments/{shipment_id}/confirm"): {"received_on": "2025-10-01"},
    ("POST", "/api/v1/cycles/{cycle_id}/allocation"): {"on": "2025-10-02"},
    ("PUT", "/api/v1/policies/{org}"): {"document": POLICY},
    ("POST", "/api/v1/fx/rates"): {
        "currency": "UAH", "rate_date": "2025-09-01", "per_eur": "48.5", "source": "NBU"},
    ("POST", "/api/v1/indicators"): {
        "name": "troops", "value": "12,000", "observed_on": "2025-09-01", "source": "report"},
}  # fmt: skip


def read_matrix() -> dict[tuple[str, str], dict[str, str]]:
    with MATRIX.open(newline="") as handle:
        return {(row["method"], row["path"]): row for row in csv.DictReader(handle)}


def api_routes(world: World) -> set[tuple[str, str]]:
    schema = world.client.get("/api/v1/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def seed_objects(world: World) -> None:
    """An endorsed cycle with lines, NLD's received contribution and a package it pays for,
    accepted and delivering: one unit of line 1 shipped (shipment 1)."""
    seed_list(world)
    world.post("recipient", "/api/v1/cycles/1/submit")
    world.post("coordinator", "/api/v1/cycles/1/endorse")
    world.post(
        OWNER,
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"},
    )
    world.post("coordinator", "/api/v1/contributions/1/receive", {"on": "2025-08-04"})
    world.post("coordinator", "/api/v1/packages", {
        "cycle_id": 1, "name": "P1", "lines": [{"line_id": 1, "lots": 2}],
        "attributions": [{"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000}]})  # fmt: skip
    world.post("coordinator", "/api/v1/packages/1/propose")
    world.post("coordinator", "/api/v1/packages/1/validate")
    world.post("supplier", "/api/v1/packages/1/accept", {"on": "2025-10-01"})
    world.post("supplier", "/api/v1/packages/1/shipments", {
        "line_id": 1, "quantity": 1, "shipped_on": "2025-10-01"})  # fmt: skip


def test_every_route_of_the_api_is_in_the_matrix_and_nothing_else(world: World) -> None:
    assert api_routes(world) == set(read_matrix())


def test_every_matrix_value_is_allow_deny_or_hidden() -> None:
    for row in read_matrix().values():
        assert {row[c] for c in COLUMNS} <= {"allow", "deny", "hidden"}, row


@pytest.mark.parametrize("column", COLUMNS)
def test_each_role_gets_exactly_what_the_matrix_says_on_every_route(
    world: World, column: str
) -> None:
    seed_objects(world)
    mismatches = []
    for (method, path), row in sorted(read_matrix().items()):
        item = {"code": "AD-1"} if path.startswith("/api/v1/catalog") else {}
        url = path.format(**{**PARAMS, **item})
        body = BODIES.get((method, path))
        headers = world.headers(
            column, **({"Idempotency-Key": world.key()} if method == "POST" else {})
        )
        params = QUERIES.get((method, path), {})
        response = world.client.request(method, url, json=body, headers=headers, params=params)
        expected, got = row[column], response.status_code
        ok = {
            "deny": got == 403,
            "hidden": got == 404,
            "allow": got == 200 if method == "GET" else got < 500 and got not in (401, 403, 404),
        }[expected]
        if got >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        if not ok:
            mismatches.append(
                f"{method} {path}: expected {expected}, got {got} {response.text[:200]}"
            )
    assert mismatches == []
