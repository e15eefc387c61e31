"""The coordinator previews an allocation (packages, total, every short line and its binding
cause, naming whose money may not pay it) before committing it, and the commit writes the
packages the preview showed, or nothing when the allocation changed in between."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from web_world import NOW, csrf_of

from purldesk.bootstrap import Application
from purldesk.domain.money import Money
from purldesk.services import contributions

PREVIEW = "/requirements/2025-09/allocation?target=50000000&on=2025-12-06"


def receive(wired: Application, contributor: str, usd: int) -> None:
    """USD `usd` from `contributor`, pledged and received on the day of the preview."""
    pledged = contributions.pledge(
        wired.uow(), contributor=contributor, amount=Money.of(usd, "USD"),
        pledged_on=date(2025, 12, 6), at=NOW, purpose="the next allocation",
    )  # fmt: skip
    contributions.receive(
        wired.uow(), wired.fx, contribution_id=pledged.id, received_on=date(2025, 12, 6), at=NOW
    )


@pytest.fixture
def fresh_money(wired: Application) -> None:
    """USD 200M received after the demo's allocation, for the next one to spend."""
    receive(wired, "NLD", 200_000_000)


def _hidden(html: str) -> dict[str, str]:
    """The commit form's hidden fields: the preview's target, date and digest."""
    return dict(
        re.findall(r'<input type="hidden" name="(target|on|digest)" value="([^"]*)">', html)
    )


def _package_costs(html: str) -> list[str]:
    body = html.split('id="preview-packages"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="num">(USD [\d,.]+)</td></tr>', body)


@pytest.mark.usefixtures("fresh_money")
def test_the_preview_shows_packages_total_and_reasons_in_money(
    client_for: Callable[[str | None], TestClient],
) -> None:
    page = client_for("coordinator").get(PREVIEW)
    assert page.status_code == 200
    assert len(_package_costs(page.text)) >= 2
    assert re.search(r'id="preview-total">USD [\d,]+\.\d{2}<', page.text)
    short = page.text.split('id="preview-short"', 1)[1]
    assert re.search(r'<span class="amount">USD \d{1,3}(,\d{3})*\.\d{2}</span> short', short)
    assert "minor units" not in page.text
    assert "Commit the allocation" in page.text


@pytest.mark.usefixtures("fresh_money")
def test_commit_writes_the_packages_the_preview_showed(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    with wired.uow() as uow:
        before = len(uow.packages.list())
    coordinator = client_for("coordinator")
    page = coordinator.get(PREVIEW)
    hidden = _hidden(page.text)
    assert re.fullmatch(r"[0-9a-f]{64}", hidden["digest"])
    committed = coordinator.post(
        "/requirements/2025-09/allocate", data={"csrf_token": csrf_of(page.text), **hidden}
    )
    assert committed.status_code == 303
    with wired.uow() as uow:
        written = uow.packages.list()[before:]
    previewed = _package_costs(page.text)
    assert previewed and [p.cost.format() for p in written] == previewed


@pytest.mark.usefixtures("fresh_money")
def test_money_received_after_the_preview_refuses_the_commit_and_shows_it_anew(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    with wired.uow() as uow:
        before = len(uow.packages.list())
    coordinator = client_for("coordinator")
    page = coordinator.get(PREVIEW)
    receive(wired, "DEU", 300_000_000)
    refused = coordinator.post(
        "/requirements/2025-09/allocate",
        data={"csrf_token": csrf_of(page.text), **_hidden(page.text)},
    )
    assert refused.status_code == 409
    assert "the allocation changed since the preview; preview again" in refused.text
    with wired.uow() as uow:
        assert len(uow.packages.list()) == before
    anew = _package_costs(refused.text)  # the allocation as it now stands, to commit or not
    assert anew != _package_costs(page.text)
    committed = coordinator.post(
        "/requirements/2025-09/allocate",
        data={"csrf_token": csrf_of(refused.text), **_hidden(refused.text)},
    )
    assert committed.status_code == 303
    with wired.uow() as uow:
        assert [p.cost.format() for p in uow.packages.list()[before:]] == anew


def test_money_that_may_not_pay_a_line_is_named_beside_it(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    receive(wired, "KOR", 1_000_000_000)  # non-lethal only: more than its lines need
    page = client_for("coordinator").get(PREVIEW)
    assert page.status_code == 200
    rows = page.text.split('id="preview-short"', 1)[1].split("</tbody>", 1)[0].split("<tr ")
    weapons = next(row for row in rows if 'data-cause="money_not_allowed"' in row)
    assert ">Money not allowed</b>" in weapons
    assert '<b>Republic of Korea (KOR)</b>, <span class="amount">USD ' in weapons
    assert "is not allowed (allowed: humanitarian, nonlethal)" in weapons
    assert "phase &#39;baseline&#39;" in weapons
    assert "dprk_troops_in_theatre = 14000 on 2025-04-15" in weapons


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
