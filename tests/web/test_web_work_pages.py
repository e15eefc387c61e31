"""The requirements page as a work page: searched, filtered and paged by its parameters, its
links keeping the filters, every code shown by its label, and choosers instead of typed codes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from web_world import csrf_of

import scenario_world
from purldesk.bootstrap import Application
from purldesk.domain.access import OPERATOR
from purldesk.services import catalog, requirements
from purldesk.services.read_ports import Funding, LineFilter
from purldesk.services.views import requirements as list_pages
from purldesk.services.views.labels import label

LIST = f"/requirements?cycle={scenario_world.CYCLE_NAME}"


def visible(page: str) -> str:
    """The page's text as a reader sees it: tags, scripts and attributes left out."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1]))


def rows(page: str) -> list[str]:
    """The refs of the list's rows, in order."""
    return re.findall(r'<tr id="line-([^"]+)"', page)


def every_line(wired: Application, matching: LineFilter | None = None) -> list[list_pages.LineRow]:
    query = list_pages.ListQuery(matching=matching or LineFilter(), size=10_000)
    view = list_pages.requirements(
        wired.reader(), viewer=OPERATOR, cycle_name=scenario_world.CYCLE_NAME, query=query
    )
    return view.lines


@pytest.fixture
def coordinator(client_for: Callable[[str | None], TestClient]) -> TestClient:
    return client_for("coordinator")


def test_the_list_comes_in_pages_whose_links_keep_the_filters(
    coordinator: TestClient, wired: Application
) -> None:
    lines = every_line(wired)
    first = coordinator.get(LIST).text
    assert rows(first) == [ln.ref for ln in lines[:50]]
    assert f"Lines 1–50 of {len(lines):,}" in visible(first)

    filtered = coordinator.get(f"{LIST}&area=air_defence&per_page=25").text
    air = [ln.ref for ln in lines if ln.area == "air_defence"]
    assert len(air) > 25  # enough for a second page
    assert rows(filtered) == air[:25]
    links = re.findall(r'<a href="(/requirements\?[^"]+)" rel="next">', filtered)
    assert len(links) == 2  # above and below the table
    asked = parse_qs(urlparse(html.unescape(links[0])).query)
    assert asked == {
        "cycle": [scenario_world.CYCLE_NAME], "area": ["air_defence"], "per_page": ["25"], "page": ["2"]
    }  # fmt: skip
    second = coordinator.get(html.unescape(links[0])).text
    assert rows(second) == air[25:50]


def test_a_search_finds_lines_by_ref_item_or_justification(
    coordinator: TestClient, wired: Application
) -> None:
    target = every_line(wired)[40]
    by_ref = coordinator.get(f"{LIST}&q={target.ref.lower()}").text
    assert rows(by_ref) == [target.ref]
    word = target.item_name.split()[-1].upper()
    by_item = coordinator.get(f"{LIST}&q={word}&per_page=200").text
    found = rows(by_item)
    assert target.ref in found
    assert found == [ln.ref for ln in every_line(wired, LineFilter(text=word))][:200]
    nothing = coordinator.get(f"{LIST}&q=no+such+thing+anywhere").text
    assert rows(nothing) == [] and "No line matches these filters" in nothing


def test_filters_by_status_and_funding_combine(coordinator: TestClient, wired: Application) -> None:
    unfunded = [ln.ref for ln in every_line(wired) if ln.funded.minor == 0]
    partly = [ln.ref for ln in every_line(wired) if 0 < ln.funded.minor < ln.cost.minor]
    assert unfunded and partly
    page = coordinator.get(f"{LIST}&funding=unfunded&per_page=200").text
    assert rows(page) == unfunded[:200]
    assert f"{len(unfunded):,} lines found" in visible(page)
    page = coordinator.get(f"{LIST}&funding=partly&status=partly_funded").text
    assert rows(page) == partly
    funded = coordinator.get(f"{LIST}&status=funded&aid_class=lethal&per_page=200").text
    expected = [ln.ref for ln in every_line(wired, LineFilter(funding=Funding.FULLY))]
    assert rows(funded) and set(rows(funded)) <= set(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=nearly", "status"), ("aid_class=nuclear", "aid_class"), ("funding=maybe", "funding"),
     ("per_page=7", "per_page"), ("page=0", "page"), ("page=first", "page")],
)  # fmt: skip
def test_a_filter_at_fault_is_named_next_to_its_field(
    coordinator: TestClient, query: str, field: str
) -> None:
    response = coordinator.get(f"{LIST}&{query}")
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    if field != "page":  # a page is asked by a link, not a field of the form
        assert f'aria-describedby="{field}-error"' in response.text


def test_a_page_past_the_end_shows_the_last_page(
    coordinator: TestClient, wired: Application
) -> None:
    lines = every_line(wired)
    page = coordinator.get(f"{LIST}&per_page=200&page=99").text
    assert rows(page) == [ln.ref for ln in lines[200:]]


def test_codes_are_shown_by_their_labels_and_kept_as_values(coordinator: TestClient) -> None:
    page = coordinator.get(LIST).text
    text = visible(page)
    for code in ("air_defence", "counter_drone", "nonlethal", "partly_funded"):
        assert code not in text
    assert "Air defence" in text and "Non-lethal" in text and "Counter-drone" in text
    assert '<option value="air_defence">Air defence</option>' in page
    overview = visible(coordinator.get("/").text)
    assert "air_defence" not in overview and "Air defence" in overview
    assert "nonlethal" not in overview and "Non-lethal" in overview


def test_a_move_returns_to_the_page_its_line_now_stands_on(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    cycle = requirements.open_cycle(wired.uow(), name="2026-02", opens_on=wired.clock.now().date())
    item = catalog.list_all(wired.uow())[0]
    lines = [
        requirements.LineRow(n, f"M-{n}", n, item.code, item.lot_size, wired.clock.now().date(),
                             "paging test")
        for n in range(1, 31)
    ]  # fmt: skip
    requirements.import_lines(
        wired.uow(), cycle_id=cycle.id, rows=lines, at=wired.clock.now(), by="UKR"
    )
    recipient = client_for("recipient")
    page = recipient.get("/requirements?cycle=2026-02&per_page=25").text
    assert rows(page)[-1] == "M-25"
    assert 'aria-label="Move M-1 up" disabled' in page
    assert 'aria-label="Move M-25 down" disabled' not in page  # M-26 is below it
    response = recipient.post(
        "/requirements/2026-02/lines/M-2/move",
        data={"csrf_token": csrf_of(page), "rank": "28", "per_page": "25"},
    )
    assert response.status_code == 303
    target = parse_qs(urlparse(response.headers["location"]).query)
    assert (target["page"], target["per_page"], target["done"]) == (["2"], ["25"], ["moved"])
    assert "M-2" in rows(recipient.get(response.headers["location"]).text)


def test_choosers_replace_typed_codes(client_for: Callable[[str | None], TestClient]) -> None:
    pledge_form = client_for("contributor-nld").get("/contributions").text
    assert '<input type="checkbox" name="areas" value="air_defence">' in pledge_form
    assert re.search(
        r'<select id="currency" name="currency"[^>]*>\s*<option>AUD</option>', pledge_form
    )
    assert 'id="areas" name="areas" value=' not in pledge_form  # no typed list of codes
    assert f"> {label('nonlethal')}</label>" in pledge_form
    policy = client_for("coordinator").get("/policy").text
    assert '<select id="contributor" name="contributor">' in policy
    assert '<option value="NLD">Netherlands (NLD)</option>' in policy
