"""Charts drawn on the server as inline SVG: no JavaScript, nothing fetched from the internet."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 240
TOP = 26
BOTTOM = 34  # room for the labels under the bars
SIDE = 8
# Labels are drawn in the chart's own units, so they shrink with it: on a 390 px phone the chart
# is about half its width, and 20 units read as about 11 px.
LABEL_SIZE = 20
# A label's width, estimated per character (digits and "/" in Vazirmatn are narrower than this),
# and the gap kept between two labels: from these, how many bars each label must skip.
CHAR_WIDTH = 0.62 * LABEL_SIZE
LABEL_GAP = 12


def bar_chart(
    points: Sequence[tuple[str, int]],
    *,
    title: str,
    value_text: Callable[[int], str],
    rtl: bool = True,
    empty_text: str = "",
) -> Markup:
    """A bar chart of ``(label, value)`` pairs, oldest first; drawn right to left when ``rtl``.

    It scales to its container's width (``viewBox``); each bar carries its label and value as a
    ``<title>`` (a tooltip, and what a screen reader says), so the figure needs no legend.
    """
    n = len(points)
    peak = max((v for _label, v in points), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="bazaar-chart" width="100%" aria-label="{escape(title)}" data-testid="sales-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{SIDE}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - SIDE}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#b9b3a5" stroke-width="1"/>',
    ]
    if n == 0 or peak <= 0:
        if empty_text:
            parts.append(
                f'<text x="{WIDTH / 2:.0f}" y="{(HEIGHT - BOTTOM) / 2:.0f}" text-anchor="middle" '
                f'font-size="22" fill="#6c757d">{escape(empty_text)}</text>'
            )
        parts.append("</svg>")
        return Markup("".join(parts))  # noqa: S704 (every text piece above is escaped)
    slot = (WIDTH - 2 * SIDE) / n
    bar = max(slot * 0.7, 1.0)
    usable = HEIGHT - TOP - BOTTOM
    # Label every few bars, as many as leave each label room for its text and a gap, counted back
    # from the newest bar (always labelled), so no two labels ever overlap.
    widest = max(len(label) for label, _v in points) * CHAR_WIDTH
    every = max(1, math.ceil((widest + LABEL_GAP) / slot))
    for i, (label, value) in enumerate(points):
        position = n - 1 - i if rtl else i
        x = SIDE + position * slot + (slot - bar) / 2
        height = usable * value / peak if value > 0 else 0
        y = HEIGHT - BOTTOM - height
        tip = f"{label}: {value_text(value)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(height, 0):.1f}" rx="2" '
            f'fill="#0f6e56" data-value="{value}"><title>{escape(tip)}</title></rect>'
        )
        if (n - 1 - i) % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + LABEL_SIZE + 4}" text-anchor="middle" '
                f'font-size="{LABEL_SIZE}" fill="#555" data-testid="chart-label">{escape(label)}</text>'
            )
    parts.append(
        f'<text x="{WIDTH - SIDE if rtl else SIDE}" y="{TOP - 4}" text-anchor="{"end" if rtl else "start"}" '
        f'font-size="{LABEL_SIZE}" fill="#555">{escape(value_text(peak))}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text piece above is escaped)
