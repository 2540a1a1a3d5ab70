"""Drawing tools for draw_demo_photos.py: gradients, shading, texture, shadows and shared subjects."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 1600, 1200  # drawn at twice the size and reduced: smooth edges for free
OUT = Path(__file__).resolve().parents[1] / "resalat_bazaar" / "demo_photos"
MAX_BYTES = 60_000
RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]


# --- tools ----------------------------------------------------------------------------------------


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (int(a[0] + (b[0] - a[0]) * t), int(a[1] + (b[1] - a[1]) * t), int(a[2] + (b[2] - a[2]) * t))


def shade(c: RGB, f: float) -> RGB:
    return (min(255, int(c[0] * f)), min(255, int(c[1] * f)), min(255, int(c[2] * f)))


def vgradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def hgradient(size: tuple[int, int], left: RGB, right: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").rotate(90).transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize(size)
    return Image.composite(Image.new("RGB", size, right), Image.new("RGB", size, left), mask)


def grain(img: Image.Image, sigma: float, box: Box | None = None) -> Image.Image:
    """Add zero-mean noise (paper, cloth, film grain)."""
    size = img.size if box is None else (box[2] - box[0], box[3] - box[1])
    noise = Image.effect_noise(size, sigma).convert("RGB")
    if box is None:
        return ImageChops.add(img, noise, 1.0, -128)
    part = ImageChops.add(img.crop(box), noise, 1.0, -128)
    img.paste(part, box[:2])
    return img


def streaks(size: tuple[int, int], sigma: float, across: bool = True) -> Image.Image:
    """Noise stretched one way: wood grain, straw, brushed metal."""
    w, h = size
    small = Image.effect_noise((max(2, w // 60), h) if across else (w, max(2, h // 60)), sigma)
    return small.resize(size, Image.Resampling.BICUBIC)


def textured(size: tuple[int, int], base: RGB, sigma: float, across: bool = True) -> Image.Image:
    tex = streaks(size, sigma, across).convert("RGB")
    return ImageChops.add(Image.new("RGB", size, base), tex, 1.0, -128)


def vignette(img: Image.Image, strength: float = 0.45) -> Image.Image:
    mask = Image.radial_gradient("L").resize(img.size).point(lambda v: int(min(255, v * 1.1) * strength))
    return Image.composite(Image.new("RGB", img.size, (10, 8, 6)), img, mask)


def shadow(img: Image.Image, box: Box, opacity: float = 0.55, blur: int = 28) -> None:
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).ellipse(box, fill=int(255 * opacity))
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    img.paste(Image.new("RGB", img.size, (20, 14, 8)), (0, 0), mask)


def cylinder_fill(
    size: tuple[int, int], colour: RGB, light: float = 0.32, gloss: float = 0.35
) -> Image.Image:
    """A vertical cylinder's shading: dark edges, a broad light and a narrow highlight."""
    w, h = size
    row = Image.new("RGB", (w, 1))
    px = row.load()
    for x in range(w):
        t = x / max(1, w - 1)
        f = 0.55 + 0.6 * math.sin(math.pi * t) ** 0.8
        spec = gloss * math.exp(-(((t - light) / 0.05) ** 2))
        c = shade(colour, f)
        px[x, 0] = mix(c, (255, 255, 255), min(1.0, spec))
    return row.resize((w, h))


def sphere_fill(size: tuple[int, int], colour: RGB, light: tuple[float, float] = (0.35, 0.3)) -> Image.Image:
    """A rounded body lit from the upper left."""
    w, h = size
    big = Image.radial_gradient("L").resize((w * 2, h * 2))
    left, top = int(w * (1 - light[0])), int(h * (1 - light[1]))
    part = big.crop((left, top, left + w, top + h))
    dark, bright = shade(colour, 0.45), shade(colour, 1.25)
    return Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, bright), part)


def paint(
    img: Image.Image, fill: Image.Image, box: Box, draw_mask: Callable[[ImageDraw.ImageDraw, int, int], None]
) -> None:
    """Paste ``fill`` into ``box`` through a mask drawn by ``draw_mask(draw, w, h)``."""
    w, h = box[2] - box[0], box[3] - box[1]
    mask = Image.new("L", (w, h), 0)
    draw_mask(ImageDraw.Draw(mask), w, h)
    img.paste(fill.resize((w, h)) if fill.size != (w, h) else fill, box[:2], mask)


