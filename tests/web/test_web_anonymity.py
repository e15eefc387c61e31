"""A contributor that gives anonymously is not named on any page others see: the public page,
the package page, the contributions list. It chooses so on its own contributions page."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from web_world import csrf_of

NAME = "Netherlands"  # the demo's NLD gave C-00001 alone, which pays for P-0001
PURPOSE = "First PURL package"


def make_nld_anonymous(nld: TestClient, *, confidential: bool = False) -> None:
    page = nld.get("/contributions")
    form = {"csrf_token": csrf_of(page.text), "anonymous": "on"}
    if confidential:
        form["confidential"] = "on"
    response = nld.post("/contributions/1/disclosure", data=form)
    assert response.status_code == 303, response.text
    assert "done=disclosure" in response.headers["location"]


def test_the_public_page_and_the_package_page_do_not_name_an_anonymous_giver(
    client_for: Callable[[str | None], TestClient],
) -> None:
    public = client_for(None)
    others = [client_for(name) for name in ("recipient", "supplier", "contributor-kor")]
    # Named to everyone before: the check below would see a leak.
    assert NAME in public.get("/public").text
    for client in others:
        assert NAME in client.get("/packages/1").text
    make_nld_anonymous(client_for("contributor-nld"))
    page, burden = _burden_section(public.get("/public").text)
    assert NAME not in page
    # Burden-sharing lists every participating nation; anonymous money counts for none of them.
    nld_row = re.search(r'<tr id="burden-NLD">.*?</tr>', burden, re.S)
    assert nld_row and "USD 0.00" in nld_row.group(0)
    assert re.search(r"<td>Anonymous</td><td class=\"num\">USD [0-9,.]+</td>", page)
    assert NAME not in _burden_section(public.get("/").text)[0]
    for client in others:
        package = client.get("/packages/1").text
        assert NAME not in package
        assert '<td>Anonymous</td><td class="ref">C-00001</td>' in package


def _burden_section(page: str) -> tuple[str, str]:
    """The page without its burden-sharing section, and the section."""
    found = re.search(r'<section aria-labelledby="burden-h".*?</section>', page, re.S)
    assert found, "the public page has a burden-sharing section"
    return page[: found.start()] + page[found.end() :], found.group(0)


def test_the_giver_coordinator_and_auditor_still_see_who_paid(
    client_for: Callable[[str | None], TestClient],
) -> None:
    nld = client_for("contributor-nld")
    make_nld_anonymous(nld)
    for client in (nld, client_for("coordinator"), client_for("auditor")):
        assert f'<td>{NAME}</td><td class="ref">C-00001</td>' in client.get("/packages/1").text
    own = nld.get("/contributions").text
    row = own.split('<tr id="C-00001">', 1)[1].split("</tr>", 1)[0]
    assert NAME in row and PURPOSE not in row  # the purpose is not a column here
    assert re.search(r'name="anonymous"\s+checked', row)


def test_the_contributions_list_shows_anonymous_without_name_or_purpose(
    client_for: Callable[[str | None], TestClient],
) -> None:
    make_nld_anonymous(client_for("contributor-nld"), confidential=True)
    recipient = client_for("recipient").get("/contributions").text
    row = recipient.split('<tr id="C-00001">', 1)[1].split("</tr>", 1)[0]
    assert "<td>Anonymous</td>" in row and "undisclosed" in row
    assert NAME not in recipient
    assert 'action="/contributions/1/disclosure"' not in recipient


def test_another_contributor_cannot_change_what_others_see_of_it(
    client_for: Callable[[str | None], TestClient],
) -> None:
    korea = client_for("contributor-kor")
    token = csrf_of(korea.get("/contributions").text)
    refused = korea.post(
        "/contributions/1/disclosure", data={"csrf_token": token, "anonymous": "on"}
    )
    assert refused.status_code == 404
    coordinator = client_for("coordinator")
    token = csrf_of(coordinator.get("/contributions").text)
    denied = coordinator.post(
        "/contributions/1/disclosure", data={"csrf_token": token, "anonymous": "on"}
    )
    assert denied.status_code == 403
    assert NAME in client_for(None).get("/public").text


def test_a_pledge_made_anonymously_on_the_form_is_anonymous_to_others(
    client_for: Callable[[str | None], TestClient],
) -> None:
    korea = client_for("contributor-kor")
    page = korea.get("/contributions")
    response = korea.post("/contributions", data={
        "csrf_token": csrf_of(page.text), "amount": "1000", "currency": "USD",
        "pledged_on": "2025-12-05", "anonymous": "on", "purpose": "from Korea, quietly",
    })  # fmt: skip
    assert response.status_code == 303, response.text
    ref = response.headers["location"].rsplit("ref=", 1)[1]
    recipient = client_for("recipient").get("/contributions").text
    row = recipient.split(f'<tr id="{ref}">', 1)[1].split("</tr>", 1)[0]
    assert "<td>Anonymous</td>" in row and "USD 1,000.00" in row
    assert "from Korea" not in recipient
    own = korea.get("/contributions").text
    assert "Republic of Korea" in own.split(f'<tr id="{ref}">', 1)[1].split("</tr>", 1)[0]
