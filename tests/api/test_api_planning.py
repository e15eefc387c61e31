"""The burden-sharing report and the funding forecast over HTTP: the report is public (with or
without a token, always as the public sees it), lists each nation with its GDP's year and source,
and withholds a confidential giver's amount with every ratio of it; the forecast is for the
coordinator and the auditor; both come as JSON, CSV and XLSX."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from api_world import World, seed_list

from report_files import csv_rows, same_number, xlsx_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BURDEN = "/api/v1/reports/burden-sharing"
FORECAST = "/api/v1/reports/forecast"
SECRET = "3141592.65"  # Germany's confidential pledge, received, in USD
SECRET_MARKS = ("3141592", "314159265")


def build_world(world: World) -> None:
    """NLD's public EUR 1M and DEU's confidential USD 3,141,592.65, both received on
    2025-08-04, and an endorsed list of two lines."""
    seed_list(world)
    world.post("recipient", "/api/v1/cycles/1/submit")
    world.post("coordinator", "/api/v1/cycles/1/endorse")
    world.post(
        "contributor",
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"},
    )
    world.post("contributor_other", "/api/v1/contributions", {
        "contributor": "DEU", "amount": SECRET, "currency": "USD", "pledged_on": "2025-08-04",
        "confidential": True})  # fmt: skip
    for ref in (1, 2):
        world.post("coordinator", f"/api/v1/contributions/{ref}/receive", {"on": "2025-08-04"})


def fetch(world: World, who: str | None, path: str, **params: str) -> Any:
    headers = {} if who is None else world.headers(who)
    return world.client.get(path, headers=headers, params=params)


def nations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["code"]: n for n in document["nations"]}


def test_the_report_lists_each_nation_with_its_gdp_and_is_the_same_whoever_asks(
    world: World,
) -> None:
    build_world(world)
    anonymous = fetch(world, None, BURDEN)
    assert anonymous.status_code == 200, anonymous.text
    document = anonymous.json()
    assert fetch(world, "coordinator", BURDEN).json() == document  # the public's, for anyone
    netherlands = nations(document)["NLD"]
    gdp = netherlands["gdp"]
    assert (gdp["year"], gdp["gdp_usd"], gdp["bundled"]) == (2023, 1_118_100_000_000, True)
    assert gdp["source"].startswith("World Bank") and gdp["url"].startswith("https://")
    # EUR 1M at the ECB's 1.1565 of 2025-08-04, over the Netherlands' GDP: by hand, 0.0001%.
    received = Decimal(netherlands["received_usd"]["amount"])
    assert received == Decimal("1156500.00")
    share = received / Decimal(1_118_100_000_000) * 100
    assert Decimal(netherlands["share_of_gdp_percent"]) == share.quantize(Decimal("0.0001"))
    assert all(n["gdp"] is not None for n in document["nations"])


def test_a_confidential_givers_amount_and_ratios_are_withheld(world: World) -> None:
    build_world(world)
    response = fetch(world, None, BURDEN)
    germany = nations(response.json())["DEU"]
    assert germany["withheld"] and germany["received_usd"] is None
    assert (germany["share_of_gdp_percent"], germany["share_of_pool_percent"]) == (None, None)
    assert germany["fair_share_index"] is None
    assert germany["gdp"]["year"] == 2023  # public data stays
    document = response.json()
    assert document["undisclosed"] == {"count": 1, "amount": None, "named_givers": ["DEU"]}
    assert not document["pool_complete"] and document["withheld"]
    assert document["pool_usd"]["amount"] == "1156500.00"
    for kind in ("json", "csv", "xlsx"):
        body = fetch(world, None, BURDEN, format=kind).content
        assert not any(mark.encode() in body for mark in SECRET_MARKS), kind


def test_the_report_as_csv_and_xlsx_holds_the_same_figures(world: World) -> None:
    build_world(world)
    as_csv = fetch(world, None, BURDEN, format="csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "burden-sharing-" in as_csv.headers["content-disposition"]
    rows = csv_rows(as_csv.text)
    as_xlsx = fetch(world, None, BURDEN, format="xlsx")
    assert as_xlsx.headers["content-type"] == XLSX
    from_xlsx = xlsx_rows(as_xlsx.content)
    assert len(from_xlsx) == len(rows)
    for a, b in zip(rows, from_xlsx, strict=True):
        assert all(same_number(a[k], b[k]) for k in a), (a, b)
    netherlands = next(r for r in rows if r["code"] == "NLD")
    assert (netherlands["record"], netherlands["received_usd"]) == ("nation", "1156500.00")
    assert (netherlands["gdp_year"], netherlands["gdp_usd"]) == ("2023", "1118100000000")
    germany = next(r for r in rows if r["code"] == "DEU")
    assert (germany["received_usd"], germany["note"]) == ("", "withheld")


def test_the_forecast_is_for_the_coordinator_and_the_auditor(world: World) -> None:
    build_world(world)
    for who, status in (("coordinator", 200), ("auditor", 200), ("contributor", 403),
                        ("recipient", 403), (None, 401)):  # fmt: skip
        assert fetch(world, who, FORECAST).status_code == status, who
    document = fetch(world, "coordinator", FORECAST, target_minor="200000000").json()
    assert document["target"]["amount"] == "2000000.00"
    assert document["pool_usd"]["amount"] == "4298092.65"  # the coordinator sees every fund
    assert document["cycle"] == "2025-10"
    assert document["level"] == 0.8 and document["window_months"] == 6
    assert [r["line"] for r in document["ranks"]] == ["L-1", "L-2"]
    # The pool holds the target and both lines already: reached on the day asked.
    today = document["as_of"]
    assert document["target_reach"]["expected_on"] == today
    assert all(r["reach"] is None or r["reach"]["expected_on"] == today for r in document["ranks"])


def test_the_forecast_as_csv_lists_the_target_and_each_rank(world: World) -> None:
    build_world(world)
    response = fetch(world, "auditor", FORECAST, format="csv")
    assert response.status_code == 200, response.text
    rows = csv_rows(response.text)
    assert [(r["record"], r["line"]) for r in rows] == [
        ("target", ""), ("rank", "L-1"), ("rank", "L-2")
    ]  # fmt: skip
    assert rows[0]["unfunded_usd"] == "500000000.00"


def test_a_target_beyond_the_bound_is_refused_naming_the_field(world: World) -> None:
    response = fetch(world, "coordinator", FORECAST, target_minor=str(10**16))
    assert response.status_code == 422
    assert response.json()["field"] == "target_minor"
