"""The HTTP edges: who is refused before the body is read, how large and how deep a body may be,
and how deep a policy condition may nest."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_world import World
from httpx import Response
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app as cli
from purldesk.services import catalog, contributions

API = "/api/v1"
MiB = 1024 * 1024
PLEDGE = {"contributor": "NLD", "amount": "1000", "currency": "EUR", "pledged_on": "2025-08-04"}


class Streamed:
    """A request body sent in chunks, counting how many bytes the server pulled."""

    def __init__(self, size: int, chunk: bytes = b" " * 65536) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        while self.pulled < self.size:
            self.pulled += len(self.chunk)
            yield self.chunk


def post(world: World, who: str | None, path: str, **sent: Any) -> Response:
    headers = world.headers(who) if who else {}
    headers = {"Idempotency-Key": world.key(), **headers, **sent.pop("headers", {})}
    return world.client.post(f"{API}{path}", headers=headers, **sent)


def problem(response: Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    document: dict[str, Any] = response.json()
    assert document["error"] == error, document
    return document


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_a_large_body_without_a_token_is_refused_before_any_of_it_is_read(world: World) -> None:
    body = Streamed(5 * MiB)
    started = time.monotonic()

    response = post(world, None, "/contributions", content=body)

    assert problem(response, 401, "NotAuthenticated")
    assert body.pulled == 0
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("token", ["Bearer nonsense", "Bearer pd_0000_forged"])
def test_a_declared_oversized_body_with_a_bad_token_is_401(world: World, token: str) -> None:
    response = post(
        world, None, "/contributions", content=b" " * (5 * MiB), headers={"Authorization": token}
    )

    problem(response, 401, "NotAuthenticated")


def test_malformed_json_from_a_role_that_may_not_write_is_403(world: World) -> None:
    response = post(world, "auditor", "/contributions", content=b"{not json")

    problem(response, 403, "NotPermitted")


def test_malformed_json_from_a_role_that_may_write_is_422(world: World) -> None:
    response = post(
        world, "contributor", "/contributions", content=b"{not json",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip

    problem(response, 422, "InvalidInput")


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
def test_a_body_over_the_limit_is_413_and_writes_nothing(world: World, streamed: bool) -> None:
    padding = MiB - len(json.dumps(PLEDGE)) + 1
    body = json.dumps(PLEDGE).encode() + b" " * padding
    sent = Streamed(len(body), body) if streamed else body

    response = post(
        world, "contributor", "/contributions", content=sent,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip

    assert "1,048,576 bytes" in problem(response, 413, "BodyTooLarge")["detail"]
    assert response.headers["X-Request-ID"]
    assert contributions.list_all(world.wired.uow()) == []


def test_a_body_at_the_limit_is_read(world: World) -> None:
    body = json.dumps(PLEDGE).encode()
    body += b" " * (MiB - len(body))

    response = post(
        world, "contributor", "/contributions", content=body,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip

    assert response.status_code == 201, response.text


def catalog_import(padding: int) -> bytes:
    item = {"code": "TENT-1", "name": "Winter tent", "area": "shelter", "aid_class": "humanitarian",
            "unit_price_minor": 50_000, "lot_size": 1, "available_per_cycle": 10,
            "lead_time_days": 5}  # fmt: skip
    return json.dumps({"items": [item]}).encode() + b" " * padding


def test_an_import_may_be_larger_than_other_bodies_up_to_its_own_limit(world: World) -> None:
    json_headers = {"Content-Type": "application/json"}

    accepted = world.client.put(
        f"{API}/catalog", content=catalog_import(5 * MiB),
        headers=world.headers("supplier", **json_headers),
    )  # fmt: skip
    refused = world.client.put(
        f"{API}/catalog", content=catalog_import(20 * MiB),
        headers=world.headers("supplier", **json_headers),
    )  # fmt: skip

    assert accepted.status_code == 200, accepted.text
    assert "20,971,520 bytes" in problem(refused, 413, "BodyTooLarge")["detail"]
    assert [item.code for item in catalog.list_all(world.wired.uow())].count("TENT-1") == 1


def test_json_nested_deeper_than_the_limit_is_422_naming_the_body(world: World) -> None:
    json_headers = {"Content-Type": "application/json"}

    deep = post(world, "contributor", "/contributions", content=nested(33), headers=json_headers)
    at_limit = post(
        world, "contributor", "/contributions", content=nested(32), headers=json_headers
    )
    refused_role = post(
        world, "auditor", "/contributions", content=nested(100_000), headers=json_headers
    )

    assert problem(deep, 422, "InvalidInput")["field"] == "body"
    assert "nested deeper than 32 levels" in deep.json()["detail"]
    assert "nested deeper" not in problem(at_limit, 422, "InvalidInput")["detail"]
    problem(refused_role, 403, "NotPermitted")
    assert contributions.list_all(world.wired.uow()) == []


def test_brackets_inside_json_strings_do_not_count_as_nesting(world: World) -> None:
    pledge = {**PLEDGE, "purpose": "[" * 100 + '{"\\"' + "{" * 100}

    response = post(world, "contributor", "/contributions", json=pledge)

    assert response.status_code == 201, response.text


def deeply_nested_policy(depth: int) -> str:
    condition = "".join("not (threat >= 1 and " for _ in range(depth)) + "threat >= 2"
    condition += ")" * depth
    return f"""valid_from = 2025-01-01
