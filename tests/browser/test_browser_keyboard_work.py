"""Daily work by keyboard alone: Tab to a control, type, press Enter; the focus stays visible."""

from __future__ import annotations

from typing import Any

from browser_flows import DRAFT_CYCLE
from playwright.sync_api import expect

MAX_TABS = 300


def _tab_to(page: Any, name: str) -> None:
    """Press Tab until the element whose accessible name is `name` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.getAttribute('aria-label') || (e.labels && e.labels[0]"
            " ? e.labels[0].innerText : e.innerText) || ''; }"
        )
        if focused.strip() == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def _outline_of_focused(page: Any) -> str:
    outline: str = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    return outline


def _ranks(page: Any) -> list[str]:
    return [
        t.strip() for t in page.locator("table.lines tbody tr td:nth-child(2)").all_inner_texts()
    ]


def test_the_recipient_reorders_the_list_by_keyboard(page_as: Any, server: str) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    assert _ranks(page)[:3] == ["D-1", "D-2", "D-3"]

    _tab_to(page, "Move D-3 up")
    assert _outline_of_focused(page) != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Line D-3 moved.")
    assert _ranks(page)[:3] == ["D-1", "D-3", "D-2"]

    _tab_to(page, "New rank for D-5")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Line D-5 moved.")
    assert _ranks(page)[0] == "D-5"


def test_a_contributor_pledges_by_keyboard(page_as: Any, server: str) -> None:
    page = page_as("contributor-nld")
    page.goto(f"{server}/contributions")
    _tab_to(page, "Amount")
    page.keyboard.type("3,000,000")
    _tab_to(page, "Currency")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("EUR")
    _tab_to(page, "Record the pledge")
    assert _outline_of_focused(page) != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Pledge C-")
    expect(page.locator("main")).to_contain_text("EUR 3,000,000.00")
