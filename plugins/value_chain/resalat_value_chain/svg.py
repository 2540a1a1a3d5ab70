"""The chain of a field drawn as SVG on the server: goods and fields in columns, arrows between them.

Right to left in Persian (the first column, the raw goods, on the right), left to right in English.
Every word on it comes from the catalogue or the stored names, every number through the reader's
digits; the drawing has a fixed size and scrolls inside its own box on a phone.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from resalat_core.sdk import _, current_language, format_number
from resalat_value_chain.chain import Chain

BOX_W = 128
BOX_H = 58
GAP_X = 44
GAP_Y = 18
PAD = 8


def _lines(label: str, limit: int = 18) -> list[str]:
    """A label broken into at most two lines at spaces, so a long name stays inside its box."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])[: limit - 1] + "…"]
    return lines


def chain_svg(chain: Chain) -> Markup:
    rtl = current_language() != "en"
    rows = max((n.row for n in chain.nodes), default=0) + 1
    width = PAD * 2 + chain.columns * BOX_W + (chain.columns - 1) * GAP_X
    height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y

    def x_of(column: int) -> int:
        slot = chain.columns - 1 - column if rtl else column
        return PAD + slot * (BOX_W + GAP_X)

    def y_of(row: int) -> int:
        return PAD + row * (BOX_H + GAP_Y)

    title = _("The value chain of %(field)s", field=chain.field.name_en if not rtl else chain.field.name_fa)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chain-title" data-testid="chain-svg" '
        f'direction="{"rtl" if rtl else "ltr"}" font-family="Vazirmatn, sans-serif">',
        f'<title id="chain-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5c4a32"/></marker></defs>',
    ]
    for a, b in chain.edges:
        ya, yb = y_of(a.row) + BOX_H // 2, y_of(b.row) + BOX_H // 2
        if rtl:
            xa, xb = x_of(a.column), x_of(b.column) + BOX_W
        else:
            xa, xb = x_of(a.column) + BOX_W, x_of(b.column)
        parts.append(
            f'<line x1="{xa}" y1="{ya}" x2="{xb}" y2="{yb}" stroke="#5c4a32" stroke-width="1.5" '
            'marker-end="url(#arrow)"/>'
        )
    for node in chain.nodes:
        x, y = x_of(node.column), y_of(node.row)
        field = node.kind == "field"
        fill = "#1f5f4a" if node.current else ("#fff8ec" if field else "#ffffff")
        ink = "#ffffff" if node.current else "#2b2118"
        radius = 6 if field else 18
        parts.append(
            f'<g data-kind="{node.kind}" data-code="{escape(node.code)}">'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="{radius}" fill="{fill}" '
            f'stroke="#5c4a32" stroke-width="{2 if field else 1}"/>'
        )
        lines = _lines(node.label)
        if field:
            lines = lines[:1] + [
                _("Active cores: %(count)s", count=format_number(node.cores, lang=current_language()))
            ]
        top = y + BOX_H // 2 - (len(lines) - 1) * 9
        for i, line in enumerate(lines):
            weight = "bold" if i == 0 and field else "normal"
            parts.append(
                f'<text x="{x + BOX_W // 2}" y="{top + i * 18 + 5}" text-anchor="middle" font-size="13" '
                f'font-weight="{weight}" fill="{ink}">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    # Every word in it went through escape() above; the rest is this module's own markup.
    return Markup("".join(parts))  # noqa: S704