[[phases]]
name = "deep"
when = "{condition}"
aid_classes = ["humanitarian"]
[default]
name = "baseline"
aid_classes = ["humanitarian"]
"""


@pytest.mark.parametrize("as_json", [False, True])
def test_a_policy_condition_nested_500_deep_is_422_naming_the_field(
    world: World, as_json: bool
) -> None:
    document = deeply_nested_policy(500)
    sent: dict[str, Any] = {"json": {"document": document}} if as_json else {"content": document}
    content_type = "application/json" if as_json else "application/toml"

    response = world.client.put(
        f"{API}/policies/NLD", headers=world.headers("contributor", **{"Content-Type": content_type}),
        **sent,
    )  # fmt: skip

    findings = problem(response, 422, "PolicyRejected")["findings"]
    assert [f["field"] for f in findings] == ["phases[1].when"]
    assert "nested deeper than 32 levels" in findings[0]["message"]
    assert world.get("contributor", f"{API}/policies/NLD")["versions"] == 0


def test_a_policy_condition_nested_to_the_limit_parses(world: World) -> None:
    response = world.client.put(
        f"{API}/policies/NLD", content=deeply_nested_policy(16),
        headers=world.headers("contributor", **{"Content-Type": "application/toml"}),
    )  # fmt: skip

    # It parses: what is left is only that no indicator has been recorded yet.
    findings = problem(response, 422, "PolicyRejected")["findings"]
    assert [f["message"] for f in findings] == [
        "unknown indicator 'threat' (known: none recorded yet)"
    ]


def test_a_policy_document_of_deeply_nested_toml_is_422(world: World) -> None:
    document = "valid_from = 2025-01-01\nx = " + "[" * 20_000 + "]" * 20_000 + "\n"

    response = world.client.put(
        f"{API}/policies/NLD", content=document,
        headers=world.headers("contributor", **{"Content-Type": "application/toml"}),
    )  # fmt: skip

    assert "nested too deeply" in problem(response, 422, "PolicyRejected")["findings"][0]["message"]


def test_the_command_line_refuses_a_policy_file_nested_500_deep(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(deeply_nested_policy(500), encoding="utf-8")

    result = CliRunner().invoke(
        cli, ["policy", "set", "NLD", str(path), "--db", world.wired.settings.database_url]
    )

    assert result.exit_code == 2, result.output
    assert "phases[1].when" in result.stderr and "nested deeper than 32" in result.stderr
    assert "Traceback" not in result.output
