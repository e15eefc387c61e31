"""The bound on one amount over HTTP, on both databases: a pledge beyond it is refused naming
the field and writes nothing; pledges at it are received and allocated, and every report still
answers (the API's, the public page and the command line's)."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import World, seed_list
from typer.testing import CliRunner

from purldesk.domain.money import MAX_AMOUNT_MINOR
from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases

API = "/api/v1"
AT_THE_BOUND = [("NLD", "10,000,000,000,000.00", "USD"), ("NLD", "1000000000000000", "KRW")]


def refused_pledge(world: World, body: dict[str, Any]) -> Any:
    response = world.client.post(
        f"{API}/contributions", json={"contributor": "NLD", "pledged_on": "2025-08-04", **body},
        headers=world.headers("contributor", **{"Idempotency-Key": world.key()}),
    )  # fmt: skip
    assert response.status_code == 422, response.text
    return response.json()


def nothing_written(world: World) -> None:
    assert world.get("coordinator", f"{API}/contributions")["total"] == 0
    assert world.get("auditor", f"{API}/ledger/entries", limit=1)["total"] == 0


@pytest.mark.parametrize(
    ("amount", "code"),
    [("9223372036854775807", "KRW"), ("1" + "0" * 21, "USD"), ("10000000000000.01", "USD"),
     ("1000000000000001", "KRW"), ("1,000,000,000,000.001", "KWD")],
)  # fmt: skip
def test_a_pledge_beyond_the_bound_is_refused_naming_the_amount_and_writes_nothing(
    world: World, amount: str, code: str
) -> None:
    problem = refused_pledge(world, {"amount": amount, "currency": code})
    assert problem["field"] == "amount"
    nothing_written(world)


def test_the_problem_names_the_bound_in_the_pledges_currency(world: World) -> None:
    problem = refused_pledge(world, {"amount": "9223372036854775807", "currency": "KRW"})
    assert "bound on one amount, KRW 1,000,000,000,000,000" in problem["detail"]


def test_pledges_at_the_bound_are_received_allocated_and_every_report_answers(
    world: World,
) -> None:
    seed_list(world)
    world.post("recipient", f"{API}/cycles/1/submit")
    world.post("coordinator", f"{API}/cycles/1/endorse")
    for contributor, amount, code in AT_THE_BOUND:
        pledge = {"contributor": contributor, "amount": amount, "currency": code}
        made = world.post(
            "contributor", f"{API}/contributions", pledge | {"pledged_on": "2025-08-04"}
        )
        assert made["amount_minor"] == MAX_AMOUNT_MINOR
        world.post("coordinator", f"{API}/contributions/{made['id']}/receive", {"on": "2025-08-04"})
    world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"})

    balances = world.get("coordinator", f"{API}/ledger/balances", limit=500)["items"]
    krw = [b for b in balances if b["account"] == "fx-trading" and b["currency"] == "KRW"]
    assert krw == [{"account": "fx-trading", "currency": "KRW", "balance_minor": MAX_AMOUNT_MINOR}]
    assert world.get("auditor", f"{API}/ledger/verify")["ok"] is True
    public = world.get("auditor", f"{API}/reports/transparency")
    assert public["received_usd"]["amount_minor"] > MAX_AMOUNT_MINOR
    world.get("contributor", f"{API}/reports/statements/NLD")
    assert world.client.get("/public").status_code == 200
    result = CliRunner().invoke(
        app, ["reports", "transparency", "--db", world.wired.settings.database_url]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("code", ["KWD", "TND", "BHD", "JOD", "OMR", "UAH"])
def test_a_pledge_in_a_currency_without_a_rate_is_refused_listing_those_accepted(
    world: World, code: str
) -> None:
    problem = refused_pledge(world, {"amount": "100", "currency": code})
    assert problem["field"] == "currency"
    accepted = problem["detail"].split("the accepted currencies are ", 1)[1].split(", ")
    assert {"EUR", "KRW", "USD"} <= set(accepted) and code not in accepted
    nothing_written(world)


def test_an_id_filter_beyond_any_stored_id_is_refused_naming_it(world: World) -> None:
    for path, field in (
        ("/api/v1/ledger/entries", "contribution_id"),
        ("/api/v1/ledger/entries", "package_id"),
        ("/api/v1/packages", "cycle_id"),
    ):
        response = world.client.get(
            path, params={field: str(2**63)}, headers=world.headers("coordinator")
        )
        assert response.status_code == 422, (path, response.text)
        assert field in response.text
        assert (
            world.client.get(
                path, params={field: "1"}, headers=world.headers("coordinator")
            ).status_code
            == 200
        )
