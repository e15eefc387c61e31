"""The recipient changes a line of its draft list and withdraws another: bad input is refused
next to its field, the list closes up, and the line's history shows each change."""

from __future__ import annotations

from typing import Any

from browser_flows import DRAFT_CYCLE
from playwright.sync_api import expect


def _refs(page: Any) -> list[str]:
    return [
        t.strip() for t in page.locator("table.lines tbody tr td:nth-child(2)").all_inner_texts()
    ]


def _active_ranks(page: Any) -> list[str]:
    rows = page.locator("table.lines tbody tr:not(.withdrawn) td:nth-child(1)")
    return [t.strip() for t in rows.all_inner_texts()]


def test_recipient_changes_a_line_after_fixing_a_refused_quantity(
    page_as: Any, server: str
) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    page.get_by_role("link", name="Rank history of D-2").click()
    expect(page.get_by_role("heading", name="Change the line")).to_be_visible()

    quantity = page.get_by_label("Quantity")
    quantity.fill("zero")
    page.get_by_label("Justification").fill("frontline hospitals first")
    page.get_by_role("button", name="Save the changes to D-2").click()

    expect(page.locator("#quantity-error")).to_have_text("Enter a whole number, 1 or more.")
    expect(page.get_by_label("Quantity")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Justification")).to_have_value("frontline hospitals first")
    expect(page.locator("#line-justification")).to_have_text("demo draft")  # nothing saved

    lots = page.get_by_text("Quantity (whole lots of").inner_text()
    lot_size = int(lots.split("of")[-1].strip(" )").replace(",", ""))
    page.get_by_label("Quantity").fill(str(2 * lot_size))
    page.get_by_label("Needed by").fill("2026-02-28")
    page.get_by_role("button", name="Save the changes to D-2").click()

    expect(page.get_by_role("status")).to_have_text("Line D-2 changed.")
    expect(page.locator("#line-quantity")).to_have_text(f"{2 * lot_size:,}")
    expect(page.locator("#line-needed-by")).to_have_text("2026-02-28")
    history = page.get_by_role("table")
    expect(history).to_contain_text(f"quantity: {lot_size} → {2 * lot_size}")
    expect(history).to_contain_text("needed by: 2026-03-31 → 2026-02-28")
    expect(history).to_contain_text("justification: demo draft → frontline hospitals first")
    expect(history.locator("tbody tr")).to_have_count(4)
    expect(history.locator("tbody tr").last).to_contain_text("added at rank 2")
    # Who changed it is the signed-in user, spelled as the API and the command line spell it.
    expect(history.locator("tbody tr").first.locator("td").last).to_have_text("recipient")


def test_recipient_withdraws_a_line_and_the_lines_below_move_up(page_as: Any, server: str) -> None:
    page = page_as("recipient")
    page.goto(f"{server}/requirements?cycle={DRAFT_CYCLE}")
    before = _refs(page)
    page.get_by_role("link", name="Rank history of D-1").click()

    page.get_by_role("button", name="Withdraw D-1 from the list").click()
    expect(page.locator("#reason-error")).to_have_text("Say why the line is withdrawn.")
    expect(page.locator("#line-status")).to_have_text("Open")

    page.get_by_label("Reason for withdrawing").fill("delivered bilaterally")
    page.get_by_role("button", name="Withdraw D-1 from the list").click()
    expect(page.locator("#withdraw-confirm-error")).to_contain_text("Tick the box to confirm")
    expect(page.locator("#line-status")).to_have_text("Open")  # nothing withdrawn yet
    page.get_by_label("I understand that D-1 leaves the list for good.").check()
    page.get_by_role("button", name="Withdraw D-1 from the list").click()

    expect(page.get_by_role("status")).to_have_text("Line D-1 withdrawn from the list.")
    expect(page.locator("tr#line-D-1")).to_contain_text("Withdrawn")
    assert _refs(page) == [*before[1:], "D-1"]
    assert _active_ranks(page) == [str(n) for n in range(1, len(before))]
    expect(page.get_by_role("button", name="Move D-1 up")).to_have_count(0)

    page.get_by_role("link", name="Rank history of D-1").click()
    expect(page.locator("#line-status")).to_have_text("Withdrawn")
    history = page.get_by_role("table")
    expect(history).to_contain_text("status: open → withdrawn")
    expect(history).to_contain_text("reason: delivered bilaterally")
    expect(page.get_by_role("button", name="Withdraw D-1 from the list")).to_have_count(0)
    expect(page.get_by_role("button", name="Save the changes to D-1")).to_have_count(0)
