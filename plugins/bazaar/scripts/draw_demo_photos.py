"""Draw M-Bazar's demo product photos (800x600 WebP, each under 60 KB) with Pillow alone.

The demo cannot ship anyone's real photographs, and nothing is downloaded, so each kind of product
is drawn here as a studio or field shot (gradients, shading, texture, a soft shadow) and saved in
``resalat_bazaar/demo_photos/``. Run it from the repository to redraw them:

    .venv/bin/python plugins/bazaar/scripts/draw_demo_photos.py [NAME ...]

Shapes are placed with a fixed random seed per picture, so a redraw gives the same pictures but
for the film grain (Pillow's noise is not seeded). The tools live in ``photo_tools.py`` beside it.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable

from photo_tools import (
    BALOCH,
    RGB,
    H,
    W,
    animal,
    crocus,
    cylinder_fill,
    ellipse_mask,
    embroidery_band,
    finish,
    fleece,
    grain,
    hgradient,
    jar,
    outdoors,
    paint,
    shade,
    shadow,
    sphere_fill,
    studio,
    textured,
    threads,
    vgradient,
    weave,
)
from PIL import Image, ImageDraw, ImageFilter

# --- the pictures ----------------------------------------------------------------------------------


def saffron_jar() -> Image.Image:
    img = studio(((236, 226, 210), (214, 198, 176)), (120, 76, 44))
    jar(img, (560, 300, 1000, 1000), (150, 20, 24), (196, 160, 70), fill_to=0.12)
    threads(img, (600, 470, 960, 960), 260, 1, 46)
    threads(img, (260, 930, 1400, 1080), 90, 2, 40)
    rnd = random.Random(3)
    crocus(img, 1230, 860, 110, rnd)
    crocus(img, 330, 830, 90, rnd)
    return img


def saffron_tin() -> Image.Image:
    img = studio(((70, 40, 34), (40, 22, 20)), (92, 56, 34))
    d = ImageDraw.Draw(img)
    shadow(img, (380, 840, 1000, 960))
    paint(
        img,
        cylinder_fill((560, 250), (200, 168, 90), 0.3, 0.6),
        (420, 650, 980, 900),
        lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 30, fill=255),
    )
    d.ellipse((420, 590, 980, 720), fill=(170, 140, 70))
    d.ellipse((440, 600, 960, 710), fill=(120, 16, 22))
    threads(img, (470, 610, 930, 690), 260, 5, 36)
    # The lid, leaning, with a khatam-like star pattern.
    shadow(img, (980, 800, 1420, 900), 0.4)
    paint(img, sphere_fill((420, 420), (210, 176, 96), (0.4, 0.35)), (1000, 440, 1420, 860), ellipse_mask)
    for k in range(8):
        a = k * math.pi / 4
        d.line((1210, 650, 1210 + math.cos(a) * 170, 650 + math.sin(a) * 170), fill=(120, 84, 40), width=6)
    d.ellipse((1130, 570, 1290, 730), outline=(120, 84, 40), width=8)
    d.ellipse((1050, 490, 1370, 810), outline=(240, 220, 150), width=6)
    threads(img, (200, 900, 1300, 1080), 60, 6, 36)
    return img


def saffron_flowers() -> Image.Image:
    img = outdoors(((196, 214, 232), (236, 230, 214)), ((126, 94, 66), (92, 66, 46)), 0.42, (150, 140, 120))
    rnd = random.Random(7)
    d = ImageDraw.Draw(img)
    for _ in range(160):
        x, y = rnd.uniform(0, W), rnd.uniform(H * 0.45, H)
        d.line((x, y, x + rnd.uniform(-30, 30), y - rnd.uniform(60, 140)), fill=(70, 110, 50), width=5)
    spots = sorted(
        ((rnd.uniform(60, W - 60), rnd.uniform(H * 0.5, H - 40)) for _ in range(34)), key=lambda p: p[1]
    )
    for x, y in spots:
        crocus(img, x, y, 40 + (y - H * 0.5) / 5, rnd)
    return img


def saffron_corms() -> Image.Image:
    img = studio(((220, 206, 180), (196, 178, 150)), (150, 120, 80), wood=False)
    burlap = weave((1300, 520), (176, 140, 92), (156, 122, 80), 12)
    paint(
        img,
        burlap,
        (150, 620, 1450, 1140),
        lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 80, fill=255),
    )
    rnd = random.Random(11)
    d = ImageDraw.Draw(img)
    spots = sorted(((rnd.gauss(800, 260), rnd.gauss(820, 90)) for _ in range(70)), key=lambda p: p[1])
    for x, y in spots:
        w, h = rnd.uniform(90, 140), rnd.uniform(80, 115)
        box = (int(x - w / 2), int(y - h / 2), int(x + w / 2), int(y + h / 2))
        shadow(img, (box[0] + 10, box[3] - 20, box[2] + 20, box[3] + 16), 0.35, 8)
        paint(img, sphere_fill((box[2] - box[0], box[3] - box[1]), (170, 120, 78)), box, ellipse_mask)
        for k in range(4):
            d.arc(
                (box[0] + 6 * k, box[1] + 4, box[2] - 6 * k, box[3] + 10),
                200,
                340,
                fill=(120, 84, 50),
                width=2,
            )
        d.line((x, box[1] + 4, x + 4, box[1] - 16), fill=(226, 214, 180), width=6)
    return img


def karbas_cloth() -> Image.Image:
    img = studio(((232, 226, 214), (208, 198, 184)), (104, 70, 44))
    cloth = weave((1100, 140), (238, 226, 200), (222, 206, 176), 9)
    for k, y in enumerate((900, 780, 660, 540)):
        shadow(img, (240, y + 80, 1380, y + 160), 0.4, 18)
        fill = Image.blend(cloth, vgradient(cloth.size, (255, 250, 240), (170, 150, 120)), 0.35)
        paint(
            img,
            fill,
            (260 + k * 10, y, 1360 - k * 10, y + 140),
            lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 50, fill=255),
        )
        d = ImageDraw.Draw(img)
        d.line((280 + k * 10, y + 40, 1340 - k * 10, y + 40), fill=(150, 60, 50), width=6)
        d.line((280 + k * 10, y + 56, 1340 - k * 10, y + 56), fill=(40, 60, 110), width=4)
    return img


def tablecloth() -> Image.Image:
    img = textured((W, H), (120, 82, 50), 26)
    cloth = weave((1300, 1000), (236, 222, 192), (226, 208, 176), 8)
    d = ImageDraw.Draw(cloth)
    for inset, colour in ((40, (160, 40, 40)), (70, (40, 70, 120)), (90, (160, 40, 40))):
        d.rectangle((inset, inset, 1300 - inset, 1000 - inset), outline=colour, width=10)
    rnd = random.Random(13)
    for gx in range(4):
        for gy in range(3):
            cx, cy = 260 + gx * 260, 250 + gy * 250
            colour = rnd.choice([(160, 40, 40), (40, 70, 120), (180, 120, 40)])
            d.ellipse((cx - 60, cy - 40, cx + 40, cy + 60), fill=colour)
            d.polygon([(cx + 20, cy - 30), (cx + 60, cy - 90), (cx + 40, cy + 10)], fill=colour)
            d.ellipse((cx - 30, cy - 10, cx + 14, cy + 34), fill=(236, 222, 192))
    shadow(img, (170, 180, 1500, 1180), 0.5, 30)
    cloth = Image.blend(cloth, vgradient(cloth.size, (255, 250, 240), (160, 140, 110)), 0.25)
    img.paste(
        cloth.rotate(4, expand=True, fillcolor=(0, 0, 0)),
        (120, 60),
        Image.new("L", cloth.size, 255).rotate(4, expand=True),
    )
    return img


def _skeins(palette: list[RGB], wall: tuple[RGB, RGB], table: RGB) -> Image.Image:
    img = studio(wall, table)
    spots = [(220, 520), (560, 470), (900, 510), (1240, 480), (400, 760), (760, 780), (1110, 760)]
    for k, (x, y) in enumerate(spots):
        colour = palette[k % len(palette)]
        box = (x - 10, y, x + 330, y + 230)
        shadow(img, (box[0] + 30, box[3] - 40, box[2] + 40, box[3] + 30), 0.45, 16)
        body = sphere_fill((340, 230), colour, (0.4, 0.25))
        strands = ImageDraw.Draw(body)
        for s in range(30):
            t = s / 29
            strands.line(
                (20 + t * 320, 0, t * 320 - 20, 230), fill=shade(colour, 0.72 if s % 2 else 1.12), width=5
            )
        paint(img, Image.blend(body, sphere_fill((340, 230), colour, (0.4, 0.25)), 0.35), box, ellipse_mask)
        d = ImageDraw.Draw(img)
        d.rounded_rectangle((x + 140, y - 10, x + 180, y + 240), 16, fill=shade(colour, 0.85))
    return img


def yarn_skeins() -> Image.Image:
    madder = [(168, 38, 38), (214, 162, 48), (48, 66, 128), (236, 226, 200), (120, 40, 60), (196, 110, 40)]
    return _skeins(madder, ((230, 222, 208), (204, 192, 176)), (110, 74, 46))


def wool_yarn() -> Image.Image:
    natural = [(236, 228, 210), (160, 130, 100), (98, 76, 60), (210, 196, 170), (60, 50, 44)]
    return _skeins(natural, ((214, 220, 214), (186, 194, 186)), (96, 68, 46))


def kilim() -> Image.Image:
    img = textured((W, H), (150, 130, 110), 12, across=False)
    rug = Image.new("RGB", (1240, 960), (150, 28, 34))
    d = ImageDraw.Draw(rug)
    d.rectangle((0, 0, 1239, 959), outline=(30, 40, 80), width=70)
    d.rectangle((70, 70, 1169, 889), outline=(236, 214, 170), width=20)
    for gx in range(5):
        for gy in range(3):
            cx, cy = 210 + gx * 205, 230 + gy * 250
            for r, colour in (
                (110, (236, 214, 170)),
                (80, (30, 40, 80)),
                (50, (220, 150, 40)),
                (22, (150, 28, 34)),
            ):
                d.polygon([(cx, cy - r), (cx + r * 0.8, cy), (cx, cy + r), (cx - r * 0.8, cy)], fill=colour)
            for sx in (-1, 1):
                for step in range(4):
                    a, b = cx + sx * (110 + step * 10), cx + sx * (118 + step * 10)
                    d.rectangle(
                        (min(a, b), cy - 60 + step * 30, max(a, b), cy - 40 + step * 30), fill=(236, 214, 170)
                    )
    rug = grain(rug, 18)
    rug = Image.blend(rug, weave(rug.size, (128, 128, 128), (110, 110, 110), 6), 0.12)
    shadow(img, (160, 150, 1460, 1150), 0.55, 30)
    img.paste(rug, (180, 120))
    for y in list(range(120, 1080, 14)):
        for x0 in (120, 1420):
            ImageDraw.Draw(img).line((x0, y, x0 + 60, y + 6), fill=(236, 226, 206), width=5)
    return img


def sheep() -> Image.Image:
    img = outdoors(((150, 190, 230), (220, 232, 240)), ((110, 150, 70), (70, 110, 46)), 0.5, (120, 150, 110))
    animal(img, 380, 560, 1.55, (230, 222, 204), (60, 46, 40), 21)
    animal(img, 1120, 520, 0.8, (220, 210, 190), (70, 54, 44), 22, ears_down=True)
    return img


def goat() -> Image.Image:
    img = outdoors(
        ((170, 200, 226), (230, 234, 236)), ((150, 160, 80), (104, 120, 60)), 0.52, (130, 140, 120)
    )
    animal(img, 420, 540, 1.55, (244, 242, 236), (236, 232, 224), 31, woolly=False, ears_down=False)
    d = ImageDraw.Draw(img)
    d.polygon([(336, 664), (380, 664), (352, 770)], fill=(214, 208, 198))
    d.arc((390, 420, 530, 560), 200, 290, fill=(120, 104, 84), width=16)
    d.arc((420, 430, 550, 570), 200, 290, fill=(140, 122, 100), width=14)
    return img


def lambs() -> Image.Image:
    img = outdoors(((160, 196, 228), (226, 232, 236)), ((124, 160, 74), (80, 120, 50)), 0.48, (126, 150, 116))
    animal(img, 300, 620, 1.05, (240, 234, 220), (232, 220, 200), 41, ears_down=True)
    animal(img, 920, 560, 1.15, (236, 228, 212), (70, 56, 48), 42, ears_down=True)
    return img


def wool() -> Image.Image:
    img = studio(((226, 220, 208), (200, 192, 178)), (112, 80, 52))
    basket = (300, 640, 1300, 1080)
    shadow(img, (260, 1010, 1360, 1120), 0.5)
    paint(
        img,
        weave((1000, 440), (180, 130, 70), (150, 106, 56), 20),
        basket,
        lambda m, w, h: m.polygon([(0, 0), (w, 0), (w - 90, h), (90, h)], fill=255),
    )
    fleece(img, (280, 420, 1320, 760), (236, 230, 214), 51, 520)
    fleece(img, (1180, 880, 1480, 1060), (226, 218, 200), 52, 60)
    return img


def hay() -> Image.Image:
    img = outdoors(((140, 186, 228), (226, 232, 236)), ((170, 150, 90), (130, 110, 70)), 0.56)
    rnd = random.Random(61)
    for row, (y, count) in enumerate(((700, 4), (500, 3))):
        for k in range(count):
            x = 210 + k * 300 + row * 150
            box = (x, y, x + 300, y + 220)
            if row == 0:
                shadow(img, (x - 20, y + 180, x + 340, y + 260), 0.5, 18)
            straw = textured((300, 220), (214, 186, 110), 60, across=True)
            straw = Image.blend(straw, vgradient((300, 220), (240, 220, 150), (150, 124, 70)), 0.35)
            paint(img, straw, box, lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 18, fill=255))
            d = ImageDraw.Draw(img)
            for t in (0.3, 0.7):
                d.line((x + 300 * t, y, x + 300 * t, y + 220), fill=(120, 90, 50), width=5)
            for _ in range(30):
                sx = rnd.uniform(x, x + 300)
                d.line(
                    (sx, y + 2, sx + rnd.uniform(-20, 20), y - rnd.uniform(6, 24)),
                    fill=(222, 196, 120),
                    width=3,
                )
    return img


def feed_sacks() -> Image.Image:
    img = studio(((200, 190, 170), (170, 158, 138)), (130, 110, 84), wood=False)
    for k, x in enumerate((230, 640, 1050)):
        y = 420 + (k % 2) * 40
        box = (x, y, x + 340, y + 560)
        shadow(img, (x - 20, y + 500, x + 400, y + 600), 0.5, 20)
        sack = Image.blend(
            weave((340, 560), (196, 170, 120), (176, 150, 104), 10),
            hgradient((340, 560), (120, 100, 70), (230, 210, 160)),
            0.3,
        )
        paint(
            img,
            sack,
            box,
            lambda m, w, h: m.polygon(
                [(30, 40), (w // 2, 0), (w - 30, 40), (w, h - 60), (w - 40, h), (40, h), (0, h - 60)],
                fill=255,
            ),
        )
        d = ImageDraw.Draw(img)
        d.rectangle((x + 70, y + 200, x + 270, y + 330), fill=(40, 90, 60))
        d.rectangle((x + 86, y + 216, x + 254, y + 314), outline=(230, 220, 180), width=5)
        d.line((x + 40, y + 40, x + 300, y + 40), fill=(110, 86, 56), width=8)
    rnd = random.Random(71)
    d = ImageDraw.Draw(img)
    for _ in range(700):
        x, y = rnd.gauss(800, 300), rnd.gauss(1080, 40)
        d.ellipse((x, y, x + 12, y + 7), fill=rnd.choice([(214, 180, 100), (190, 150, 80), (230, 206, 140)]))
    return img


def trough() -> Image.Image:
    img = outdoors(((160, 196, 226), (228, 232, 234)), ((130, 120, 90), (100, 90, 70)), 0.5)
    shadow(img, (180, 880, 1460, 1020), 0.55)
    metal = Image.blend(
        textured((1200, 340), (170, 176, 180), 30),
        vgradient((1200, 340), (230, 234, 238), (110, 116, 120)),
        0.5,
    )
    paint(
        img,
        metal,
        (200, 600, 1400, 940),
        lambda m, w, h: m.polygon([(0, 0), (w, 0), (w - 90, h), (90, h)], fill=255),
    )
    d = ImageDraw.Draw(img)
    d.rectangle((200, 590, 1400, 630), fill=(200, 206, 210))
    paint(
        img,
        vgradient((1160, 60), (110, 150, 170), (70, 100, 120)),
        (220, 630, 1380, 690),
        lambda m, w, h: m.rectangle((0, 0, w, h), fill=255),
    )
    for x in (300, 1300):
        d.rectangle((x - 15, 930, x + 15, 1000), fill=(90, 94, 98))
    for k in range(5):
        d.line((330 + k * 240, 640, 330 + k * 240, 935), fill=(140, 146, 150), width=6)
    return img


def honey_jar() -> Image.Image:
    img = studio(((238, 226, 200), (214, 196, 164)), (116, 76, 40))
    jar(img, (500, 330, 960, 1010), (214, 130, 20), (70, 120, 60), fill_to=0.08)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((560, 640, 900, 820), 12, fill=(240, 230, 200))
    d.rounded_rectangle((580, 660, 880, 800), 8, outline=(150, 90, 30), width=4)
    for k in range(3):
        d.line((610, 700 + k * 30, 850, 700 + k * 30), fill=(150, 90, 30), width=5)
    shadow(img, (1000, 960, 1460, 1030), 0.4, 14)
    paint(
        img,
        cylinder_fill((60, 420), (150, 100, 50), 0.35, 0.3),
        (1080, 580, 1140, 1000),
        lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 20, fill=255),
    )
    for k in range(4):
        d.ellipse(
            (1040, 930 + k * 22 - 60, 1180, 980 + k * 22 - 60), fill=shade((150, 100, 50), 0.8 + k * 0.1)
        )
    d.ellipse((1000, 1000, 1240, 1050), fill=(214, 130, 20))
    return img


def honeycomb() -> Image.Image:
    img = studio(((70, 48, 30), (40, 28, 20)), (96, 62, 34))
    comb = Image.new("RGB", (1200, 760), (200, 140, 40))
    d = ImageDraw.Draw(comb)
    r = 44
    for row in range(12):
        for col in range(16):
            cx = col * r * 1.73 + (row % 2) * r * 0.87
            cy = row * r * 1.5
            pts = [
                (
                    cx + r * math.cos(math.pi / 6 + k * math.pi / 3),
                    cy + r * math.sin(math.pi / 6 + k * math.pi / 3),
                )
                for k in range(6)
            ]
            d.polygon(pts, fill=(246, 196, 70), outline=(170, 110, 30))
            inner = [
                (
                    cx + (r - 12) * math.cos(math.pi / 6 + k * math.pi / 3),
                    cy + (r - 12) * math.sin(math.pi / 6 + k * math.pi / 3),
                )
                for k in range(6)
            ]
            d.polygon(inner, fill=(226, 150, 30))
            d.ellipse((cx - 14, cy - 20, cx, cy - 8), fill=(255, 236, 170))
    comb = Image.blend(comb, vgradient(comb.size, (255, 230, 160), (150, 90, 20)), 0.3)
    shadow(img, (160, 900, 1440, 1080), 0.55)
    paint(
        img,
        comb,
        (200, 240, 1400, 1000),
        lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 40, fill=255),
    )
    return img


def beeswax() -> Image.Image:
    img = studio(((232, 222, 200), (206, 192, 166)), (110, 74, 44))
    for x, y in ((280, 640), (760, 600), (520, 820), (1000, 800)):
        shadow(img, (x - 10, y + 170, x + 430, y + 250), 0.45, 18)
        paint(
            img,
            sphere_fill((420, 220), (236, 190, 60), (0.3, 0.2)),
            (x, y, x + 420, y + 220),
            lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 40, fill=255),
        )
        d = ImageDraw.Draw(img)
        d.rounded_rectangle((x + 30, y + 24, x + 390, y + 70), 20, fill=(250, 220, 120))
    return img


def beehive() -> Image.Image:
    img = outdoors(((150, 196, 232), (228, 236, 236)), ((110, 150, 64), (76, 116, 44)), 0.55, (110, 140, 100))
    shadow(img, (420, 1000, 1260, 1090), 0.55)
    for y, h in ((740, 280), (480, 260)):
        wood = Image.blend(
            textured((720, h), (214, 168, 100), 30), hgradient((720, h), (150, 110, 60), (240, 200, 140)), 0.4
        )
        paint(img, wood, (460, y, 1180, y + h), lambda m, w, hh: m.rectangle((0, 0, w, hh), fill=255))
        d = ImageDraw.Draw(img)
        d.rectangle((760, y + h // 2 - 16, 880, y + h // 2 + 16), fill=(120, 84, 40))
    d = ImageDraw.Draw(img)
    d.rectangle((430, 440, 1210, 490), fill=(180, 184, 186))
    d.rectangle((440, 1020, 1200, 1040), fill=(90, 60, 30))
    d.rectangle((520, 960, 1120, 990), fill=(60, 40, 24))
    rnd = random.Random(81)
    for _ in range(14):
        x, y = rnd.uniform(300, 1300), rnd.uniform(300, 1000)
        d.ellipse((x, y, x + 22, y + 14), fill=(60, 40, 10))
        d.line((x + 4, y + 7, x + 18, y + 7), fill=(230, 180, 40), width=4)
        d.ellipse((x + 4, y - 10, x + 18, y), fill=(230, 236, 240))
    return img


def baluch_dress() -> Image.Image:
    img = textured((W, H), (200, 190, 174), 14, across=False)
    img = Image.blend(img, vgradient((W, H), (226, 218, 204), (170, 160, 146)), 0.4)
    shape = [
        (560, 160),
        (1040, 160),
        (1380, 420),
        (1290, 520),
        (1100, 400),
        (1160, 1120),
        (440, 1120),
        (500, 400),
        (310, 520),
        (220, 420),
    ]
    shadow(img, (300, 180, 1360, 1160), 0.45, 30)
    cloth = Image.blend(
        weave((W, H), (30, 100, 90), (24, 86, 78), 6), hgradient((W, H), (10, 40, 40), (80, 160, 150)), 0.25
    )
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).polygon(shape, fill=255)
    img.paste(cloth, (0, 0), mask)
    d = ImageDraw.Draw(img)
    d.ellipse((700, 130, 900, 250), fill=(200, 190, 174))
    embroidery_band(img, (660, 270, 940, 720), BALOCH)
    embroidery_band(img, (470, 1000, 1130, 1100), BALOCH, 12)
    embroidery_band(img, (1220, 400, 1330, 500), BALOCH, 10)
    embroidery_band(img, (270, 400, 380, 500), BALOCH, 10)
    return img


def embroidery_frame() -> Image.Image:
    img = studio(((224, 214, 196), (198, 186, 166)), (100, 68, 40))
    shadow(img, (300, 1000, 1300, 1100), 0.5, 24)
    frame = Image.blend(
        textured((900, 760), (120, 76, 40), 30), hgradient((900, 760), (90, 56, 30), (170, 120, 70)), 0.4
    )
    img.paste(frame, (350, 220))
    embroidery_band(img, (430, 300, 1170, 900), BALOCH, 16)
    d = ImageDraw.Draw(img)
    d.rectangle((420, 290, 1180, 910), outline=(240, 220, 170), width=8)
    return img


def embroidered_shawl() -> Image.Image:
    img = textured((W, H), (112, 78, 50), 24)
    shawl = Image.blend(
        weave((1500, 700), (140, 20, 40), (120, 14, 34), 6),
        vgradient((1500, 700), (190, 60, 80), (90, 10, 26)),
        0.3,
    )
    shadow(img, (60, 300, 1560, 1060), 0.5, 30)
    img.paste(
        shawl.rotate(-6, expand=True, fillcolor=(0, 0, 0)),
        (20, 180),
        Image.new("L", shawl.size, 255).rotate(-6, expand=True),
    )
    band = Image.new("RGB", (1460, 120))
    embroidery_band(band, (0, 0, 1459, 119), BALOCH, 12)
    img.paste(
        band.rotate(-6, expand=True, fillcolor=(0, 0, 0)),
        (40, 520),
        Image.new("L", band.size, 255).rotate(-6, expand=True),
    )
    return img


def uniforms() -> Image.Image:
    img = studio(((228, 230, 232), (200, 204, 208)), (150, 120, 90))
    for x, base in ((260, (80, 96, 120)), (880, (150, 150, 156))):
        for k in range(5):
            y = 900 - k * 110
            shadow(img, (x - 10, y + 80, x + 530, y + 150), 0.35, 14)
            fill = Image.blend(
                weave((520, 120), base, shade(base, 0.9), 5),
                vgradient((520, 120), shade(base, 1.3), shade(base, 0.7)),
                0.4,
            )
            paint(
                img,
                fill,
                (x, y, x + 520, y + 120),
                lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 26, fill=255),
            )
        d = ImageDraw.Draw(img)
        top = 900 - 4 * 110
        d.polygon([(x + 200, top), (x + 260, top + 60), (x + 320, top)], fill=(240, 240, 240))
        for b in range(3):
            d.ellipse((x + 252, top + 70 + b * 16, x + 266, top + 84 + b * 16), fill=(230, 230, 230))
    return img


def _panel(size: tuple[int, int]) -> Image.Image:
    w, h = size
    panel = vgradient(size, (30, 50, 110), (14, 24, 60))
    d = ImageDraw.Draw(panel)
    cw, ch = w // 6, h // 10
    for c in range(6):
        for r in range(10):
            d.rectangle(
                (c * cw + 4, r * ch + 4, c * cw + cw - 4, r * ch + ch - 4), outline=(80, 110, 170), width=2
            )
    d.rectangle((0, 0, w - 1, h - 1), outline=(200, 206, 212), width=10)
    glare = Image.new("L", size, 0)
    ImageDraw.Draw(glare).polygon(
        [(int(w * 0.2), 0), (int(w * 0.45), 0), (int(w * 0.1), h), (0, h), (0, int(h * 0.6))], fill=70
    )
    panel.paste(Image.new("RGB", size, (220, 235, 255)), (0, 0), glare.filter(ImageFilter.GaussianBlur(30)))
    return panel


def _tilted(panel: Image.Image, width: int, top_shrink: float) -> tuple[Image.Image, Image.Image]:
    """A panel leaning back: its top edge narrower than its bottom."""
    w, h = panel.size
    inset = w * top_shrink
    coeffs = _perspective([(inset, 0), (w - inset, 0), (w, h), (0, h)], [(0, 0), (w, 0), (w, h), (0, h)])
    out = panel.transform(panel.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    mask = Image.new("L", panel.size, 255).transform(panel.size, Image.Transform.PERSPECTIVE, coeffs)
    scale = width / w
    return out.resize((width, int(h * scale))), mask.resize((width, int(h * scale)))


def _perspective(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> tuple[float, ...]:
    """Coefficients mapping output points ``dst`` to input points ``src`` (Gaussian elimination)."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    n = 8
    m = [row + [b] for row, b in zip(rows, rhs, strict=True)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                m[r] = [a - f * b for a, b in zip(m[r], m[i], strict=True)]
    return tuple(m[i][n] / m[i][i] for i in range(n))


def solar_panel() -> Image.Image:
    img = outdoors(
        ((110, 170, 230), (210, 228, 244)), ((150, 160, 110), (110, 120, 80)), 0.62, (150, 170, 150)
    )
    shadow(img, (300, 1000, 1400, 1120), 0.5)
    panel, mask = _tilted(_panel((600, 1000)), 1000, 0.12)
    img.paste(panel, (320, 260), mask.crop((0, 0, *panel.size)))
    d = ImageDraw.Draw(img)
    d.line((500, 880, 420, 1060), fill=(120, 124, 130), width=18)
    d.line((1150, 880, 1230, 1060), fill=(120, 124, 130), width=18)
    return img


def solar_kit() -> Image.Image:
    img = studio(((226, 230, 234), (196, 202, 208)), (170, 170, 168), wood=False)
    for k in range(3):
        panel, mask = _tilted(_panel((600, 1000)), 420, 0.1)
        x = 140 + k * 300
        shadow(img, (x - 20, 900, x + 460, 990), 0.4, 18)
        img.paste(panel, (x, 210 + k * 20), mask)
    box = (1100, 560, 1420, 960)
    shadow(img, (1080, 920, 1460, 1000), 0.5, 16)
    paint(
        img,
        vgradient((320, 400), (236, 238, 240), (180, 184, 190)),
        box,
        lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 24, fill=255),
    )
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((1150, 620, 1370, 720), 10, fill=(30, 40, 50))
    for k in range(4):
        d.rectangle((1175 + k * 44, 650, 1205 + k * 44, 690), outline=(90, 220, 140), width=4)
    for k in range(3):
        d.ellipse((1170 + k * 70, 780, 1210 + k * 70, 820), fill=(60, 160, 90) if k == 0 else (120, 120, 120))
    paint(
        img,
        vgradient((280, 200), (60, 64, 70), (30, 32, 36)),
        (1110, 990, 1390, 1150),
        lambda m, w, h: m.rounded_rectangle((0, 0, w - 1, h - 1), 16, fill=255),
    )
    d.rectangle((1150, 970, 1190, 995), fill=(200, 40, 40))
    d.rectangle((1310, 970, 1350, 995), fill=(40, 40, 40))
    return img


