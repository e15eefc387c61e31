"""The recipient edits and withdraws lines on the dashboard: refusals sit next to their field,
nothing is half-saved, and the line's page shows every rank and edit with who and when."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from web_world import NOW, csrf_of

from purldesk.bootstrap import Application
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.requirements import CycleId, LineId, LineStatus
from purldesk.services import catalog, requirements
from purldesk.services.requirements import LineRow

DRAFT = "2025-11"
LINE_PAGE = f"/requirements/{DRAFT}/lines/N-2"


@pytest.fixture
def item(wired: Application) -> CatalogItem:
    """A catalog item bought in lots of more than one unit."""
    return next(i for i in catalog.list_all(wired.uow()) if i.lot_size > 1)


@pytest.fixture
def draft(wired: Application, item: CatalogItem) -> CycleId:
    """A draft cycle of three lines N-1..N-3 of `item`, one lot each."""
    cycle = requirements.open_cycle(wired.uow(), name=DRAFT, opens_on=date(2025, 11, 1))
    rows = [
        LineRow(n, f"N-{n}", n, item.code, item.lot_size, date(2026, 3, 31), "first draft")
        for n in range(1, 4)
    ]
    requirements.import_lines(wired.uow(), cycle_id=cycle.id, rows=rows, at=NOW, by="UKR")
    return cycle.id


def post(client: TestClient, path: str, data: dict[str, str]) -> httpx.Response:
    page = client.get(LINE_PAGE)
    return client.post(path, data={"csrf_token": csrf_of(page.text), **data})


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert found is not None, f"no error next to {field}"
    return found.group(1)


def edit_form(item: CatalogItem, **changes: str) -> dict[str, str]:
    return {
        "quantity": str(item.lot_size), "needed_by": "2026-03-31",
        "justification": "first draft", **changes,
    }  # fmt: skip


def test_the_recipient_changes_a_line_and_sees_it_in_the_history(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    draft: CycleId,
    item: CatalogItem,
) -> None:
    recipient = client_for("recipient")
    quantity = str(3 * item.lot_size)
    response = post(recipient, f"{LINE_PAGE}/edit", edit_form(
        item, quantity=quantity, justification="winter front",
    ))  # fmt: skip
    assert response.status_code == 303, response.text

    page = recipient.get(response.headers["location"]).text

    assert "Line N-2 changed." in page
    assert f'id="line-quantity">{int(quantity):,}<' in page
    assert 'id="line-justification">winter front<' in page
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td><td>([^<]*)</td>"
                      r"<td>([^<]+)</td></tr>", page)  # fmt: skip
    assert rows == [
        ("2025-12-06 09:00 UTC", "2", "justification: first draft → winter front", "recipient"),
        ("2025-12-06 09:00 UTC", "2", f"quantity: {item.lot_size} → {quantity}", "recipient"),
        ("2025-12-06 09:00 UTC", "2", "added at rank 2", "UKR"),
    ]
    line = requirements.find_line(wired.uow(), cycle_id=draft, ref="N-2")
    assert (line.quantity, line.justification) == (int(quantity), "winter front")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "two"}, "quantity", "Enter a whole number, 1 or more."),
        ({"quantity": "0"}, "quantity", "Enter a whole number, 1 or more."),
        ({"needed_by": "31/03/2026"}, "needed_by", "Enter a date (YYYY-MM-DD)."),
        ({"justification": "x" * 2001}, "justification", "Keep it to 2,000 characters."),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_nothing_is_saved(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    draft: CycleId,
    item: CatalogItem,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    recipient = client_for("recipient")
    form = edit_form(item, **{"justification": "a new reason", **changes})
    response = post(recipient, f"{LINE_PAGE}/edit", form)
    assert response.status_code == 422
    html = response.text
    assert field_error(html, field) == message
    assert f'id="{field}" ' in html and 'aria-invalid="true"' in html
    line = requirements.find_line(wired.uow(), cycle_id=draft, ref="N-2")
    assert (line.quantity, line.justification) == (item.lot_size, "first draft")
    assert requirements.change_history(wired.uow(), line_id=line.id) == []


def test_a_quantity_of_part_lots_is_refused_by_the_rules_and_nothing_is_half_saved(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    draft: CycleId,
    item: CatalogItem,
) -> None:
    recipient = client_for("recipient")
    form = edit_form(item, quantity=str(item.lot_size + 1), justification="changed too")
    response = post(recipient, f"{LINE_PAGE}/edit", form)
    assert response.status_code == 422
    html = response.text
    assert f"lots of {item.lot_size}" in field_error(html, "quantity")
    assert "changed too" in html  # what was typed is kept in the form
    line = requirements.find_line(wired.uow(), cycle_id=draft, ref="N-2")
    assert line.justification == "first draft"  # the justification was not saved alone


def test_a_form_that_changes_nothing_says_so(
    client_for: Callable[[str | None], TestClient], draft: CycleId, item: CatalogItem
) -> None:
    response = post(client_for("recipient"), f"{LINE_PAGE}/edit", edit_form(item))
    assert response.status_code == 422
    assert "nothing to change" in field_error(response.text, "edit")


def test_the_recipient_withdraws_a_line_and_the_list_closes_up(
    client_for: Callable[[str | None], TestClient], wired: Application, draft: CycleId
) -> None:
    recipient = client_for("recipient")
    assert "Withdraw N-2 from the list" in recipient.get(LINE_PAGE).text
    response = post(
        recipient, f"{LINE_PAGE}/withdraw", {"reason": "met bilaterally", "confirm": "yes"}
    )
    assert response.status_code == 303

    page = recipient.get(response.headers["location"]).text

    assert "Line N-2 withdrawn from the list." in page
    assert re.search(r'<tr id="line-N-2" class="withdrawn">.*?Withdrawn', page, re.S)
    assert "Move N-2 up" not in page
    lines = requirements.list_lines(wired.uow(), cycle_id=draft)
    assert [(ln.ref, ln.rank, ln.status) for ln in lines if ln.ref != "N-2"] == [
        ("N-1", 1, LineStatus.OPEN),
        ("N-3", 2, LineStatus.OPEN),
    ]
    history = recipient.get(LINE_PAGE).text
    assert "status: open → withdrawn" in history
    assert "reason: met bilaterally" in history
    assert "Withdraw N-2 from the list" not in history
    assert "Save the changes to N-2" not in history


def test_a_withdrawal_without_a_reason_is_refused_next_to_it(
    client_for: Callable[[str | None], TestClient], wired: Application, draft: CycleId
) -> None:
    response = post(client_for("recipient"), f"{LINE_PAGE}/withdraw", {"reason": "  "})
    assert response.status_code == 422
    assert field_error(response.text, "reason") == "Say why the line is withdrawn."
    line = requirements.find_line(wired.uow(), cycle_id=draft, ref="N-2")
    assert line.status is LineStatus.OPEN


def test_a_form_without_its_csrf_token_writes_nothing(
    client_for: Callable[[str | None], TestClient], wired: Application, draft: CycleId
) -> None:
    recipient = client_for("recipient")
    response = recipient.post(f"{LINE_PAGE}/withdraw", data={"reason": "x", "csrf_token": "no"})
    assert response.status_code == 403
    line = requirements.find_line(wired.uow(), cycle_id=draft, ref="N-2")
    assert line.status is LineStatus.OPEN


def test_other_roles_get_no_forms_and_cannot_post_them(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    draft: CycleId,
    item: CatalogItem,
) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get(LINE_PAGE).text
    assert "Save the changes" not in page and "Withdraw N-2" not in page
    token = csrf_of(page)
    edited = coordinator.post(f"{LINE_PAGE}/edit", data={"csrf_token": token, **edit_form(
        item, justification="coordinator's view")})  # fmt: skip
    withdrawn = coordinator.post(f"{LINE_PAGE}/withdraw", data={"csrf_token": token, "reason": "x"})
    assert (edited.status_code, withdrawn.status_code) == (403, 403)
    line = requirements.find_line(wired.uow(), cycle_id=draft, ref="N-2")
    assert (line.status, line.justification) == (LineStatus.OPEN, "first draft")


def test_an_endorsed_list_offers_no_forms(
    client_for: Callable[[str | None], TestClient],
) -> None:
    page = client_for("recipient").get("/requirements").text
    ref = re.search(r'aria-label="Rank history of ([^"]+)"', page)
    assert ref is not None
    cycle = re.search(r"cycle ([0-9-]+)</h1>", page)
    assert cycle is not None
    line = client_for("recipient").get(f"/requirements/{cycle.group(1)}/lines/{ref.group(1)}")
    assert line.status_code == 200
    assert "Save the changes" not in line.text and "Withdraw " not in line.text


def test_after_a_withdrawal_ranks_are_offered_among_the_active_lines_only(
    client_for: Callable[[str | None], TestClient], wired: Application, draft: CycleId
) -> None:
    recipient = client_for("recipient")
    post(recipient, f"{LINE_PAGE}/withdraw", {"reason": "met bilaterally", "confirm": "yes"})
    page = recipient.get(f"/requirements?cycle={DRAFT}").text
    token = csrf_of(page)

    too_far = recipient.post(
        f"/requirements/{DRAFT}/lines/N-1/move", data={"csrf_token": token, "rank": "3"}
    )
    withdrawn = recipient.post(
        f"/requirements/{DRAFT}/lines/N-2/move", data={"csrf_token": token, "direction": "up"}
    )

    assert too_far.status_code == 422
    assert field_error(too_far.text, "rank-N-1") == "Enter a rank from 1 to 2."
    assert withdrawn.status_code == 409
    assert "line N-2 is withdrawn" in withdrawn.text
    ranks = {ln.ref: ln.rank for ln in requirements.list_lines(wired.uow(), cycle_id=draft)}
    assert ranks == {"N-1": 1, "N-3": 2, "N-2": 2}


def test_the_list_as_it_stood_on_a_past_day_is_one_form_away(
    client_for: Callable[[str | None], TestClient],
    wired: Application,
    draft: CycleId,
) -> None:
    later = NOW + timedelta(days=2)
    requirements.move_line(wired.uow(), line_id=LineId(_line_id(wired, draft, "N-3")),
                           new_rank=1, at=later, by="UKR")  # fmt: skip
    auditor = client_for("auditor")
    page = f"/requirements?cycle={DRAFT}"

    def stood(day: date) -> list[str]:
        response = auditor.get(f"{page}&as_of={day.isoformat()}")
        assert response.status_code == 200
        table = response.text.split('id="stood-h"', 1)[1]
        return re.findall(r"<tr><td class=\"num\">\d+</td><td class=\"ref\">(N-\d)</td>", table)

    assert "Show the list as it stood" in auditor.get(page).text
    assert stood(NOW.date()) == ["N-1", "N-2", "N-3"]
    assert stood(later.date()) == ["N-3", "N-1", "N-2"]
    assert "No line was on the list yet." in auditor.get(f"{page}&as_of=2025-01-01").text
    bad = auditor.get(f"{page}&as_of=yesterday")
    assert bad.status_code == 422
    assert field_error(bad.text, "as_of") == "is not a date (YYYY-MM-DD)"


def _line_id(wired: Application, cycle_id: CycleId, ref: str) -> int:
    return requirements.find_line(wired.uow(), cycle_id=cycle_id, ref=ref).id
