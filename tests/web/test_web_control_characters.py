"""A control character in any posted field is refused with a page naming the field (422) and
nothing is saved; in a query or path parameter it is a problem document, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from web_world import NOW, csrf_of

from purldesk.bootstrap import Application
from purldesk.services import catalog, contributions, requirements
from purldesk.services.requirements import LineRow

GOOD_PLEDGE = {"amount": "1,000,000", "currency": "EUR", "pledged_on": "2025-12-01"}


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"purpose": "for\x00winter"}, "purpose"),
        ({"areas": "medical,\x1bx"}, "areas"),
        ({"aid_class": "defensive\x00"}, "aid_class"),
    ],
)
def test_a_pledge_with_a_control_character_is_refused_naming_the_field(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    changed: dict[str, str],
    field: str,
) -> None:
    nld = client_for("contributor-nld")
    before = len(contributions.list_all(wired.uow()))
    page = nld.get("/contributions")

    response = nld.post(
        "/contributions", data={"csrf_token": csrf_of(page.text), **GOOD_PLEDGE, **changed}
    )

    assert response.status_code == 422
    assert f"{field}: contains the control character" in response.text
    assert len(contributions.list_all(wired.uow())) == before


def test_a_justification_with_nul_is_refused_and_the_line_kept(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    item = catalog.list_all(wired.uow())[0]
    cycle = requirements.open_cycle(wired.uow(), name="2025-11", opens_on=date(2025, 11, 1))
    row = LineRow(1, "N-1", 1, item.code, item.lot_size, date(2026, 3, 31), "first draft")
    requirements.import_lines(wired.uow(), cycle_id=cycle.id, rows=[row], at=NOW, by="UKR")
    recipient = client_for("recipient")
    page = recipient.get("/requirements/2025-11/lines/N-1")

    response = recipient.post("/requirements/2025-11/lines/N-1/edit", data={
        "csrf_token": csrf_of(page.text), "quantity": str(item.lot_size),
        "needed_by": "2026-03-31", "justification": "cold\x00",
    })  # fmt: skip

    assert response.status_code == 422
    assert "justification: contains the control character U+0000" in response.text
    line = requirements.find_line(wired.uow(), cycle_id=cycle.id, ref="N-1")
    assert line.justification == "first draft"


def test_a_user_name_with_nul_is_answered_next_to_it(
    client_for: Callable[[str | None], TestClient],
) -> None:
    anonymous = client_for(None)
    form = anonymous.get("/login")
    response = anonymous.post("/login", data={
        "username": "recipient\x00", "password": "x", "next": "/", "csrf_token": csrf_of(form.text),
    })  # fmt: skip
    assert response.status_code == 422
    assert 'id="username-error"' in response.text and "U+0000" in response.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/requirements?cycle=2025%00", 422),
        ("/statement?contributor=NL%00D", 422),
        ("/login?next=/%00", 422),
        ("/requirements/2025%00/lines/L-1", 404),
    ],
)
def test_a_control_character_in_a_page_address_is_no_server_error(
    client_for: Callable[[str | None], TestClient], path: str, status: int
) -> None:
    response = client_for("coordinator").get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
