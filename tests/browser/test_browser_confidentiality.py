"""A contributor's pages never show another contributor's confidential amount."""

from __future__ import annotations

from typing import Any

from browser_flows import SECRET_TEXT
from playwright.sync_api import expect

PAGES = ["/", "/public", "/contributions", "/packages", "/statement", "/policy", "/requirements"]


def test_another_contributors_confidential_amount_never_shows(page_as: Any, server: str) -> None:
    page = page_as("contributor-nld")
    for path in PAGES:
        page.goto(f"{server}{path}")
        expect(page.locator("main")).not_to_contain_text(SECRET_TEXT)
    page.goto(f"{server}/")
    expect(page.locator("main")).to_contain_text("undisclosed")
    page.goto(f"{server}/statement?contributor=KOR")
    expect(page.get_by_role("heading", name="That is not possible")).to_be_visible()


def test_the_owner_and_the_coordinator_see_it(page_as: Any, server: str) -> None:
    for name in ("contributor-kor", "coordinator"):
        page = page_as(name)
        page.goto(f"{server}/contributions")
        expect(page.locator("main")).to_contain_text(f"KRW {SECRET_TEXT}")


def test_the_public_page_folds_it_into_undisclosed(anonymous: Any, server: str) -> None:
    anonymous.goto(f"{server}/public")
    expect(anonymous.get_by_role("heading", name="Public transparency report")).to_be_visible()
    main = anonymous.locator("main")
    expect(main).not_to_contain_text(SECRET_TEXT)
    expect(main).to_contain_text("undisclosed")
