"""Open Contracting data over HTTP: every package's releases a page at a time, a package's
record with its compiled release, and the URIs and dates the settings give."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api_world import World
from test_api_reports import build_world, fetch, served_with

from ocds_validation import problems
from purldesk.config import ReportSettings

API = "/api/v1"


def document_of(world: World, path: str, **params: Any) -> tuple[Any, Any]:
    response = fetch(world, "contributor", f"{API}/{path}", **params)
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal), response


def test_every_release_is_served_a_page_at_a_time_in_the_order_made(world: World) -> None:
    build_world(world)
    package, _ = document_of(world, "reports/packages/1/ocds")
    first, response = document_of(world, "ocds/releases", limit="4")
    assert first["releases"] == package["releases"][:4]
    assert first["uri"].endswith("/api/v1/ocds/releases?offset=0&limit=4")
    assert response.headers["Link"].endswith('/api/v1/ocds/releases?offset=4&limit=4>; rel="next"')
    second, response = document_of(world, "ocds/releases", limit="4", offset="4")
    assert second["releases"] == package["releases"][4:]
    assert "Link" not in response.headers
    assert problems(first, "release-package") == problems(second, "release-package") == []
    past = fetch(world, "contributor", f"{API}/ocds/releases", offset="6")
    assert past.status_code == 404  # a release package holds at least one release


def test_a_record_merges_the_package_s_releases_into_its_compiled_release(world: World) -> None:
    build_world(world)
    package, _ = document_of(world, "reports/packages/1/ocds")
    record_package, _ = document_of(world, "ocds/records/ocds-purldesk-P-0001")
    assert problems(record_package, "record-package") == []
    (record,) = record_package["records"]
    assert record["releases"] == package["releases"]
    compiled = record["compiledRelease"]
    latest = package["releases"][-1]
    assert compiled["tag"] == ["compiled"] and compiled["date"] == latest["date"]
    assert compiled["contracts"][0]["status"] == "active"
    assert compiled["planning"]["budget"] == latest["planning"]["budget"]
    assert record_package["packages"] == [package["uri"]]
    for unknown in ("ocds-purldesk-P-0009", "ocds-other-P-0001", "P-0001", "ocds-purldesk-1"):
        assert fetch(world, "contributor", f"{API}/ocds/records/{unknown}").status_code == 404


def test_the_uri_and_the_published_date_come_from_the_settings(world: World) -> None:
    build_world(world)
    default, _ = document_of(world, "reports/packages/1/ocds")
    assert default["publishedDate"] == default["releases"][-1]["date"]  # the last change
    assert default["uri"] == "http://127.0.0.1:8000/api/v1/reports/packages/1/ocds"
    published = datetime(2025, 10, 31, 18, 0, tzinfo=UTC)
    other = served_with(world, ReportSettings(
        public_url="https://purl.example.org", published_at=published))  # fmt: skip
    try:
        with other.client:
            document, _ = document_of(other, "ocds/records/ocds-purldesk-P-0001")
    finally:
        other.wired.close()
    assert document["uri"] == "https://purl.example.org/api/v1/ocds/records/ocds-purldesk-P-0001"
    assert document["packages"] == ["https://purl.example.org/api/v1/reports/packages/1/ocds"]
    assert document["publishedDate"] == "2025-10-31T18:00:00Z"
