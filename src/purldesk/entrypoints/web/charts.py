"""Bar charts rendered on the server: no script, no CDN, crisp in print; each has a table
beside it.

Each bar is a row of text and an SVG bar. The text is the page's own (its size, its wrapping),
so a label is never clipped or shrunk with the chart, whatever the width; only the bar is
drawn, stretched to the row (`preserveAspectRatio="none"`), with no text inside the SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from html import escape

from markupsafe import Markup

from purldesk.domain.burden import NationShare, percent
from purldesk.services.views.rows import Bar

SCALE = 1000  # the bar's viewBox width: a fill is drawn to a thousandth of the whole


def _filled(bar: Bar) -> int:
    """The fill's width in thousandths: the value's share of the whole, at most all of it."""
    if bar.whole_minor <= 0:
        return 0
    return round(SCALE * min(max(bar.value_minor, 0), bar.whole_minor) / bar.whole_minor)


def bar_chart(
    bars: Sequence[Bar], *, title: str, chart_id: str, label: Callable[[str], str] = str
) -> Markup:
    """Horizontal bars, each filled to its share of its whole, labelled and valued in text;
    `label` names a bar whose label is a code (an area, an aid class)."""
    parts = [f'<ul class="chart" id="{escape(chart_id)}" aria-label="{escape(title)}">']
    for bar in bars:
        parts += [
            "<li>",
            f'<span class="chart-label">{escape(label(bar.label))}</span>',
            f'<span class="chart-value">{escape(bar.text)}</span>',
            f'<svg class="chart-bar" viewBox="0 0 {SCALE} 10" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">',
            f'<rect class="chart-track" width="{SCALE}" height="10"/>',
            f'<rect class="chart-fill" width="{_filled(bar)}" height="10"/>',
            "</svg></li>",
        ]
    parts.append("</ul>")
    return Markup("".join(parts))


def share_chart(rows: Sequence[NationShare], *, title: str, chart_id: str) -> Markup:
    """Two bars a nation: its share of the pool over its share of the combined GDP, on one
    scale; a nation whose share is withheld, or that has no GDP figure, is left out (the table
    beside it says why)."""
    shown = [r for r in rows if r.share_of_pool is not None and r.share_of_combined_gdp]
    top = max((max(r.share_of_pool or 0, r.share_of_combined_gdp or 0) for r in shown), default=0)
    parts = [f'<ul class="chart" id="{escape(chart_id)}" aria-label="{escape(title)}">']
    for row in shown:
        pool, gdp = row.share_of_pool or Fraction(0), row.share_of_combined_gdp or Fraction(0)
        parts += [
            "<li>",
            f'<span class="chart-label">{escape(row.name)}</span>',
            f'<span class="chart-value">{percent(pool)}% of the pool, '
            f"{percent(gdp)}% of the GDP</span>",
            f'<svg class="chart-bar pair" viewBox="0 0 {SCALE} 22" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">',
            f'<rect class="chart-fill" width="{_scaled(pool, top)}" height="12"/>',
            f'<rect class="chart-fill-gdp" y="14" width="{_scaled(gdp, top)}" height="8"/>',
            "</svg></li>",
        ]
    parts.append("</ul>")
    return Markup("".join(parts))


def _scaled(share: Fraction, top: Fraction | int) -> int:
    return 0 if not top else round(SCALE * share / top)
