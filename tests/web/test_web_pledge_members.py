"""The pledge form's members' parts go through the same pledge command: parts that do not sum to
the pledge are refused next to the field (422) and nothing is saved; good parts are kept, shown
on the contributions page, and on a member's statement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from web_world import csrf_of

from purldesk.bootstrap import Application
from purldesk.demo import scenario
from purldesk.domain.access import Role, operator
from purldesk.services import contributions, users

PARTS = {
    "part_amount_DNK": "580,000,000", "part_currency_DNK": "DKK",
    "part_amount_NOR": "1,500,000,000", "part_currency_NOR": "NOK",
    "part_amount_SWE": "275,000,000", "part_currency_SWE": "USD",
}  # fmt: skip
PLEDGE = {"amount": "510,794,953.87", "currency": "USD", "pledged_on": "2025-08-05"}


def nordic_user(wired: Application) -> None:
    """A dashboard user for the demo's Nordic group (NORDIC-3: Denmark, Norway, Sweden)."""
    settings = wired.settings.auth
    add = users.AddUser(
        name="contributor-nordic", organization="NORDIC-3", role=Role.CONTRIBUTOR,
        token_lifetime=timedelta(days=1), pepper=settings.token_pepper.get_secret_value().encode(),
    )  # fmt: skip
    wired.run(add, actor=operator("test"), request_id="test")
    password = wired.passwords.hash(scenario.DEMO_PASSWORD)
    wired.run(
        users.SetPassword(name="contributor-nordic", password_hash=password),
        actor=operator("test"), request_id="test",
    )  # fmt: skip


def test_a_groups_pledge_with_its_members_parts_from_the_form(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    nordic_user(wired)
    client = client_for("contributor-nordic")
    before = len(contributions.list_all(wired.uow()))
    page = client.get("/contributions")
    # One amount and one currency chooser per member of the group, named: no code typed.
    for member in ("Denmark (DNK)", "Norway (NOR)", "Sweden (SWE)"):
        assert f">{member}: amount</label>" in page.text
    assert 'name="part_currency_SWE"' in page.text
    assert 'id="part_amount_NLD"' not in page.text
    data = {"csrf_token": csrf_of(page.text), **PLEDGE, **PARTS}

    refused = client.post("/contributions", data={**data, "amount": "500,000,000"})

    assert refused.status_code == 422
    assert 'aria-describedby="members-error"' in refused.text
    assert "the parts sum to USD 510,794,953.87" in refused.text
    assert len(contributions.list_all(wired.uow())) == before

    made = client.post("/contributions", data=data)

    assert made.status_code == 303
    pledged = contributions.list_all(wired.uow())[-1]
    assert [p.member for p in pledged.members] == ["DNK", "NOR", "SWE"]
    shown = client.get("/contributions").text
    assert f'aria-label="Members\' parts of {pledged.ref}"' in shown
    assert "DNK: DKK 580,000,000.00 = USD 89,729,338.62" in shown
    statement = client_for("coordinator").get("/statement", params={"contributor": "DNK"}).text
    assert "Through groups" in statement and pledged.ref in statement
