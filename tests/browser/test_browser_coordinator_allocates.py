"""The coordinator endorses a submitted list and commits an allocation; packages appear."""

from __future__ import annotations

from typing import Any

from browser_flows import DRAFT_CYCLE
from playwright.sync_api import expect


def test_coordinator_endorses_the_list_then_commits_an_allocation(
    page_as: Any, server: str
) -> None:
    recipient = page_as("recipient")
    recipient.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    recipient.get_by_role("button", name="Submit the list for endorsement").click()
    expect(recipient.get_by_role("status")).to_have_text(
        f"Cycle {DRAFT_CYCLE} submitted for endorsement."
    )

    page = page_as("coordinator")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    expect(page.locator("#cycle-status")).to_have_text("Submitted")
    page.get_by_role("button", name="Endorse the list").click()
    expect(page.get_by_role("status")).to_have_text(f"Cycle {DRAFT_CYCLE} endorsed.")
    expect(page.locator("#cycle-status")).to_have_text("Endorsed")

    page.get_by_label("Package target (USD)").fill("not money")
    page.get_by_role("button", name="Preview the allocation").click()
    expect(page.locator("#target-error")).to_be_visible()
    page.goto(f"{server}/packages")
    expect(page.get_by_text("No package yet")).to_be_visible()

    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    page.get_by_label("Package target (USD)").fill("500000000")
    page.get_by_label("Allocation date").fill("2025-12-06")
    page.get_by_role("button", name="Preview the allocation").click()
    expect(page.get_by_role("heading", name="Packages it would cut")).to_be_visible()
    page.get_by_role("button", name="Commit the allocation").click()

    expect(page.get_by_role("status")).to_contain_text("Allocation committed: P-0001")
    expect(page.get_by_role("heading", name="Packages")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="P-0001"))
    expect(row).to_contain_text("Draft")
    page.get_by_role("link", name="P-0001").click()
    expect(page.locator("#package-status")).to_have_text("Draft")
    expect(page.get_by_role("heading", name="Who paid what")).to_be_visible()
    page.goto(f"{server}/")
    expect(page.get_by_role("link", name=f"P-0001 {DRAFT_CYCLE} package 1")).to_be_visible()
