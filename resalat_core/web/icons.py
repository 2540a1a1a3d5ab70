"""The app's PNG icons (192, 512 and a maskable 512), drawn with Pillow from the favicon's design.

``scripts/pwa-icons`` writes them once into ``web/static/img/``; they are shipped, not made at run
time. The favicon (``favicon.svg``) is a green rounded square with a white «R»-like mark on a 64
unit grid; the mark is drawn here from the same path, supersampled for smooth edges.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (15, 110, 86, 255)  # --rs-green of app.css, the favicon's fill
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4


def _mark() -> list[tuple[float, float]]:
    """The favicon's path ``M18 44V20h16a10 10 0 0 1 0 20h-6l10 8h-9l-9-8v4z`` as a polygon."""
    points = [(18.0, 44.0), (18.0, 20.0), (34.0, 20.0)]
    # The half circle from (34, 20) round the right to (34, 40), centred on (34, 30).
    for step in range(1, 32):
        angle = -math.pi / 2 + math.pi * step / 32
        points.append((34 + 10 * math.cos(angle), 30 + 10 * math.sin(angle)))
    points += [(34.0, 40.0), (28.0, 40.0), (38.0, 48.0), (29.0, 48.0), (20.0, 40.0), (20.0, 44.0)]
    return points


def draw_icon(size: int, *, maskable: bool = False) -> Image.Image:
    """The icon at ``size`` pixels; a maskable one fills the square and keeps the mark in the
    middle 60% (the safe zone is the inner 80% circle)."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=GREEN)
        scale = big * 0.6 / 30
        # The mark spans 18..44 across and 20..48 down: its middle (31, 34) in the square's middle.
        offset_x = big / 2 - 31 * scale
        offset_y = big / 2 - 34 * scale
    else:
        scale = big / 64
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * scale, fill=GREEN)
        offset_x = offset_y = 0.0
    draw.polygon([(offset_x + x * scale, offset_y + y * scale) for x, y in _mark()], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path) -> list[Path]:
    """Write ``icon-192.png``, ``icon-512.png`` and ``icon-maskable-512.png`` into ``folder``."""
    made = []
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ):
        path = folder / name
        draw_icon(size, maskable=maskable).save(path, optimize=True)
        made.append(path)
    return made


if __name__ == "__main__":
    for written in write_icons(Path(__file__).resolve().parent / "static" / "img"):
        print(written.name)
