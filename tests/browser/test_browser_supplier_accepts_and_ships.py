"""The supplier accepts a funded package and records a shipment; bad input is refused in place."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from browser_flows import accepted_package, funded_package
from playwright.sync_api import expect


def test_only_the_coordinator_moves_a_draft_and_the_supplier_accepts_it_funded(
    page_as: Any, server: str
) -> None:
    coordinator = funded_package(page_as, server)
    expect(coordinator.locator("#package-status")).to_have_text("Funded")
    expect(coordinator.get_by_role("button", name="Accept the package")).to_have_count(0)
    expect(coordinator.get_by_role("button", name="Cancel the package")).to_be_visible()

    page = page_as("supplier")
    page.goto(f"{server}/packages/1")
    expect(page.get_by_role("button", name="Cancel the package")).to_have_count(0)
    expect(page.get_by_role("heading", name="Accept the package")).to_be_visible()
    page.get_by_label("New lot price for UKR-2025-001 (USD)").fill("-5")
    page.get_by_role("button", name="Accept the package").click()
    expect(page.locator("#price-UKR-2025-001-error")).to_have_text("Enter a lot price above zero.")
    expect(page.locator("#package-status")).to_have_text("Funded")

    page.get_by_label("New lot price for UKR-2025-001 (USD)").fill("")
    page.get_by_role("button", name="Accept the package").click()
    expect(page.get_by_role("status")).to_have_text("P-0001 accepted.")
    expect(page.locator("#package-status")).to_have_text("Accepted")
    expect(page.get_by_role("heading", name="Record a shipment")).to_be_visible()

    page.get_by_label("Line", exact=True).select_option("UKR-2025-001")
    page.get_by_label("Quantity (units)").fill("2")
    # Accepted today by the server's clock: a shipment leaves on or after that, and not later.
    shipped_on = datetime.now(UTC).date().isoformat()
    page.get_by_label("Shipped on").fill(shipped_on)
    page.get_by_role("button", name="Record the shipment").click()

    expect(page.get_by_role("status")).to_have_text("Shipment S-0001 recorded.")
    expect(page.locator("#package-status")).to_have_text("Delivering")
    shipment = page.locator("tr#S-0001")
    expect(shipment).to_contain_text("UKR-2025-001")
    expect(shipment).to_contain_text(shipped_on)
    expect(shipment).to_contain_text("in transit")
    expect(page.locator("#pline-UKR-2025-001 td").nth(7)).to_have_text("2")


def test_shipping_more_than_the_line_holds_is_refused_and_nothing_is_saved(
    page_as: Any, server: str
) -> None:
    page = page_as("supplier")
    page.goto(f"{server}/packages/1")
    if not page.locator("#package-status").count():  # run alone: no package yet
        page = accepted_package(page_as, server)
    before = page.locator("tr[id^='S-']").count()
    line = page.get_by_label("Line", exact=True)
    line.select_option("UKR-2025-002")
    left = line.locator("option:checked").inner_text().split("·")[-1].replace("left", "").strip()
    too_many = int(left.replace(",", "")) + 1

    page.get_by_label("Quantity (units)").fill(str(too_many))
    page.get_by_role("button", name="Record the shipment").click()
    expect(page.locator("#ship-quantity-error")).to_have_text(
        f"At most {left} unit(s) of UKR-2025-002 are left to ship."
    )
    expect(page.get_by_label("Quantity (units)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Quantity (units)")).to_have_value(str(too_many))

    page.get_by_label("Quantity (units)").fill("three")
    page.get_by_role("button", name="Record the shipment").click()
    expect(page.locator("#ship-quantity-error")).to_have_text(
        "Enter a whole number of units, 1 or more."
    )

    page.goto(f"{server}/packages/1")
    expect(page.locator("tr[id^='S-']")).to_have_count(before)
    expect(page.locator("#pline-UKR-2025-002 td").nth(7)).to_have_text("0")
