"""The main pages of the demo world, photographed at a phone's width (390 px) and a desktop's
(1280 px) by a real browser, each checked on the way: Persian, fitting the phone, axe-clean.

A normal run writes the pictures into a temporary folder (so the test still takes and checks
them); with ``RESALAT_SCREENSHOTS=docs/screenshots`` (what ``make screenshots`` sets) it writes
them where the README shows them. Each picture is the first screen only (the viewport), reduced
to a palette of 256 colours and optimised by Pillow, so the committed files stay small.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from resalat_core.testing import assert_accessible, layout_problems, sign_in_as_persona

pytestmark = pytest.mark.browser

OUT_ENV = "RESALAT_SCREENSHOTS"
ROOT = Path(__file__).resolve().parents[1]
# The plugins whose pages are shown: without any of them the pictures would not be the README's.
NEEDED = ("bazaar", "cores", "hesam", "loans", "guides")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Latin on a Persian page by design: the language switch, and a core ID's letters (ZNJ-LIVESTOCK-).
ALLOWED_LATIN = re.compile(r"\bEnglish\b|\b[A-Z]{2,4}-[A-Z_]+-(?=[\u06f0-\u06f9])")
LATIN = re.compile(r"[A-Za-z0-9]+")

# Mobiles of the README's demo personas.
CORE_LEADER = "09120000003"
GUIDE = "09120000005"


@dataclass(frozen=True)
class Shot:
    """A page to photograph: its file name, who reads it and how its address is found."""

    name: str
    who: str
    url: Callable[[Any], str]


def _one(session: Any, sql: str, **params: Any) -> Any:
    found = session.execute(text(sql), params).scalar()
    assert found is not None, f"the demo world has no row for: {sql}"
    return found


def _loan(s: Any) -> int:
    return int(
        _one(
            s,
            "SELECT l.id FROM loans_loans l JOIN members m ON m.id = l.member_id"
            " WHERE m.mobile = :mobile AND l.status = 'disbursed' ORDER BY l.id",
            mobile=CORE_LEADER,
        )
    )


def _core(s: Any) -> int:
    return int(
        _one(
            s,
            "SELECT c.id FROM cores c JOIN members m ON m.id = c.leader_id"
            " WHERE m.mobile = :mobile ORDER BY c.id",
            mobile=CORE_LEADER,
        )
    )


SAFFRON = "زعفران"


def _saffron(s: Any) -> int:
    return int(
        _one(
            s,
            "SELECT id FROM bazaar_products WHERE listed AND NOT hidden AND title LIKE :q ORDER BY id",
            q=f"%{SAFFRON}%",
        )
    )


SHOTS = (
    Shot("home", CORE_LEADER, lambda s: "/"),
    Shot("bazaar-search", CORE_LEADER, lambda s: f"/bazaar/?q={SAFFRON}"),
    Shot(
        "product",
        CORE_LEADER,
        lambda s: f"/bazaar/products/{_saffron(s)}",
    ),
    Shot("core", CORE_LEADER, lambda s: f"/cores/{_core(s)}"),
    Shot("hesam", CORE_LEADER, lambda s: "/hesam/"),
    Shot("loan", CORE_LEADER, lambda s: f"/loans/{_loan(s)}"),
    Shot("confirmation", CORE_LEADER, lambda s: f"/loans/{_loan(s)}/pay?count=1"),
    Shot("guide-dashboard", GUIDE, lambda s: "/guides/"),
)


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    from resalat_core.testing import load_demo_world

    missing = [name for name in NEEDED if name not in app.blueprints]
    if missing:
        pytest.skip(f"the screenshots show pages of plugins not installed: {', '.join(missing)}")
    return load_demo_world(app)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where the pictures go: the folder the variable names (from the project's root), else a
    temporary one."""
    named = os.environ.get(OUT_ENV, "").strip()
    if not named:
        return tmp_path
    folder = Path(named) if Path(named).is_absolute() else ROOT / named
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save_small(png: bytes, path: Path) -> None:
    """The viewport's picture as an optimised 256-colour PNG (a page's flat colours lose nothing seen)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        small = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, format="PNG", optimize=True)


def _latin_words(page: Any) -> list[str]:
    shown = page.evaluate("() => document.title + '\\n' + document.body.innerText")
    return LATIN.findall(ALLOWED_LATIN.sub(" ", shown))


def test_the_main_pages_are_photographed_at_phone_and_desktop_width(
    demo_app: Flask, live_server: str, _playwright_browser: Any, out_dir: Path
) -> None:
    with demo_app.app_context():
        session = demo_app.extensions["resalat"].db.session
        urls = {shot.name: shot.url(session) for shot in SHOTS}
        session.remove()

    taken: list[Path] = []
    for who in dict.fromkeys(shot.who for shot in SHOTS):
        context = _playwright_browser.new_context(locale="fa-IR", viewport=PHONE, device_scale_factor=1)
        page = context.new_page()
        try:
            sign_in_as_persona(page, live_server, who)
            for shot in (s for s in SHOTS if s.who == who):
                url = f"{live_server}{urls[shot.name]}"
                for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
                    page.set_viewport_size(viewport)
                    response = page.goto(url)
                    assert response is not None, shot.name
                    assert response.status == 200, (shot.name, response.status)
                    page.evaluate("() => document.fonts.ready.then(() => true)")
                    assert page.locator("html").get_attribute("lang") == "fa", shot.name
                    assert _latin_words(page) == [], (shot.name, size)
                    if size == "phone":
                        assert layout_problems(page, PHONE["width"]) == [], shot.name
                        assert_accessible(page, shot.name)
                    path = out_dir / f"{shot.name}-{size}.png"
                    _save_small(page.screenshot(), path)
                    taken.append(path)
        finally:
            context.close()

    assert len(taken) == 2 * len(SHOTS)
    for path in taken:
        # A picture of the first screen, small enough to commit.
        assert 0 < path.stat().st_size < 250_000, path.name
