"""Pages fit a 1280×800 and a 390×844 viewport, and the login works by keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(
    "path",
    [
        "/", "/requirements", "/requirements/2025-09/lines/UKR-2025-001", "/packages",
        "/contributions", "/policy?contributor=KOR", "/statement?contributor=NLD", "/ledger",
        "/public",
    ],
)  # fmt: skip
def test_pages_do_not_scroll_sideways_on_a_phone(page_as: Any, server: str, path: str) -> None:
    page = page_as("coordinator", viewport=PHONE)
    page.goto(f"{server}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert width <= PHONE["width"], f"{path} is {width}px wide: {wide}"


def test_login_and_navigation_by_keyboard_alone(anonymous: Any, server: str) -> None:
    page = anonymous
    page.goto(f"{server}/login")
    expect(page.get_by_label("User name")).to_be_focused()
    page.keyboard.type("contributor-kor")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("demo-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
