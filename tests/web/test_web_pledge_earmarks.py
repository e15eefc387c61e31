"""The pledge form's earmark goes through the same pledge command: an area no catalog item has
is refused next to the areas field (422) and nothing is saved; a catalog area is kept."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from web_world import csrf_of

from purldesk.bootstrap import Application
from purldesk.services import catalog, contributions

GOOD_PLEDGE = {"amount": "1,000,000", "currency": "EUR", "pledged_on": "2025-12-01"}


def test_a_pledge_earmarked_to_an_unknown_area_is_refused_next_to_the_field(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    nld = client_for("contributor-nld")
    before = len(contributions.list_all(wired.uow()))
    page = nld.get("/contributions")
    data = {"csrf_token": csrf_of(page.text), **GOOD_PLEDGE, "areas": "tanks"}

    response = nld.post("/contributions", data=data)

    assert response.status_code == 422
    assert "no catalog item has area(s) tanks" in response.text
    assert len(contributions.list_all(wired.uow())) == before


def test_a_pledge_earmarked_to_a_catalog_area_is_kept(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    area = catalog.list_all(wired.uow())[0].area
    nld = client_for("contributor-nld")
    page = nld.get("/contributions")
    data = {"csrf_token": csrf_of(page.text), **GOOD_PLEDGE, "areas": area}

    response = nld.post("/contributions", data=data, follow_redirects=False)

    assert response.status_code == 303
    assert contributions.list_all(wired.uow())[-1].earmark.areas == frozenset({area})


def test_an_area_is_read_as_on_every_other_edge(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    area = catalog.list_all(wired.uow())[0].area
    nld = client_for("contributor-nld")
    page = nld.get("/contributions")
    data = {"csrf_token": csrf_of(page.text), **GOOD_PLEDGE, "areas": f" {area.title()} "}

    response = nld.post("/contributions", data=data, follow_redirects=False)

    assert response.status_code == 303
    assert contributions.list_all(wired.uow())[-1].earmark.areas == frozenset({area})
