"""Bar charts drawn on the server as inline SVG: no JavaScript, nothing fetched from the internet."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 220
TOP = 26
BOTTOM = 34  # room for the labels under the bars
SIDE = 8
# In the chart's own units: on a 390 px phone the chart is about half its width, so ~11 px.
LABEL_SIZE = 20


def bar_chart(
    points: Sequence[tuple[str, int | None]],
    *,
    title: str,
    value_text: Callable[[int], str],
    testid: str = "stats-chart",
) -> Markup:
    """A bar chart of ``(label, value)`` pairs, oldest first, drawn right to left.

    It scales to its container's width (``viewBox``); each bar carries its label and value as a
    ``<title>`` (a tooltip, and what a screen reader says). A period without a value has no bar.
    """
    n = len(points)
    peak = max((v for _label, v in points if v is not None), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'width="100%" aria-label="{escape(title)}" data-testid="{escape(testid)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{SIDE}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - SIDE}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#b9b3a5" stroke-width="1"/>',
    ]
    if n:
        slot = (WIDTH - 2 * SIDE) / n
        bar = max(slot * 0.6, 1.0)
        usable = HEIGHT - TOP - BOTTOM
        for i, (label, value) in enumerate(points):
            x = SIDE + (n - 1 - i) * slot + (slot - bar) / 2
            if value is not None and peak > 0:
                height = usable * max(value, 0) / peak
                tip = f"{label}: {value_text(value)}"
                parts.append(
                    f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" width="{bar:.1f}" '
                    f'height="{height:.1f}" rx="2" fill="#0f6e56" data-value="{value}">'
                    f"<title>{escape(tip)}</title></rect>"
                )
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + LABEL_SIZE + 4}" text-anchor="middle" '
                f'font-size="{LABEL_SIZE}" fill="#555">{escape(label)}</text>'
            )
        if peak > 0:
            parts.append(
                f'<text x="{WIDTH - SIDE}" y="{TOP - 6}" text-anchor="end" font-size="{LABEL_SIZE}" '
                f'fill="#555">{escape(value_text(peak))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text piece above is escaped)
