"""The coordinator opens the next cycle on the dashboard, carrying the unfunded lines of the
endorsed one as `cycles open --from` does; refusals sit next to their field (or the form), and
nothing is written then. Only a role that may open cycles is offered the form."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from web_world import csrf_of

import scenario_world
from purldesk.bootstrap import Application
from purldesk.domain.access import OPERATOR
from purldesk.services import requirements
from purldesk.services.views import requirements as list_pages

PREVIOUS = scenario_world.CYCLE_NAME  # 2025-09, endorsed, one allocation committed
FORM = {"name": "2026-01", "opens_on": "2026-01-01", "carry_from": PREVIOUS}


def post(client: TestClient, data: dict[str, str]) -> httpx.Response:
    page = client.get("/requirements")
    return client.post("/cycles", data={"csrf_token": csrf_of(page.text), **data})


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert found is not None, f"no error next to {field}"
    return found.group(1)


def cycle_names(wired: Application) -> list[str]:
    with wired.reader() as reader:
        return [c.name for c in reader.cycles()]


def unfunded_refs(wired: Application, cycle: str) -> tuple[list[str], int]:
    """The active lines of `cycle` not fully funded, in their order, as its page shows them,
    and the number of its active lines."""
    every = list_pages.ListQuery(size=10_000)
    view = list_pages.requirements(wired.reader(), viewer=OPERATOR, cycle_name=cycle, query=every)
    lines = view.active_lines
    return [line.ref for line in lines if line.funded.minor < line.cost.minor], len(lines)


@pytest.fixture
def coordinator(client_for: Callable[[str | None], TestClient]) -> TestClient:
    return client_for("coordinator")


def test_the_coordinator_opens_a_cycle_carrying_the_unfunded_lines(
    coordinator: TestClient, wired: Application
) -> None:
    page = coordinator.get("/requirements").text
    assert 'action="/cycles"' in page
    assert f'<option value="{PREVIOUS}">cycle {PREVIOUS}</option>' in page
    expected, active = unfunded_refs(wired, PREVIOUS)
    assert 0 < len(expected) < active  # the allocation funded some lines in full

    response = post(coordinator, FORM)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/requirements?cycle=2026-01&done=carried")
    shown = coordinator.get(response.headers["location"]).text
    assert "Cycle 2026-01 opened as a draft, carrying the unfunded lines" in shown
    new = requirements.find_cycle(wired.uow(), name="2026-01")
    assert new is not None and new.status == "draft"
    carried = requirements.list_lines(wired.uow(), cycle_id=new.id)
    assert [line.ref for line in carried] == expected
    assert [line.rank for line in carried] == list(range(1, len(expected) + 1))
    with wired.uow() as uow:
        entry = uow.audit.entries()[-1]
    assert (entry.action, entry.target, entry.role) == ("cycles.open", "2026-01", "coordinator")


def test_a_cycle_opened_without_a_previous_one_starts_empty(
    coordinator: TestClient, wired: Application
) -> None:
    response = post(coordinator, {**FORM, "carry_from": ""})
    assert response.status_code == 303
    assert "done=opened" in response.headers["location"]
    new = requirements.find_cycle(wired.uow(), name="2026-01")
    assert new is not None
    assert requirements.list_lines(wired.uow(), cycle_id=new.id) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "open-name", "Enter a name"),
        ({"name": "x" * 201}, "open-name", "at most 200"),
        ({"opens_on": "January"}, "open-opens_on", "is not a date"),
        ({"opens_on": "2025-08-01"}, "open-opens_on", f"must be after the opening of {PREVIOUS}"),
        ({"name": PREVIOUS}, "open-name", f"cycle {PREVIOUS} already exists"),
        ({"carry_from": "1999-01"}, "open-carry_from", "cycle 1999-01 not found"),
    ],
)
def test_a_refused_opening_names_its_field_and_writes_nothing(
    coordinator: TestClient,
    wired: Application,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = cycle_names(wired)
    response = post(coordinator, {**FORM, **changes})
    assert response.status_code in (409, 422)
    assert message in field_error(response.text, field)
    assert 'id="open-cycle" open' in response.text  # the form stays open, with what was typed
    assert cycle_names(wired) == before


def test_a_cycle_is_carried_once(coordinator: TestClient, wired: Application) -> None:
    assert post(coordinator, FORM).status_code == 303
    again = post(coordinator, {**FORM, "name": "2026-02", "opens_on": "2026-02-01"})
    assert again.status_code == 409
    assert f"cycle {PREVIOUS} was carried already" in field_error(again.text, "open")
    assert "2026-02" not in cycle_names(wired)


@pytest.mark.parametrize("name", ["recipient", "contributor-nld", "supplier", "auditor"])
def test_only_who_may_open_cycles_is_offered_the_form(
    client_for: Callable[[str | None], TestClient], wired: Application, name: str
) -> None:
    client = client_for(name)
    assert 'action="/cycles"' not in client.get("/requirements").text
    response = post(client, FORM)
    assert response.status_code == 403
    assert "2026-01" not in cycle_names(wired)


def test_a_form_without_its_csrf_token_is_refused(
    coordinator: TestClient, wired: Application
) -> None:
    response = coordinator.post("/cycles", data=FORM)
    assert response.status_code == 403
    assert "2026-01" not in cycle_names(wired)
