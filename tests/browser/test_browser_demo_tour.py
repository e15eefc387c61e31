"""The tour on the demo `make demo` builds (PURL's history): the recipient reorders, changes and
submits the current draft cycle; the coordinator's overview shows packages in their states,
coverage and the latest deliveries."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from purldesk.demo import history

DRAFT = "2026-02"


@pytest.fixture(scope="module")
def database(history_file: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("tour") / "purldesk.sqlite3"
    shutil.copyfile(history_file, copy)
    return f"sqlite:///{copy}"


def _refs(page: Any) -> list[str]:
    cells = page.locator("table.lines tbody tr td:nth-child(2)").all_inner_texts()
    return [t.strip() for t in cells]


def test_the_recipient_reorders_changes_and_submits_the_draft_cycle(
    page_as: Any, server: str
) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT}")
    expect(page.get_by_role("heading", name=f"Requirements list — cycle {DRAFT}")).to_be_visible()
    first, second, third = _refs(page)[:3]

    page.get_by_role("button", name=f"Move {third} up").click()
    expect(page.get_by_role("status")).to_have_text(f"Line {third} moved.")
    assert _refs(page)[:3] == [first, third, second]

    page.get_by_role("link", name=f"Rank history of {first}").click()
    page.get_by_label("Justification").fill("Interceptors first: winter strikes on the grid")
    page.get_by_role("button", name=f"Save the changes to {first}").click()
    expect(page.get_by_role("status")).to_have_text(f"Line {first} changed.")
    expect(page.get_by_role("table")).to_contain_text("Interceptors first")

    page.goto(f"{server}/requirements?cycle={DRAFT}")
    page.get_by_role("button", name="Submit the list for endorsement").click()
    expect(page.get_by_role("status")).to_have_text(f"Cycle {DRAFT} submitted for endorsement.")


def test_the_overview_shows_packages_in_their_states_coverage_and_deliveries(
    page_as: Any, server: str
) -> None:
    page = page_as("coordinator")
    page.goto(f"{server}/")
    packages = page.get_by_role("region", name="Packages")
    text = packages.inner_text().lower()
    shown = ("closed", "delivered", "delivering", "accepted", "funded", "proposed")
    states = {s for s in shown if s in text}
    assert len(states) >= 4, text
    percents = [int(p) for p in re.findall(r"(\d+)% of USD", page.inner_text("main"))]
    assert any(p > 0 for p in percents)
    deliveries = page.get_by_role("region", name="Latest deliveries")
    expect(deliveries.locator("tbody tr").first).to_contain_text("2026-02")


def test_koreas_pledge_is_a_ready_what_if_not_money(page_as: Any, server: str) -> None:
    page = page_as("coordinator")
    page.goto(f"{server}{history.KOREA_WHATIF}")
    answer = page.get_by_role("status")
    expect(answer).to_contain_text("line(s) gained")
    assert "0 line(s) gained" not in answer.inner_text()
    page.goto(f"{server}/contributions")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "KOR" not in page.locator("main table").first.inner_text()
