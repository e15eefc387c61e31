"""The recipient confirms receipt of each shipment; the package is delivered when all arrived."""

from __future__ import annotations

from typing import Any

from browser_flows import accepted_package, ship_everything
from playwright.sync_api import expect


def _shipped_package(page_as: Any, server: str) -> int:
    """P-0001 accepted and shipped in full by the supplier (once per module); its shipments."""
    supplier = page_as("supplier")
    supplier.goto(f"{server}/packages/1")
    if not supplier.locator("#package-status").count():  # no package yet in this module
        supplier = accepted_package(page_as, server)
        ship_everything(supplier)
        expect(supplier.get_by_role("heading", name="Record a shipment")).to_have_count(0)
    count: int = supplier.locator("tr[id^='S-']").count()
    return count


def test_a_receipt_dated_before_the_shipment_is_refused_next_to_the_field(
    page_as: Any, server: str
) -> None:
    _shipped_package(page_as, server)
    page = page_as("recipient")
    page.goto(f"{server}/packages/1")
    row = page.locator("tr#S-0001")
    row.get_by_label("Received on").fill("2020-01-01")
    row.get_by_role("button", name="Confirm receipt of S-0001").click()
    expect(page.locator("#received-S-0001-error")).to_contain_text("cannot arrive before")
    expect(page.locator("tr#S-0001").get_by_label("Received on")).to_have_attribute(
        "aria-invalid", "true"
    )
    page.goto(f"{server}/packages/1")
    expect(page.locator("tr#S-0001")).to_contain_text("in transit")


def test_recipient_confirms_every_shipment_and_the_package_is_delivered(
    page_as: Any, server: str
) -> None:
    shipped = _shipped_package(page_as, server)
    page = page_as("recipient")
    page.goto(f"{server}/packages/1")
    expect(page.locator("#package-status")).to_have_text("Delivering")
    expect(page.get_by_role("button", name="Record the shipment")).to_have_count(0)
    first = page.locator("tr#S-0001")
    expect(first).to_contain_text("in transit")
    received_on = first.get_by_label("Received on").input_value()  # today, by default
    first.get_by_role("button", name="Confirm receipt of S-0001").click()

    expect(page.get_by_role("status")).to_have_text("Receipt of shipment S-0001 confirmed.")
    expect(page.locator("tr#S-0001")).not_to_contain_text("in transit")
    expect(page.locator("tr#S-0001 td").nth(5)).to_have_text(received_on)
    expect(page.locator("tr#S-0001").get_by_role("button")).to_have_count(0)
    expect(page.locator("#package-status")).to_have_text("Delivering")

    for n in range(2, shipped + 1):
        ref = f"S-{n:04d}"
        page.locator(f"tr#{ref}").get_by_role("button", name=f"Confirm receipt of {ref}").click()
        expect(page.get_by_role("status")).to_have_text(f"Receipt of shipment {ref} confirmed.")

    expect(page.locator("#package-status")).to_have_text("Delivered")
    expect(page.get_by_text("in transit")).to_have_count(0)
    expect(page.get_by_role("button", name="Confirm receipt", exact=False)).to_have_count(0)

    coordinator = page_as("coordinator")
    coordinator.goto(f"{server}/packages/1")
    coordinator.get_by_role("button", name="Close the package").click()
    expect(coordinator.get_by_role("status")).to_have_text("P-0001 closed: the supplier is paid.")
    expect(coordinator.locator("#package-status")).to_have_text("Closed")
