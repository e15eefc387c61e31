"""Each field of the pledge, policy and login forms answers bad input next to itself (an
element `<field>-error`, referenced by the input's aria-describedby) and saves nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_world import csrf_of

from purldesk.bootstrap import Application
from purldesk.services import contributions

GOOD_PLEDGE = {"amount": "1,000,000", "currency": "EUR", "pledged_on": "2025-12-01"}


def _answered_next_to(html: str, field: str) -> None:
    assert f'id="{field}-error"' in html, f"no message for {field}"
    assert f'aria-invalid="true" aria-describedby="{field}-error"' in html


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"pledged_on": "1st of December"}, "pledged_on"),
        ({"aid_class": "nuclear"}, "aid_class"),
        ({"purpose": "x" * 2001}, "purpose"),
        ({"currency": "EURO"}, "currency"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1" + "0" * 21}, "amount"),
        ({"amount": "9223372036854775807", "currency": "KRW"}, "amount"),
        ({"currency": "KWD"}, "currency"),
    ],
)
def test_a_bad_pledge_field_is_answered_in_place_and_nothing_is_saved(
    client_for: Callable[..., TestClient],
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
    _answered_next_to(response.text, field)
    assert len(contributions.list_all(wired.uow())) == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"on": "someday"}, "on"),
        ({"indicator": "front_line_km", "value": "many"}, "value"),
        ({"currency": "ZZZ", "amount": "100"}, "currency"),
        ({"currency": "USD", "amount": "1" + "0" * 21}, "amount"),
    ],
)
def test_a_bad_policy_query_is_answered_in_place(
    client_for: Callable[..., TestClient], query: dict[str, str], field: str
) -> None:
    coordinator = client_for("coordinator")
    response = coordinator.get("/policy", params={"contributor": "KOR", **query})
    assert response.status_code == 422
    _answered_next_to(response.text, field)
    assert "Under this assumption" not in response.text


def test_an_empty_user_name_is_answered_in_place(client_for: Callable[..., TestClient]) -> None:
    anonymous = client_for(None)
    form = anonymous.get("/login")
    response = anonymous.post(
        "/login",
        data={"username": " ", "password": "x", "next": "/", "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code in (401, 422)
    _answered_next_to(response.text, "username")
    assert "session" not in {c.lower() for c in anonymous.cookies}
