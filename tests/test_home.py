"""The home page tells each member what to do next, then shows the tiles; it and the header work
on a phone and pass axe's accessibility rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import resalat_core
from resalat_core.members.models import Member
from resalat_core.plugins.activation import set_module
from resalat_core.regions.services import get_region
from resalat_core.testing import PASSWORD, ResalatClient, assert_accessible, layout_problems

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ICONS_CSS = Path(resalat_core.__file__).parent / "web/static/vendor/bootstrap-icons/bootstrap-icons.min.css"
PHONE = 390


@pytest.fixture
def gallery_app(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app with the test module ``gallery`` (a tile and two next steps) switched on everywhere."""
    # ``app`` first: it empties the tables (module switches too) before this app switches gallery on.
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_gallery import plugin as gallery

    built = make_app(extra_plugins={"gallery": gallery})
    result = built.test_cli_runner().invoke(args=["modules", "enable", "gallery", "--all"])
    assert result.exit_code == 0, result.output
    return built  # type: ignore[no-any-return]


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def step_titles(html: str) -> list[str]:
    return re.findall(r'<span class="next-step-title">([^<]*)</span>', html)


def test_the_next_steps_come_first_most_urgent_first_then_the_tiles(gallery_app, make_member):
    from resalat_fixture_gallery.hooks import NEXT_STEPS, TILE_TITLE

    html = signed_in(gallery_app, make_member()).get("/").get_data(as_text=True)

    titles = step_titles(html)
    ours = [t for t in titles if t in dict(NEXT_STEPS)]
    assert ours == ["Return the borrowed miniature today", "Frame the new miniature"]
    assert html.index('data-testid="next-steps"') < html.index('data-testid="tiles"')
    assert html.index('data-testid="next-steps"') < html.index(TILE_TITLE)
    assert 'href="/gallery/"' in html and "bi-easel" in html


def test_a_module_switched_off_in_a_region_gives_no_next_step_there(gallery_app, make_member):
    from resalat_fixture_gallery.hooks import NEXT_STEPS

    villager = make_member(region="zanjan/gorg-tappeh")
    tehrani = make_member(region="tehran/tehran")
    with gallery_app.app_context():
        s = gallery_app.extensions["resalat"].db.session()
        set_module(s, "gallery", enabled=False, region=get_region(s, "zanjan"))
        s.commit()

    in_zanjan = step_titles(signed_in(gallery_app, villager).get("/").get_data(as_text=True))
    in_tehran = step_titles(signed_in(gallery_app, tehrani).get("/").get_data(as_text=True))

    assert not set(in_zanjan) & set(dict(NEXT_STEPS))
    assert set(dict(NEXT_STEPS)) <= set(in_tehran)


def test_with_nothing_to_do_the_home_page_has_no_next_steps_box(client_as):
    # The host's own test world answers no next step: the box is left out, not shown empty.
    html = client_as().get("/").get_data(as_text=True)
    if step_titles(html):
        pytest.skip("an installed plugin gives a plain member a next step")
    assert 'data-testid="next-steps"' not in html


def shipped_icons() -> set[str]:
    return set(re.findall(r"\.bi-([a-z0-9-]+)::before", ICONS_CSS.read_text(encoding="utf-8")))


def test_every_tile_and_every_plugin_has_an_icon_that_ships_with_the_host(app, make_member):
    """Asked of every loaded plugin for an administrator and a plain member, so each tile shows."""
    icons = shipped_icons()
    manager = app.extensions["resalat"].plugins
    missing = [f"plugin {r.name}: {r.plugin.icon}" for r in manager.loaded if r.plugin.icon not in icons]
    for role in ("admin", None):
        member_id = make_member(role)
        with app.test_request_context("/"):
            member = app.extensions["resalat"].db.session.get(Member, member_id)
            for result in manager.pm.hook.resalat_tiles(member=member):
                missing += [f"tile {t.title}: {t.icon!r}" for t in result or [] if t.icon not in icons]
            for result in manager.pm.hook.resalat_next_steps(member=member):
                missing += [f"next step {s.title}: {s.icon!r}" for s in result or [] if s.icon not in icons]
    assert "grid" in icons and "person-heart" in icons
    assert missing == []


# --- in a real browser at 390 px -----------------------------------------------------------------


def sign_in(page: Any, live_server: str, mobile: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", password)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_url(f"{live_server}/")


@pytest.mark.browser
def test_the_header_fits_one_line_at_390_px_and_the_host_pages_pass_axe(app, make_member, live_server, page):
    """Signed out (welcome, sign-in, registration) and as an administrator who has every link in
    the header (home, password, dashboard), in Persian and in English."""
    with app.app_context():
        admin = app.extensions["resalat"].db.session.get(Member, make_member("admin", name="مدیر آزمایشی"))
        mobile = admin.mobile
        app.extensions["resalat"].db.session.remove()
    page.set_viewport_size({"width": PHONE, "height": 800})

    for url in ("/", "/auth/login", "/auth/register"):
        page.goto(f"{live_server}{url}")
        assert layout_problems(page, PHONE) == [], url
        assert_accessible(page, url)

    sign_in(page, live_server, mobile)
    for lang in ("fa", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for url in ("/", "/auth/password", "/admin"):
            page.goto(f"{live_server}{url}")
            assert layout_problems(page, PHONE) == [], (lang, url)
            assert_accessible(page, f"{lang} {url}")
    # On a phone the dashboard and signing out are in the account's menu, which opens on a tap.
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.locator("[data-testid=account-menu] summary").click()
    assert page.get_by_role("link", name="Dashboard").count() == 1
    assert page.get_by_role("button", name="Sign out").count() == 1
    assert layout_problems(page, PHONE) == []
    assert_accessible(page, "the account's menu open")


@pytest.mark.browser
def test_a_keyboard_user_sees_where_the_focus_is(app, make_member, live_server, page):
    with app.app_context():
        mobile = app.extensions["resalat"].db.session.get(Member, make_member()).mobile
        app.extensions["resalat"].db.session.remove()
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, live_server, mobile)

    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] in {"A", "BUTTON"}
    assert outline[1] != "none" and outline[2] >= 2


@pytest.mark.browser
def test_the_accessibility_check_finds_a_field_without_a_label(live_server, page):
    """The check itself can fail: a page with an unlabelled field and a low-contrast text."""
    from resalat_core.testing import axe_violations

    page.goto(f"{live_server}/auth/login")
    page.evaluate(
        """() => {
            const input = document.createElement("input");
            input.type = "text";
            document.querySelector("main").prepend(input);
            document.querySelector("main label").style.color = "#dddddd";
        }"""
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"label", "color-contrast"} <= found
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