def solar_roof() -> Image.Image:
    img = vgradient((W, H), (96, 160, 226), (206, 226, 244))
    d = ImageDraw.Draw(img)
    d.ellipse((1260, 80, 1440, 260), fill=(255, 244, 200))
    img = img.filter(ImageFilter.GaussianBlur(12))
    wall = Image.blend(
        textured((W, 520), (200, 170, 130), 30, across=False),
        vgradient((W, 520), (220, 190, 150), (150, 120, 90)),
        0.4,
    )
    img.paste(wall, (0, 680))
    roof = Image.blend(
        textured((W, 160), (120, 110, 100), 20), vgradient((W, 160), (150, 140, 130), (90, 84, 76)), 0.5
    )
    img.paste(roof, (0, 600))
    for k in range(4):
        panel, mask = _tilted(_panel((600, 1000)), 330, 0.14)
        img.paste(panel, (120 + k * 360, 150), mask)
        d = ImageDraw.Draw(img)
        d.line((180 + k * 360, 600, 160 + k * 360, 650), fill=(90, 90, 94), width=12)
        d.line((400 + k * 360, 600, 420 + k * 360, 650), fill=(90, 90, 94), width=12)
    d = ImageDraw.Draw(img)
    for x in (300, 900):
        d.rectangle((x, 820, x + 220, 1040), fill=(80, 110, 140))
        d.rectangle((x, 820, x + 220, 1040), outline=(240, 232, 220), width=14)
        d.line((x + 110, 820, x + 110, 1040), fill=(240, 232, 220), width=8)
    return img


PICTURES: dict[str, Callable[[], Image.Image]] = {
    f.__name__: f
    for f in (
        saffron_jar,
        saffron_tin,
        saffron_flowers,
        saffron_corms,
        karbas_cloth,
        tablecloth,
        yarn_skeins,
        wool_yarn,
        kilim,
        sheep,
        goat,
        lambs,
        wool,
        hay,
        feed_sacks,
        trough,
        honey_jar,
        honeycomb,
        beeswax,
        beehive,
        baluch_dress,
        embroidery_frame,
        embroidered_shawl,
        uniforms,
        solar_panel,
        solar_kit,
        solar_roof,
    )
}


def main(names: list[str]) -> None:
    for name in names or list(PICTURES):
        finish(PICTURES[name](), name)


if __name__ == "__main__":
    main(sys.argv[1:])
