"""Over HTTP: the reference rates every user may read (the latest of each currency, whether it is
current, the rate a conversion would take on a day) and a rate from another official source,
recorded by the coordinator as `fx set` does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from api_world import USERS, World

API = "/api/v1"
UAH = {"currency": "UAH", "rate_date": "2025-09-30", "per_eur": "48.5012", "source": "NBU"}


def problem(world: World, path: str, **params: str) -> Any:
    response = world.client.get(path, headers=world.headers("auditor"), params=params)
    assert response.status_code == 422, response.text
    return response.json()


@pytest.mark.parametrize("who", list(USERS))
def test_every_user_reads_the_latest_rate_of_each_currency(world: World, who: str) -> None:
    listed = world.get(who, f"{API}/fx/rates")
    assert listed["on"] == "2025-10-01" and listed["conversion"] is None
    by_code = {r["currency"]: r for r in listed["rates"]}
    assert "EUR" not in by_code and {"USD", "GBP", "JPY"} <= set(by_code)
    usd = by_code["USD"]
    assert (usd["rate_date"], usd["source"], usd["loaded_at"], usd["current"]) == (
        "2025-10-01", "ECB", None, True,
    )  # fmt: skip


def test_the_lookup_gives_the_rate_a_receipt_on_that_day_records(world: World) -> None:
    asked = world.get("contributor", f"{API}/fx/rates", currency="EUR", on="2025-08-04")
    assert [r["currency"] for r in asked["rates"]] == ["USD"]  # the euro converts by USD's rate
    assert asked["conversion"] == {
        "currency": "EUR", "into": "USD", "on": "2025-08-04", "rate": asked["rates"][0]["per_eur"],
        "rate_date": "2025-08-04", "source": "ECB",
    }  # fmt: skip

    world.post("contributor", f"{API}/contributions", {
        "contributor": "NLD", "amount": "1000", "currency": "EUR", "pledged_on": "2025-08-04"})  # fmt: skip
    received = world.post("coordinator", f"{API}/contributions/1/receive", {"on": "2025-08-04"})
    assert Decimal(received["fx_rate"]) == Decimal(asked["conversion"]["rate"])
    assert received["fx_rate_date"] == asked["conversion"]["rate_date"]


def test_the_coordinator_records_a_rate_the_ecb_does_not_publish(world: World) -> None:
    assert problem(world, f"{API}/fx/rates", currency="UAH")["error"] == "FxRateUnavailable"

    recorded = world.post("coordinator", f"{API}/fx/rates", UAH)

    assert {k: recorded[k] for k in UAH} == UAH
    asked = world.get("recipient", f"{API}/fx/rates", currency="UAH")
    (uah,) = asked["rates"]
    assert (uah["per_eur"], uah["source"], uah["current"]) == ("48.5012", "NBU", True)
    assert uah["loaded_at"] is not None
    assert asked["conversion"]["source"] == "NBU; ECB"  # UAH's leg, then USD's
    audit = world.get("auditor", f"{API}/audit", limit=500)["items"]
    assert (audit[-1]["action"], audit[-1]["target"]) == ("fx.set", "UAH:2025-09-30")


def test_a_recorded_rate_is_never_revised(world: World) -> None:
    world.post("coordinator", f"{API}/fx/rates", UAH)
    again = world.post("coordinator", f"{API}/fx/rates", UAH)  # the same: nothing changes
    assert again["per_eur"] == "48.5012"
    response = world.client.post(
        f"{API}/fx/rates", json={**UAH, "per_eur": "49"},
        headers=world.headers("coordinator", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip
    assert response.status_code == 409
    assert "never revised" in response.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "EUR"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"per_eur": "0"}, "rate"),
        ({"rate_date": "2025-10-02"}, "rate_date"),  # after today
        ({"source": " "}, "source"),
    ],
)
def test_a_refused_rate_names_its_field(world: World, changes: dict[str, str], field: str) -> None:
    response = world.client.post(
        f"{API}/fx/rates", json={**UAH, **changes},
        headers=world.headers("coordinator", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_stale_rates_are_marked_and_the_lookup_names_the_latest_day(world: World) -> None:
    late = "2026-11-30"  # past the end of the bundled rates
    listed = world.get("auditor", f"{API}/fx/rates", on=late)["rates"]
    usd = next(r for r in listed if r["currency"] == "USD")
    assert (usd["rate_date"], usd["current"]) == ("2026-10-30", False)
    detail = problem(world, f"{API}/fx/rates", currency="EUR", on=late)["detail"]
    assert "the latest is 2026-10-30" in detail and "fx update" in detail
    assert problem(world, f"{API}/fx/rates", currency="XYZ")["field"] == "currency"
