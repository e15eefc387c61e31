"""The package page lists its payments a page at a time, in the package's order, the
undisclosed bucket last; a page number at fault is refused naming the field, and a page past
the end shows the last one."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from purldesk.bootstrap import Application
from purldesk.services.views import packages as package_pages

ClientFor = Callable[[str | None], TestClient]
ROW = re.compile(r'<tr><td>([^<]*)</td><td class="ref">([^<]*)</td><td class="ref">([^<]*)</td>')


def _payments(html: str) -> list[tuple[str, str, str]]:
    """The rows of the page's table of payments: contributor, contribution, line."""
    table = html.split('id="payments"', 1)[1].split("</table>", 1)[0]
    return ROW.findall(table)


def _most_paid(wired: Application) -> int:
    with wired.uow() as uow:
        return max(uow.packages.list(), key=lambda p: len(p.attributions)).id


def test_the_payments_are_paged_and_the_pages_laid_end_to_end_are_all_of_them(
    wired: Application, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("coordinator")
    package = _most_paid(wired)
    whole = _payments(client.get(f"/packages/{package}").text)
    assert len(whole) > 2
    monkeypatch.setattr(package_pages, "PAYMENTS_PAGE_SIZE", 2)
    first = client.get(f"/packages/{package}")
    assert first.status_code == 200
    assert 'aria-label="Pages of the payments"' in first.text
    assert f"1–2 of {len(whole)} payments" in first.text
    pages = -(-len(whole) // 2)
    laid = []
    for number in range(1, pages + 1):
        laid += _payments(client.get(f"/packages/{package}?payments_page={number}").text)
    assert laid == whole
    past = client.get(f"/packages/{package}?payments_page={pages + 5}")
    assert _payments(past.text) == whole[(pages - 1) * 2 :]


@pytest.mark.parametrize("asked", ["0", "two", "-1", "99999999"])
def test_a_page_number_at_fault_is_refused_naming_the_field(
    wired: Application, client_for: ClientFor, asked: str
) -> None:
    response = client_for("coordinator").get(f"/packages/{_most_paid(wired)}?payments_page={asked}")
    assert response.status_code == 422
    assert 'id="payments_page-error"' in response.text
    assert "Enter a page number" in response.text