def ellipse_mask(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
    d.ellipse((0, 0, w - 1, h - 1), fill=255)


def studio(wall: tuple[RGB, RGB], table: RGB, horizon: float = 0.6, wood: bool = True) -> Image.Image:
    """A backdrop: a softly lit wall and a table top (wood grain or cloth)."""
    img = vgradient((W, H), wall[0], wall[1])
    y = int(H * horizon)
    top = textured((W, H - y), table, 26) if wood else grain(Image.new("RGB", (W, H - y), table), 10)
    top = Image.blend(top, vgradient((W, H - y), shade(table, 0.8), shade(table, 1.1)), 0.45)
    img.paste(top, (0, y))
    glow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(glow).ellipse((W * 0.15, -H * 0.4, W * 0.85, H * 0.7), fill=70)
    img.paste(Image.new("RGB", (W, H), (255, 250, 240)), (0, 0), glow.filter(ImageFilter.GaussianBlur(160)))
    return img


def outdoors(
    sky: tuple[RGB, RGB], ground: tuple[RGB, RGB], horizon: float = 0.5, hills: RGB | None = None
) -> Image.Image:
    img = vgradient((W, H), sky[0], sky[1])
    if hills is not None:
        d = ImageDraw.Draw(img)
        pts = [
            (x, int(H * horizon) - 90 - int(70 * math.sin(x / 260) + 40 * math.sin(x / 97)))
            for x in range(0, W + 40, 40)
        ]
        d.polygon([(0, H), *pts, (W, H)], fill=hills)
    y = int(H * horizon)
    land = grain(vgradient((W, H - y), ground[0], ground[1]), 22)
    img.paste(land, (0, y))
    return img.filter(ImageFilter.GaussianBlur(3))


def finish(img: Image.Image, name: str, blur_bg: bool = False) -> None:
    img = vignette(grain(img, 7), 0.38)
    small = img.resize((800, 600), Image.Resampling.LANCZOS)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.webp"
    for quality in (82, 74, 66, 58, 50, 42):
        small.save(path, "WEBP", quality=quality, method=6)
        if path.stat().st_size <= MAX_BYTES:
            break
    print(f"{name:20} {path.stat().st_size // 1024:3} KB")


# --- shared subjects -------------------------------------------------------------------------------


def jar(img: Image.Image, box: Box, content: RGB, lid: RGB, fill_to: float = 0.2) -> None:
    """A glass jar: contents seen through the glass, a metal lid and highlights."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    shadow(img, (x0 - 40, y1 - 40, x1 + 120, y1 + 50))
    body = (x0, y0 + 90, x1, y1)
    paint(
        img,
        cylinder_fill((w, y1 - y0 - 90), content, 0.3, 0.0),
        body,
        lambda d, bw, bh: d.rounded_rectangle((0, int(bh * fill_to), bw - 1, bh - 1), 60, fill=255),
    )
    glass = Image.new("L", img.size, 0)
    gd = ImageDraw.Draw(glass)
    gd.rounded_rectangle(body, 60, outline=120, width=10)
    gd.rounded_rectangle((x0 + int(w * 0.14), y0 + 130, x0 + int(w * 0.22), y1 - 60), 20, fill=110)
    gd.rounded_rectangle((x0 + int(w * 0.78), y0 + 150, x0 + int(w * 0.82), y1 - 90), 10, fill=60)
    img.paste(Image.new("RGB", img.size, (255, 255, 255)), (0, 0), glass.filter(ImageFilter.GaussianBlur(4)))
    neck = (x0 + 30, y0 + 40, x1 - 30, y0 + 110)
    paint(
        img,
        cylinder_fill((neck[2] - neck[0], 70), (200, 205, 210), 0.3, 0.5),
        neck,
        lambda d, bw, bh: d.rectangle((0, 0, bw, bh), fill=90),
    )
    cap = (x0 + 10, y0 - 40, x1 - 10, y0 + 60)
    paint(
        img,
        cylinder_fill((cap[2] - cap[0], 100), lid, 0.3, 0.6),
        cap,
        lambda d, bw, bh: d.rounded_rectangle((0, 0, bw - 1, bh - 1), 18, fill=255),
    )
    d = ImageDraw.Draw(img)
    for i in range(8):
        yy = y0 - 30 + i * 11
        d.line((x0 + 16, yy, x1 - 16, yy), fill=shade(lid, 0.7), width=2)


def threads(img: Image.Image, box: Box, n: int, seed: int, length: int = 60) -> None:
    """Saffron stigmas: thin crimson curls with orange-yellow ends."""
    rnd = random.Random(seed)
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    for _ in range(n):
        x, y = rnd.uniform(x0, x1), rnd.uniform(y0, y1)
        a = rnd.uniform(0, math.tau)
        bend = rnd.uniform(-0.6, 0.6)
        pts = []
        for k in range(8):
            t = k / 7
            pts.append((x + math.cos(a + bend * t) * length * t, y + math.sin(a + bend * t) * length * t))
        red = rnd.choice([(150, 12, 20), (178, 20, 28), (120, 8, 16), (196, 34, 30)])
        d.line(pts, fill=red, width=rnd.choice([4, 5, 6]), joint="curve")
        d.line(pts[-2:], fill=(226, 120, 30), width=5)


def crocus(img: Image.Image, cx: float, cy: float, r: float, rnd: random.Random) -> None:
    """A saffron flower seen from above: six violet petals, three red stigmas, yellow stamens."""
    petal = (134, 84, 178)
    for k in range(6):
        a = k * math.pi / 3 + rnd.uniform(-0.15, 0.15)
        px, py = cx + math.cos(a) * r * 0.55, cy + math.sin(a) * r * 0.55
        layer = Image.new("L", (int(r * 1.3), int(r * 0.62)), 0)
        ImageDraw.Draw(layer).ellipse((0, 0, layer.width - 1, layer.height - 1), fill=255)
        layer = layer.rotate(-math.degrees(a), expand=True)
        fill = sphere_fill(layer.size, shade(petal, rnd.uniform(0.85, 1.1)), (0.5, 0.5))
        vein = ImageDraw.Draw(fill)
        for v in range(3):
            vein.line(
                (layer.width / 2, layer.height / 2, layer.width * (0.2 + 0.3 * v), 0),
                fill=(98, 50, 130),
                width=2,
            )
        img.paste(fill, (int(px - layer.width / 2), int(py - layer.height / 2)), layer)
    d = ImageDraw.Draw(img)
    for _ in range(3):
        a = rnd.uniform(0, math.tau)
        d.line((cx, cy, cx + math.cos(a) * r * 0.7, cy + math.sin(a) * r * 0.7), fill=(196, 24, 28), width=7)
        a2 = a + 2.0
        d.line(
            (cx, cy, cx + math.cos(a2) * r * 0.35, cy + math.sin(a2) * r * 0.35), fill=(240, 196, 40), width=8
        )
    d.ellipse((cx - 8, cy - 8, cx + 8, cy + 8), fill=(230, 200, 120))


def weave(size: tuple[int, int], warp: RGB, weft: RGB, step: int = 8) -> Image.Image:
    """A plain weave: alternating over-under threads, each lit on one side."""
    w, h = size
    img = Image.new("RGB", size, shade(warp, 0.7))
    d = ImageDraw.Draw(img)
    for y in range(0, h, step):
        for x in range(0, w, step):
            over = ((x // step) + (y // step)) % 2 == 0
            c = warp if over else weft
            if over:
                d.rectangle((x + 1, y, x + step - 2, y + step - 1), fill=c)
                d.line((x + 1, y, x + 1, y + step - 1), fill=shade(c, 1.12))
            else:
                d.rectangle((x, y + 1, x + step - 1, y + step - 2), fill=c)
                d.line((x, y + 1, x + step - 1, y + 1), fill=shade(c, 1.12))
    return grain(img, 14)


def fleece(img: Image.Image, box: Box, colour: RGB, seed: int, curls: int = 260) -> None:
    """A fleece: many small shaded curls filling an ellipse."""
    rnd = random.Random(seed)
    x0, y0, x1, y1 = box
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    paint(img, sphere_fill((x1 - x0, y1 - y0), shade(colour, 0.92)), box, ellipse_mask)
    for _ in range(curls):
        a, r = rnd.uniform(0, math.tau), math.sqrt(rnd.random()) * 0.95
        x, y = cx + math.cos(a) * rx * r, cy + math.sin(a) * ry * r
        s = rnd.uniform(26, 46)
        lit = 1.05 + 0.25 * (1 - (y - y0) / (y1 - y0)) - 0.15 * ((x - x0) / (x1 - x0))
        paint(
            img,
            sphere_fill((int(s), int(s)), shade(colour, lit * rnd.uniform(0.92, 1.04))),
            (int(x - s / 2), int(y - s / 2), int(x + s / 2), int(y + s / 2)),
            ellipse_mask,
        )


def animal(
    img: Image.Image,
    x: int,
    y: int,
    scale: float,
    body: RGB,
    face: RGB,
    seed: int,
    woolly: bool = True,
    ears_down: bool = False,
) -> None:
    """A standing sheep or goat facing left: legs, body, head and ears."""
    s = scale
    d = ImageDraw.Draw(img)
    shadow(img, (int(x - 40 * s), int(y + 200 * s), int(x + 420 * s), int(y + 260 * s)), 0.45, 22)
    for lx in (40, 110, 270, 330):
        d.rounded_rectangle(
            (x + lx * s, y + 110 * s, x + (lx + 30) * s, y + 235 * s), int(10 * s), fill=shade(face, 0.8)
        )
        d.rounded_rectangle(
            (x + lx * s, y + 215 * s, x + (lx + 30) * s, y + 238 * s), int(6 * s), fill=(40, 32, 28)
        )
    box = (int(x), int(y - 40 * s), int(x + 400 * s), int(y + 170 * s))
    if woolly:
        fleece(img, box, body, seed, curls=int(200 * s))
    else:
        paint(img, sphere_fill((box[2] - box[0], box[3] - box[1]), body, (0.4, 0.25)), box, ellipse_mask)
    hx, hy = x - 70 * s, y - 70 * s
    neck = (int(hx + 50 * s), int(hy + 30 * s), int(hx + 170 * s), int(hy + 170 * s))
    paint(
        img,
        sphere_fill((neck[2] - neck[0], neck[3] - neck[1]), body if not woolly else face),
        neck,
        ellipse_mask,
    )
    head = (int(hx), int(hy), int(hx + 130 * s), int(hy + 160 * s))
    paint(
        img,
        sphere_fill((head[2] - head[0], head[3] - head[1]), face, (0.3, 0.3)),
        head,
        lambda m, w, h: m.ellipse((0, 0, w - 1, h - 1), fill=255),
    )
    ear_y = hy + (50 if ears_down else 20) * s
    d.ellipse((hx - 50 * s, ear_y, hx + 30 * s, ear_y + 34 * s), fill=shade(face, 0.75))
    d.ellipse((hx + 100 * s, ear_y - 8 * s, hx + 180 * s, ear_y + 26 * s), fill=shade(face, 0.85))
    d.ellipse((hx + 30 * s, hy + 50 * s, hx + 48 * s, hy + 68 * s), fill=(20, 16, 14))
    d.ellipse((hx + 34 * s, hy + 53 * s, hx + 40 * s, hy + 59 * s), fill=(230, 230, 230))
    d.ellipse((hx + 12 * s, hy + 128 * s, hx + 36 * s, hy + 142 * s), fill=shade(face, 0.5))
    if woolly:
        fleece(
            img, (int(hx + 20 * s), int(hy - 24 * s), int(hx + 120 * s), int(hy + 30 * s)), body, seed + 1, 14
        )


def embroidery_band(img: Image.Image, box: Box, palette: list[RGB], cell: int = 14) -> None:
    """Balochi needlework: dense geometric stitches (diamonds and steps) in bright silk."""
    x0, y0, x1, y1 = box
    d = ImageDraw.Draw(img)
    d.rectangle(box, fill=(120, 18, 30))
    cols, rows = (x1 - x0) // cell, (y1 - y0) // cell
    for r in range(rows):
        for c in range(cols):
            u, v = c % 12 - 6, r % 12 - 6
            k = (abs(u) + abs(v)) % 6
            colour = palette[k % len(palette)] if k < 5 else palette[(r // 12 + c // 12) % len(palette)]
            cx, cy = x0 + c * cell, y0 + r * cell
            d.line((cx + 2, cy + 2, cx + cell - 2, cy + cell - 2), fill=colour, width=3)
            d.line((cx + cell - 2, cy + 2, cx + 2, cy + cell - 2), fill=shade(colour, 0.85), width=3)
    d.rectangle(box, outline=(240, 200, 60), width=6)


BALOCH = [(230, 60, 40), (250, 190, 40), (40, 150, 90), (240, 240, 230), (60, 90, 190), (235, 110, 30)]
