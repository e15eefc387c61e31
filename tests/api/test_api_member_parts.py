"""A group's pledge with its members' parts over HTTP: kept with each part's rate, refused
naming the field (422) for every bad part; parts shown only where the amount and the giver
are; a member's statement and the transparency report `by=members`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_world import PEPPER, SEEDER, World

from purldesk.domain.access import Role
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services import participants, users

NORDIC_PARTS = [
    {"member": "DNK", "amount": "580000000", "currency": "DKK"},
    {"member": "NOR", "amount": "1500000000", "currency": "NOK"},
    {"member": "SWE", "amount": "275000000", "currency": "USD"},
]
PLEDGE = {"contributor": "NORDIC-3", "currency": "USD", "pledged_on": "2025-08-05"}
NORDIC_SUM = "510794953.87"


def _nation(code: str) -> Participant:
    return Participant(ParticipantCode(code), code, ParticipantKind.ALLY, ParticipantStatus.JOINED)


@pytest.fixture
def nordic(world: World) -> World:
    """The world with Denmark, Norway, Sweden and their group, a user for the group and one for
    Denmark."""
    group = Participant(
        ParticipantCode("NORDIC-3"), "Nordic three", ParticipantKind.ALLY,
        ParticipantStatus.JOINED, members=tuple(ParticipantCode(c) for c in ("DNK", "NOR", "SWE")),
    )  # fmt: skip
    participants.add_many(
        world.wired.uow(), participants=[*map(_nation, ("DNK", "NOR", "SWE")), group]
    )
    for column, name, org in [("nordic", "mof@nordic", "NORDIC-3"), ("denmark", "mof@dnk", "DNK")]:
        command = users.AddUser(
            name=name, organization=org, role=Role.CONTRIBUTOR,
            token_lifetime=timedelta(days=30), pepper=PEPPER.encode(),
        )  # fmt: skip
        _, world.tokens[column] = world.wired.run(command, actor=SEEDER, request_id="seed")
    return world


def pledge(world: World, members: list[dict[str, Any]], **body: Any) -> Any:
    return world.client.post(
        "/api/v1/contributions",
        json={**PLEDGE, "amount": NORDIC_SUM, "members": members, **body},
        headers=world.headers("nordic", **{"Idempotency-Key": world.key()}),
    )


def test_a_group_pledges_with_its_members_parts(nordic: World) -> None:
    response = pledge(nordic, NORDIC_PARTS)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["amount"] == NORDIC_SUM
    assert [(m["member"], m["amount"], m["currency"], m["usd_minor"], m["fx_rate"],
             m["fx_rate_date"]) for m in made["members"]] == [
        ("DNK", "580000000.00", "DKK", 8_972_933_862, "0.154705756244", "2025-08-05"),
        ("NOR", "1500000000.00", "NOK", 14_606_561_525, "0.0973770768323", "2025-08-05"),
        ("SWE", "275000000.00", "USD", 27_500_000_000, "1", "2025-08-05"),
    ]  # fmt: skip
    seen = nordic.get("coordinator", f"/api/v1/contributions/{made['id']}")
    assert seen["members"] == made["members"]


@pytest.mark.parametrize(
    ("members", "body", "field", "says"),
    [
        (NORDIC_PARTS, {"amount": "500000000"}, "members", "sum to USD 510,794,953.87"),
        ([{"member": "FIN", "amount": "1", "currency": "EUR"}], {}, "members", "not a member"),
        ([NORDIC_PARTS[2], NORDIC_PARTS[2]], {}, "members", "SWE is listed twice"),
        ([{"member": "DNK", "amount": "1", "currency": "DKX"}], {}, "members", "'DKX'"),
        ([{"member": "DNK", "amount": "1", "currency": "dkk"}], {}, "members.0.currency", ""),
        ([{"member": "DNK", "amount": "1e3", "currency": "DKK"}], {}, "members.0.amount", ""),
        ([{"member": "DNK", "amount": "1" + "0" * 16, "currency": "DKK"}], {}, "members",
         "bound on one amount"),
        ([{"member": "", "amount": "1", "currency": "DKK"}], {}, "members.0.member", ""),
        ([NORDIC_PARTS[0]] * 101, {}, "members", ""),
        (NORDIC_PARTS, {"currency": "EUR"}, "currency", "pledged in USD"),
    ],
)  # fmt: skip
def test_a_bad_part_is_refused_naming_its_field(
    nordic: World, members: list[dict[str, Any]], body: dict[str, Any], field: str, says: str
) -> None:
    response = pledge(nordic, members, **body)
    assert response.status_code == 422, response.text
    assert (response.json()["error"], response.json()["field"]) == ("InvalidInput", field)
    assert says in response.json()["detail"]
    assert nordic.get("coordinator", "/api/v1/contributions")["total"] == 0


def test_a_nation_lists_no_parts(nordic: World) -> None:
    response = nordic.client.post(
        "/api/v1/contributions",
        json={"contributor": "NLD", "amount": "1", "currency": "USD",
              "members": [{"member": "NLD", "amount": "1", "currency": "USD"}]},
        headers=nordic.headers("contributor", **{"Idempotency-Key": nordic.key()}),
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["field"] == "members" and "not a group" in response.json()["detail"]


def test_parts_of_a_confidential_pledge_are_hidden_and_the_report_shows_members(
    nordic: World,
) -> None:
    public = pledge(nordic, NORDIC_PARTS).json()
    hidden = pledge(nordic, NORDIC_PARTS, confidential=True).json()
    for made in (public, hidden):
        nordic.post("coordinator", f"/api/v1/contributions/{made['id']}/receive",
                    {"on": "2025-08-06"})  # fmt: skip
    seen = {
        c["id"]: c["members"] for c in nordic.get("recipient", "/api/v1/contributions")["items"]
    }
    assert seen[hidden["id"]] is None and len(seen[public["id"]]) == 3
    report = nordic.client.get("/api/v1/reports/transparency", params={"by": "members"}).json()
    assert report["contributors_by"] == "members"
    received = {c["name"]: c["received_usd"]["amount_minor"] for c in report["contributors"]}
    assert received == {"SWE": 27_500_000_000, "NOR": 14_606_561_525, "DNK": 8_972_933_862}
    groups = nordic.client.get("/api/v1/reports/transparency").json()["contributors"]
    assert [c["name"] for c in groups] == ["Nordic three"]
    refused = nordic.client.get("/api/v1/reports/transparency", params={"by": "nations"})
    assert refused.status_code == 422 and refused.json()["field"] == "by"
    statement = nordic.get("denmark", "/api/v1/reports/statements/DNK")["through_groups"]
    assert [(p["contribution"], p["group_usd"] is None) for p in statement["parts"]] == [
        (public["ref"], False), (hidden["ref"], True),
    ]  # fmt: skip
