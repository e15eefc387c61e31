"""Control characters (NUL and the other C0 controls but tab, newline and CR) in any text of a
request: a 422 problem naming the field, nothing written, and never a 500 (PostgreSQL cannot
store NUL at all), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_world import World, make_settings, seed_list
from httpx import Response

from purldesk.bootstrap import build
from purldesk.domain.money import USD, Money
from purldesk.entrypoints.api import schemas
from purldesk.entrypoints.web.app import create_app
from purldesk.services import contributions

pytestmark = pytest.mark.both_databases

API = "/api/v1"
PLEDGE = {"contributor": "NLD", "amount": "1000", "currency": "EUR", "pledged_on": "2025-08-04"}
POLICY = """valid_from = 2025-01-01
[default]
name = "baseline"
aid_classes = ["humanitarian"]
"""
TOML = {"Content-Type": "application/toml"}


def send(world: World, who: str, method: str, path: str, **kwargs: Any) -> Response:
    headers = world.headers(who, **{"Idempotency-Key": world.key()}, **kwargs.pop("headers", {}))
    return world.client.request(method, f"{API}{path}", headers=headers, **kwargs)


def refused(response: Response, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert (problem["error"], problem["field"]) == ("InvalidInput", field), problem
    assert "control character" in problem["detail"]
    return problem


def written(world: World) -> tuple[int, int, int]:
    """Contributions, ledger entries and audit entries: what a write would have added to."""
    return (
        world.get("coordinator", f"{API}/contributions")["total"],
        world.get("auditor", f"{API}/ledger/entries")["total"],
        world.get("auditor", f"{API}/audit")["total"],
    )


@pytest.mark.parametrize(
    ("field", "text", "code"),
    [
        ("purpose", "a\x00b", "U+0000"),
        ("purpose", "line\nescape \x1b[31m", "U+001B"),
        ("source", "del\x7f", "U+007F"),
        ("contributor", "NL\x01D", "U+0001"),
    ],
)
def test_a_pledge_with_a_control_character_is_refused_naming_the_field(
    world: World, field: str, text: str, code: str
) -> None:
    before = written(world)

    response = send(world, "contributor", "POST", "/contributions", json={**PLEDGE, field: text})

    assert code in refused(response, field)["detail"]
    assert written(world) == before


def test_tab_newline_and_carriage_return_are_text(world: World) -> None:
    body = {**PLEDGE, "purpose": "first\tsecond\r\nthird\n"}
    response = send(world, "contributor", "POST", "/contributions", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["purpose"] == body["purpose"]


def test_a_line_justification_with_nul_is_refused_and_the_line_kept(world: World) -> None:
    seed_list(world)
    before = world.get("recipient", f"{API}/cycles/1/lines/L-1")

    response = send(
        world, "recipient", "PATCH", "/cycles/1/lines/L-1", json={"justification": "x\x00"}
    )

    refused(response, "justification")
    assert world.get("recipient", f"{API}/cycles/1/lines/L-1") == before
    assert world.get("recipient", f"{API}/cycles/1/lines/L-1/history")[0]["changes"] == []


def test_a_nested_value_is_named_by_its_path_and_no_line_is_imported(world: World) -> None:
    seed_list(world)
    good = {"ref": "L-3", "rank": 3, "item_code": "AD-1", "quantity": 1, "needed_by": "2026-01-31"}
    bad = {**good, "ref": "L-4", "rank": 4, "justification": "ok\nthen\x00"}

    response = send(world, "recipient", "POST", "/cycles/1/lines", json={"lines": [good, bad]})

    assert "line 2, column 5" in refused(response, "lines.1.justification")["detail"]
    assert world.get("recipient", f"{API}/cycles/1/lines")["total"] == 2


def test_a_policy_with_an_escaped_nul_names_the_key_and_its_line(world: World) -> None:
    document = POLICY.replace("[default]", 'title = "a\\u0000b"\n[default]')

    response = send(world, "contributor", "PUT", "/policies/NLD", content=document, headers=TOML)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["error"] == "PolicyRejected"
    assert [(f["line"], f["field"]) for f in problem["findings"]] == [(2, "title")]
    assert "U+0000" in problem["findings"][0]["message"]
    assert world.get("contributor", f"{API}/policies/NLD")["versions"] == 0


@pytest.mark.parametrize("as_json", [False, True])
def test_a_policy_document_with_a_raw_control_character_is_refused(
    world: World, as_json: bool
) -> None:
    document = POLICY.replace('"baseline"', '"base\x00line"')
    sent = {"json": {"document": document}} if as_json else {"content": document, "headers": TOML}

    response = send(world, "contributor", "PUT", "/policies/NLD", **sent)

    assert "line 3, column 13" in refused(response, "document")["detail"]
    assert world.get("contributor", f"{API}/policies/NLD")["versions"] == 0


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/contributions?contributor=N%00", "contributor"),
        ("/contributions/totals?contributor=N%00", "contributor"),
        ("/catalog?area=a%00", "area"),
        ("/cycles/1/lines?area=a%1F", "area"),
        ("/indicators?name=a%00", "name"),
        ("/ledger/balances?account=pool%00", "account"),
        ("/whatif?cycle=a%00", "cycle"),
        ("/whatif?cycle=2025-10&pledge=NLD%00:1:EUR", "pledge"),
    ],
)
def test_a_control_character_in_a_query_parameter_is_refused_naming_it(
    world: World, path: str, field: str
) -> None:
    seed_list(world)
    refused(world.client.get(f"{API}{path}", headers=world.headers("coordinator")), field)


@pytest.mark.parametrize(
    "path",
    [
        "/participants/NL%00D",
        "/catalog/AD%00",
        "/cycles/1/lines/L%00",
        "/cycles/1/lines/L%00/history",
        "/policies/NL%00D",
        "/reports/statements/NL%00D",
    ],
)
def test_a_control_character_in_a_path_parameter_names_nothing(world: World, path: str) -> None:
    seed_list(world)
    response = world.client.get(f"{API}{path}", headers=world.headers("coordinator"))
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_text_stored_before_the_rule_is_still_read(world: World) -> None:
    """Only what comes in is checked: a purpose stored earlier (PostgreSQL takes U+0001)
    is still listed, so reads never fail on old data."""
    contributions.pledge(
        world.wired.uow(), contributor="NLD", amount=Money(100_000, USD),
        pledged_on=date(2025, 8, 4), at=world.clock.now(), purpose="old\x01text",
    )  # fmt: skip
    (item,) = world.get("contributor", f"{API}/contributions")["items"]
    assert item["purpose"] == "old\x01text"


def test_every_request_body_is_checked_as_an_input(tmp_path: Path) -> None:
    """Request models derive from `schemas.Input` (responses from `Schema`): found by name in
    the OpenAPI description, so a new body model cannot miss the check."""
    settings = make_settings(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    wired = build(settings)
    try:
        spec = create_app(settings, wired=wired).openapi()
    finally:
        wired.close()
    names = {
        content["schema"].get("$ref", "").rpartition("/")[2] or content["schema"].get("title")
        for item in spec["paths"].values()
        for operation in item.values()
        for content in operation.get("requestBody", {}).get("content", {}).values()
    } - {None}
    assert {"PledgeCreate", "LinesImport", "PolicyWrite"} <= names
    models = {model.__name__: model for model in _subclasses(schemas.Schema)}
    assert [n for n in sorted(names) if not issubclass(models[n], schemas.Input)] == []


def _subclasses(base: type) -> set[type]:
    """Every model derived from `base`, the routers' own schema modules included."""
    found: set[type] = set()
    for sub in base.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found
