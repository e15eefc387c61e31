"""Every work page fits a 1280 px screen and a 390 px phone, as the DOM measures it: no
element's text is clipped or overflows its box, no amount breaks inside, and every chart's
text renders at 12 px or more.

The module's database is the demo, PURL's history: packages in several states with their
shipments, so the pages show their tables, charts and deliveries.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

AT = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
DAY = date(2025, 12, 6)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PAGES = [
    ("coordinator", "/"), ("recipient", "/"), ("coordinator", "/requirements"),
    ("coordinator", "/packages/1"), ("coordinator", "/packages/2"),
    ("coordinator", "/statement?contributor=NLD"), ("coordinator", "/policy?contributor=KOR"),
    ("auditor", "/ledger"), ("auditor", "/ledger?entries=2&as_of=2025-12-06"),
    ("recipient", "/requirements?cycle=2026-02"), ("coordinator", "/packages/4"),
    ("contributor-nld", "/contributions"), ("recipient", "/requirements?q=patriot&per_page=25"),
]  # fmt: skip

# What does not fit, measured in the page: text wider than its box (clipped, or spilling out
# of it), an amount ("USD 1,595,300,000.00", wherever it is) or a ref broken over two lines,
# chart text under 12 px, and a page wider than the screen. Scroll containers (wide tables)
# are meant to scroll and are left out.
MISFITS = r"""() => {
  const found = [];
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '');
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const scrolls = e => /(auto|scroll)/.test(getComputedStyle(e).overflowX);
  const hidden = e => e.closest('.sr-only, details:not([open]) > :not(summary)');
  for (const e of document.querySelectorAll('body *')) {
    if (!shown(e) || hidden(e) || scrolls(e) || e instanceof SVGElement) continue;
    const style = getComputedStyle(e);
    if (style.display === 'inline' || !e.textContent.trim()) continue;
    if (e.scrollWidth > e.clientWidth + 1) {
      found.push(`${name(e)} overflows: ${e.scrollWidth} > ${e.clientWidth} px`
                 + ` "${e.textContent.trim().slice(0, 40)}"`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !shown(parent) || hidden(parent)) continue;
    for (const m of node.textContent.matchAll(/\b[A-Z]{3} -?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?(?![0-9,-])/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) found.push(`the amount "${m[0]}" breaks over ${lines.size} lines`);
    }
  }
  for (const e of document.querySelectorAll('.ref')) {
    if (shown(e) && !hidden(e) && e.getClientRects().length > 1) {
      found.push(`${name(e)} breaks inside: "${e.textContent.trim()}"`);
    }
  }
  for (const chart of document.querySelectorAll('.chart')) {
    for (const e of chart.querySelectorAll('*')) {
      if (!shown(e) || !e.textContent.trim()) continue;
      let size = parseFloat(getComputedStyle(e).fontSize);
      const svg = e.closest('svg');
      if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
        size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const box = e.getBoundingClientRect(), frame = svg.getBoundingClientRect();
        if (box.left < frame.left - 1 || box.right > frame.right + 1) {
          found.push(`${name(e)} is clipped by its chart: "${e.textContent.trim()}"`);
        }
      }
      if (size < 12) found.push(`${name(e)} renders at ${size.toFixed(1)} px: "${e.textContent.trim()}"`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def database(history_file: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo `make demo` builds: packages closed, delivered, delivering, accepted and funded."""
    copy = tmp_path_factory.mktemp("fit") / "purldesk.sqlite3"
    shutil.copyfile(history_file, copy)
    return f"sqlite:///{copy}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize(("user", "path"), PAGES, ids=[f"{u}{p}" for u, p in PAGES])
def test_the_page_fits_and_its_text_is_whole_and_readable(
    page_as: Any, server: str, user: str, path: str, viewport: dict[str, int]
) -> None:
    page = page_as(user, viewport=viewport)
    page.goto(f"{server}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    misfits = page.evaluate(MISFITS)
    assert misfits == [], f"{path} at {viewport['width']} px:\n" + "\n".join(misfits)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("path", ["/", "/public"])
def test_the_public_pages_fit_too(
    anonymous: Any, server: str, path: str, viewport: dict[str, int]
) -> None:
    anonymous.set_viewport_size(viewport)
    anonymous.goto(f"{server}{path}")
    expect(anonymous.get_by_role("heading", level=1)).to_be_visible()
    misfits = anonymous.evaluate(MISFITS)
    assert misfits == [], f"{path} at {viewport['width']} px:\n" + "\n".join(misfits)


def test_the_overview_charts_label_every_bar_in_full(page_as: Any, server: str) -> None:
    page = page_as("coordinator", viewport=PHONE)
    page.goto(server)
    labels = page.locator("#chart-nations .chart-label").all_inner_texts()
    assert "Denmark, Norway and Sweden" in labels
    values = page.locator("#chart-rank .chart-value").all_inner_texts()
    assert values and all(v.startswith(tuple("0123456789")) and " of USD " in v for v in values)
    areas = page.locator("#chart-area .chart-label").all_inner_texts()
    assert "Air defence" in areas and "air_defence" not in areas
