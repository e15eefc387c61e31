"""What browser tests share besides fixtures: the demo's extra data, logging in, and the flows
other flows start from (a module named apart from `conftest`, so it imports unambiguously
when the whole suite is collected together)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scenario_world
from purldesk.demo import scenario
from purldesk.domain.money import Money

DRAFT_CYCLE = "2025-10"
# A confidential Korean pledge with an amount that appears nowhere else.
SECRET_AMOUNT = Money.of(12_345_678_901, "KRW")
SECRET_TEXT = "12,345,678,901"


def log_in(page: Any, base: str, name: str, password: str = scenario.DEMO_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


# -- flows other flows start from ---------------------------------------------------------------


def commit_allocation(page: Any, base: str, cycle: str = scenario_world.CYCLE_NAME) -> None:
    """As the coordinator: commit an allocation of the endorsed `cycle` (drafts P-0001...)."""
    page.goto(f"{base}/requirements?cycle={cycle}")
    page.get_by_role("button", name="Preview the allocation").click()
    page.get_by_role("button", name="Commit the allocation").click()
    page.get_by_role("status").filter(has_text="Allocation committed: P-0001").wait_for()


def funded_package(page_as: Callable[..., Any], base: str) -> Any:
    """The coordinator allocates, proposes and validates P-0001; returns the coordinator's page."""
    page = page_as("coordinator")
    commit_allocation(page, base)
    page.goto(f"{base}/packages/1")
    page.get_by_role("button", name="Propose the package").click()
    page.get_by_role("status").filter(has_text="P-0001 proposed").wait_for()
    page.get_by_role("button", name="Validate the package").click()
    page.get_by_role("status").filter(has_text="P-0001 validated").wait_for()
    return page


def accepted_package(page_as: Callable[..., Any], base: str) -> Any:
    """P-0001 funded, then accepted by the supplier at its prices; returns the supplier's page."""
    funded_package(page_as, base)
    page = page_as("supplier")
    page.goto(f"{base}/packages/1")
    page.get_by_role("button", name="Accept the package").click()
    page.get_by_role("status").filter(has_text="P-0001 accepted.").wait_for()
    return page


def ship_everything(page: Any) -> int:
    """As the supplier on a package page: ship what is left of every line; how many shipments."""
    from playwright.sync_api import expect

    count = page.locator("tr[id^='S-']").count()
    line = page.get_by_label("Line", exact=True)
    while page.get_by_role("button", name="Record the shipment").count():
        left = line.locator("option:checked").inner_text().split("·")[-1]
        page.get_by_label("Quantity (units)").fill(left.replace("left", "").strip())
        page.get_by_role("button", name="Record the shipment").click()
        count += 1
        expect(page.locator("tr[id^='S-']")).to_have_count(count)
    return count
