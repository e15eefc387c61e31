"""Charts as server-side SVG: no script, no CDN, crisp in print; each has a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from html import escape

from markupsafe import Markup

from purldesk.domain.burden import NationShare, percent
from purldesk.services.views.rows import Bar

ROW = 26
LABEL_W = 190
BAR_W = 300
WIDTH = LABEL_W + BAR_W + 170


def bar_chart(bars: Sequence[Bar], *, title: str, chart_id: str) -> Markup:
    """Horizontal bars, each filled to its share of its whole, labelled and valued in text."""
    height = max(1, len(bars)) * ROW + 8
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        filled = (
            0
            if bar.whole_minor <= 0
            else round(BAR_W * min(bar.value_minor, bar.whole_minor) / bar.whole_minor)
        )
        label = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
        parts += [
            f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end" class="chart-label">{escape(label)}</text>',
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{BAR_W}" height="{ROW - 8}" class="chart-track"/>',
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{filled}" height="{ROW - 8}" class="chart-bar"/>',
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 16}" class="chart-value">{escape(bar.text)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


PAIR_ROW = 34


def share_chart(rows: Sequence[NationShare], *, title: str, chart_id: str) -> Markup:
    """Two bars a nation: its share of the pool over its share of the combined GDP, on one
    scale; a nation whose share is withheld, or that has no GDP figure, is left out (the table
    beside it says why)."""
    shown = [r for r in rows if r.share_of_pool is not None and r.share_of_combined_gdp]
    top = max((max(r.share_of_pool or 0, r.share_of_combined_gdp or 0) for r in shown), default=0)
    height = max(1, len(shown)) * PAIR_ROW + 8
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, row in enumerate(shown):
        y = 4 + index * PAIR_ROW
        pool, gdp = row.share_of_pool or Fraction(0), row.share_of_combined_gdp or Fraction(0)
        text = f"{percent(pool)}% of the pool, {percent(gdp)}% of the combined GDP"
        parts += [
            f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end" class="chart-label">{escape(row.name[:28])}</text>',
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{_scaled(pool, top)}" height="12" class="chart-bar"><title>{escape(text)}</title></rect>',
            f'<rect x="{LABEL_W}" y="{y + 17}" width="{_scaled(gdp, top)}" height="8" class="chart-bar-gdp"/>',
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 17}" class="chart-value">{percent(pool)}% / {percent(gdp)}%</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _scaled(share: Fraction, top: Fraction | int) -> int:
    return 0 if not top else round(BAR_W * share / top)
