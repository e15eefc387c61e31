"""The auditor runs the ledger verification; bad logins are answered next to the field."""

from __future__ import annotations

from typing import Any

from browser_flows import log_in
from playwright.sync_api import expect


def test_auditor_verifies_the_ledger(page_as: Any, server: str) -> None:
    page = page_as("auditor")
    page.goto(f"{server}/")
    page.get_by_role("link", name="Ledger").click()
    page.get_by_role("button", name="Verify the ledger").click()
    expect(page.get_by_role("status").last).to_contain_text("Ledger verified:")
    expect(page.get_by_role("status").last).to_contain_text("no finding")


def test_a_wrong_password_is_refused_next_to_the_field(anonymous: Any, server: str) -> None:
    log_in(anonymous, server, "auditor", password="not-the-password")
    expect(anonymous.locator("#password-error")).to_have_text(
        "Unknown user name or wrong password."
    )
    expect(anonymous.get_by_label("User name")).to_have_value("auditor")
    anonymous.goto(f"{server}/ledger")
    expect(anonymous.get_by_role("heading", name="Log in")).to_be_visible()


def test_logout_ends_the_session(page_as: Any, server: str) -> None:
    page = page_as("auditor")
    page.goto(f"{server}/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
