"""The pledge form's earmark goes through the same pledge command: an area no catalog item has,
a package that is not one or takes no more money, an expiry before the pledge are refused next
to their field (422) and nothing is saved; a catalog area, a package, an expiry are kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from web_world import csrf_of

from purldesk.bootstrap import Application
from purldesk.domain.access import operator
from purldesk.domain.packages import PackageId
from purldesk.services import catalog, contributions, packages

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
    assert field_error(response.text, "areas") == "no catalog item has area(s) tanks"
    assert (
        '<fieldset id="areas" aria-invalid="true" aria-describedby="areas-error">' in response.text
    )
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


def pledge(client: TestClient, **fields: str) -> httpx.Response:
    page = client.get("/contributions")
    return client.post(
        "/contributions", data={"csrf_token": csrf_of(page.text), **GOOD_PLEDGE, **fields}
    )


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert found is not None, f"no error next to {field}"
    return found.group(1)


def test_the_form_offers_the_packages_still_taking_money(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    refs = [p.ref for p in packages.list_all(wired.uow())]
    assert len(refs) > 1
    cancel = packages.Cancel(package_id=PackageId(2), on=date(2025, 12, 6))
    wired.run(cancel, actor=operator("test"), request_id="t")

    page = client_for("contributor-nld").get("/contributions").text

    offered = re.findall(r'<option value="(P-\d{4})"', page)
    assert offered == [ref for ref in refs if ref != "P-0002"]


def test_a_pledge_earmarked_to_a_package_and_an_expiry_is_kept(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    nld = client_for("contributor-nld")
    response = pledge(nld, earmark_package="P-0001", earmark_expires_on="2026-06-30")

    assert response.status_code == 303
    made = contributions.list_all(wired.uow())[-1]
    assert (made.earmark.package_id, made.earmark.expires_on) == (1, date(2026, 6, 30))
    assert "only P-0001 until 2026-06-30" in nld.get("/contributions").text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"earmark_package": "P-0099"}, "earmark_package", "P-0099 is not a package"),
        ({"earmark_package": "the first"}, "earmark_package", "is not a package reference"),
        ({"earmark_expires_on": "2025-11-30"}, "earmark_expires_on", "is before the pledge"),
        ({"earmark_expires_on": "June"}, "earmark_expires_on", "is not a date"),
        ({"aid_class": "tanks"}, "aid_class", "Choose among the aid classes shown"),
    ],
)
def test_a_refused_earmark_part_is_named_next_to_its_field(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = len(contributions.list_all(wired.uow()))
    response = pledge(client_for("contributor-nld"), **fields)

    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert len(contributions.list_all(wired.uow())) == before


def test_a_cancelled_package_is_refused_even_if_posted(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    cancel = packages.Cancel(package_id=PackageId(1), on=date(2025, 12, 6))
    wired.run(cancel, actor=operator("test"), request_id="t")
    response = pledge(client_for("contributor-nld"), earmark_package="P-0001")
    assert response.status_code == 422
    assert "P-0001 is cancelled" in field_error(response.text, "earmark_package")
