"""The coordinator opens the next cycle from the list's page, carrying the endorsed cycle's
unfunded lines; a refused opening keeps the form open with the message next to its field."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

import scenario_world


def test_coordinator_opens_a_cycle_carrying_the_endorsed_one(page_as: Any, server: str) -> None:
    page = page_as("coordinator")
    page.goto(f"{server}/requirements?cycle={scenario_world.CYCLE_NAME}")
    carried = page.locator("table.lines tbody tr:not(.withdrawn)").count()
    assert carried > 0

    page.get_by_text("Open a new cycle").click()
    page.get_by_label("Opens on").fill("2026-01-01")
    page.get_by_label("Carry the unfunded lines of").select_option(scenario_world.CYCLE_NAME)
    page.get_by_role("button", name="Open the cycle").click()
    expect(page.locator("#open-name-error")).to_have_text("Enter a name, such as 2026-01.")
    expect(page.get_by_label("Carry the unfunded lines of")).to_have_value(
        scenario_world.CYCLE_NAME
    )

    page.get_by_label("Name of the new cycle").fill("2026-01")
    page.get_by_role("button", name="Open the cycle").click()
    expect(page.get_by_role("status")).to_contain_text("Cycle 2026-01 opened as a draft")
    expect(page.get_by_role("heading", level=1)).to_have_text("Requirements list — cycle 2026-01")
    expect(page.locator("#cycle-status")).to_have_text("Draft")
    # Nothing of 2025-09 was funded in this demo: every active line is carried.
    expect(page.locator("table.lines tbody tr")).to_have_count(carried)
