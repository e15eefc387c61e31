"""Bar charts rendered on the server: no script, no CDN, crisp in print; each has a table
beside it.

Each bar is a row of text and an SVG bar. The text is the page's own (its size, its wrapping),
so a label is never clipped or shrunk with the chart, whatever the width; only the bar is
drawn, stretched to the row (`preserveAspectRatio="none"`), with no text inside the SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

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
