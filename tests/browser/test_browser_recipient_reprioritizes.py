"""The recipient reorders its draft list: up, down, to a rank; bad input is refused in place."""

from __future__ import annotations

from typing import Any

from browser_flows import DRAFT_CYCLE
from playwright.sync_api import expect


def _ranks(page: Any) -> list[str]:
    return [
        t.strip() for t in page.locator("table.lines tbody tr td:nth-child(2)").all_inner_texts()
    ]


def test_recipient_moves_a_line_up_and_sees_it_in_its_rank_history(
    page_as: Any, server: str
) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    expect(
        page.get_by_role("heading", name=f"Requirements list — cycle {DRAFT_CYCLE}")
    ).to_be_visible()
    assert _ranks(page)[:3] == ["D-1", "D-2", "D-3"]

    page.get_by_role("button", name="Move D-3 up").click()

    expect(page.get_by_role("status")).to_have_text("Line D-3 moved.")
    assert _ranks(page)[:3] == ["D-1", "D-3", "D-2"]
    page.get_by_role("link", name="Rank history of D-3").click()
    history = page.get_by_role("table")
    expect(history).to_contain_text("UKR")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").first.locator("td").nth(1)).to_have_text("2")


def test_recipient_types_a_new_rank(page_as: Any, server: str) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    page.get_by_label("New rank for D-5").fill("1")
    page.get_by_role("button", name="Move D-5 to this rank").click()
    expect(page.get_by_role("status")).to_have_text("Line D-5 moved.")
    assert _ranks(page)[0] == "D-5"


def test_a_rank_out_of_range_is_refused_next_to_the_field_and_nothing_moves(
    page_as: Any, server: str
) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    before = _ranks(page)
    field = page.get_by_label("New rank for D-1")
    field.fill("99")
    page.get_by_role("button", name="Move D-1 to this rank").click()
    expect(page.locator("#rank-D-1-error")).to_have_text("Enter a rank from 1 to 5.")
    expect(page.get_by_label("New rank for D-1")).to_have_attribute("aria-invalid", "true")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    assert _ranks(page) == before


def test_the_endorsed_list_cannot_be_reordered(page_as: Any, server: str) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle=2025-09")
    expect(page.locator("#cycle-status")).to_have_text("Endorsed")
    expect(page.get_by_role("button", name="Move UKR-2025-001 up")).to_have_count(0)
