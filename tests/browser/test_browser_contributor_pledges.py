"""A contributor pledges, then marks the money received; bad input is refused in place."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def _rows(page: Any) -> int:
    count: int = page.locator("main table tbody tr").count()
    return count


def test_contributor_pledges_and_marks_the_receipt(page_as: Any, server: str) -> None:
    page = page_as("contributor-nld")
    page.goto(f"{server}/contributions")
    expect(page.get_by_role("heading", name="Contributions of NLD")).to_be_visible()
    before = _rows(page)

    page.get_by_label("Amount", exact=True).fill("25,000,000")
    page.get_by_label("Currency", exact=True).select_option("EUR")
    page.get_by_label("Pledged on").fill("2025-12-01")
    page.get_by_label("Non-lethal").check()
    page.get_by_role("button", name="Record the pledge").click()

    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Pledge C-")
    ref = notice.inner_text().split()[1]
    row = page.locator(f"tr#{ref}")
    expect(row).to_contain_text("EUR 25,000,000.00")
    expect(row).to_contain_text("Pledged")
    expect(row).to_contain_text("Non-lethal")
    assert _rows(page) == before + 1

    row.get_by_label("Received on").fill("2025-12-05")
    row.get_by_role("button", name=f"Receive {ref}").click()
    expect(page.get_by_role("status")).to_have_text(f"Receipt of {ref} recorded.")
    row = page.locator(f"tr#{ref}")
    expect(row).to_contain_text("Received")
    expect(row.locator("td").nth(5)).to_contain_text("USD ")


def test_a_bad_amount_is_refused_next_to_the_field_and_nothing_is_saved(
    page_as: Any, server: str
) -> None:
    page = page_as("contributor-nld")
    page.goto(f"{server}/contributions")
    before = _rows(page)
    page.get_by_label("Amount", exact=True).fill("12.345")
    page.get_by_label("Currency", exact=True).select_option("EUR")
    page.get_by_role("button", name="Record the pledge").click()
    expect(page.locator("#amount-error")).to_be_visible()
    expect(page.get_by_label("Amount", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Amount", exact=True)).to_have_value("12.345")

    page.goto(f"{server}/contributions")
    assert _rows(page) == before


def test_a_bad_receipt_date_is_refused_next_to_the_field(page_as: Any, server: str) -> None:
    page = page_as("contributor-nld")
    page.goto(f"{server}/contributions")
    page.get_by_label("Amount", exact=True).fill("1000")
    page.get_by_label("Currency", exact=True).select_option("USD")
    page.get_by_role("button", name="Record the pledge").click()
    ref = page.get_by_role("status").inner_text().split()[1]
    row = page.locator(f"tr#{ref}")
    row.get_by_label("Received on").evaluate("e => e.type = 'text'")
    row.get_by_label("Received on").fill("yesterday")
    row.get_by_role("button", name=f"Receive {ref}").click()
    expect(page.locator(f"tr#{ref}").locator(".field-error")).to_contain_text("not a date")
    expect(page.locator(f"tr#{ref}")).to_contain_text("Pledged")
