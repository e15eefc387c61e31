"""The coordinator previews an allocation (packages, total, every short line and why) before
committing it, and the commit writes the packages the preview showed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_world import cancel_the_last_package, csrf_of

from purldesk.bootstrap import Application

PREVIEW = "/requirements/2025-09/allocation?target=50000000&on=2025-12-06"


@pytest.fixture
def room_to_allocate(wired: Application) -> None:
    """Money and the supplier's units for the next allocation to spend."""
    cancel_the_last_package(wired)


def _package_costs(html: str) -> list[str]:
    body = html.split('id="preview-packages"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="num">(USD [\d,.]+)</td></tr>', body)


@pytest.mark.usefixtures("room_to_allocate")
def test_the_preview_shows_packages_total_and_reasons_in_money(
    client_for: Callable[[str | None], TestClient],
) -> None:
    page = client_for("coordinator").get(PREVIEW)
    assert page.status_code == 200
    assert len(_package_costs(page.text)) >= 2
    assert re.search(r'id="preview-total">USD [\d,]+\.\d{2}<', page.text)
    short = page.text.split('id="preview-short"', 1)[1]
    assert re.search(r"USD \d{1,3}(,\d{3})*\.\d{2} short", short)
    assert "minor units" not in page.text
    assert "Commit the allocation" in page.text


@pytest.mark.usefixtures("room_to_allocate")
def test_commit_writes_the_packages_the_preview_showed(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    with wired.uow() as uow:
        before = len(uow.packages.list())
    coordinator = client_for("coordinator")
    page = coordinator.get(PREVIEW)
    hidden = dict(
        re.findall(r'<input type="hidden" name="(target|on)" value="([^"]*)">', page.text)
    )
    committed = coordinator.post(
        "/requirements/2025-09/allocate", data={"csrf_token": csrf_of(page.text), **hidden}
    )
    assert committed.status_code == 303
    with wired.uow() as uow:
        written = uow.packages.list()[before:]
    previewed = _package_costs(page.text)
    assert previewed and [p.cost.format() for p in written] == previewed


def test_a_bad_target_is_refused_on_the_list_page(
    client_for: Callable[[str | None], TestClient],
) -> None:
    page = client_for("coordinator").get("/requirements/2025-09/allocation?target=not+money")
    assert page.status_code == 422 and 'id="target-error"' in page.text


def test_only_who_may_allocate_sees_the_preview(
    client_for: Callable[[str | None], TestClient],
) -> None:
    refused = client_for("recipient").get(PREVIEW)
    assert refused.status_code == 422 and 'id="preview-packages"' not in refused.text
