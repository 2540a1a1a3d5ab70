"""The phone's bottom bar: home and the first four of the plugins' links by their order, the
current page marked, badges kept, the rest in the account's menu; nothing hides under it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from resalat_core.members.models import Member
from resalat_core.testing import PASSWORD, ResalatClient, assert_accessible, layout_problems

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PHONE = 390


@pytest.fixture
def nav_app(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app with the six-links module switched on everywhere (after ``app`` empties the tables)."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_nav import plugin

    made = make_app(extra_plugins={"navs": plugin})
    result = made.test_cli_runner().invoke(args=["modules", "enable", "navs", "--all"])
    assert result.exit_code == 0, result.output
    return made


def _bar(html: str) -> str:
    found = re.search(r'<nav class="bottom-nav[^>]*>(.*?)</nav>', html, re.S)
    assert found, "no bottom bar"
    return found.group(1)


def _menu(html: str) -> str:
    found = re.search(r'<ul class="account-menu-list[^>]*>(.*?)</ul>', html, re.S)
    assert found, "no account menu"
    return found.group(1)


def test_the_bar_holds_home_and_the_first_four_links_by_order(nav_app, make_member):
    nav_app.test_client_class = ResalatClient
    client: ResalatClient = nav_app.test_client()  # type: ignore[assignment]
    client.sign_in(make_member())

    html = client.get("/").get_data(as_text=True)
    bar = _bar(html)
    expected = ["/", "/first/", "/second/", "/first/third", "/auth/password"]
    assert re.findall(r'href="([^"]+)"', bar) == expected
    assert 'aria-label="Sections"' in html or 'aria-label="بخش‌ها"' in html
    # Home is the page: it alone is marked.
    assert bar.count('aria-current="page"') == 1
    assert re.search(r'href="/" aria-current="page"', bar)
    # The second link's count is shown in the bar.
    assert re.search(r'data-testid="bottom-nav-badge">۷<', bar)
    # The fifth and sixth wait in the account's menu (for a phone), with signing out.
    menu = _menu(html)
    assert re.findall(r'href="/(fifth|sixth)/"', menu) == ["fifth", "sixth"]
    assert 'data-testid="sign-out"' in menu
    assert "/first/" not in menu

    # On another page its own link is marked, and home no longer is.
    bar = _bar(client.get("/auth/password").get_data(as_text=True))
    assert re.findall(r'href="([^"]+)" aria-current="page"', bar) == ["/auth/password"]
    # Under a section's address the section is current; a deeper link of its own wins over it.
    bar = _bar(client.get("/first/anything").get_data(as_text=True))
    assert re.findall(r'href="([^"]+)" aria-current="page"', bar) == ["/first/"]
    bar = _bar(client.get("/first/third").get_data(as_text=True))
    assert re.findall(r'href="([^"]+)" aria-current="page"', bar) == ["/first/third"]


def test_a_visitor_has_no_bar(nav_app):
    html = nav_app.test_client().get("/auth/login").get_data(as_text=True)
    assert "bottom-nav" not in html and "has-bottom-nav" not in html


@pytest.mark.browser
def test_on_a_phone_the_bar_is_fixed_below_and_the_page_ends_above_it(app, make_member, live_server, page):
    with app.app_context():
        mobile = app.extensions["resalat"].db.session.get(Member, make_member(name="مریم آزمایشی")).mobile
        app.extensions["resalat"].db.session.remove()
    page.set_viewport_size({"width": PHONE, "height": 700})
    page.goto(f"{live_server}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    bar = page.locator("nav[data-testid=bottom-nav]")
    assert bar.is_visible()
    box = bar.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - 700) < 1
    assert page.locator("nav[data-testid=bottom-nav] [aria-current=page]").inner_text().strip() == "خانه"
    # Scrolled to the end, the page's last words sit above the bar.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bottom = page.evaluate(
        "() => { const m = document.querySelector('main');"
        " const kids = [...m.querySelectorAll('*')].filter(e => e.getClientRects().length);"
        " return Math.max(...kids.map(e => e.getBoundingClientRect().bottom)); }"
    )
    assert bottom <= bar.bounding_box()["y"] + 1
    # The top bar keeps the brand, the account and the language on one line.
    assert layout_problems(page, PHONE) == []
    assert_accessible(page, "home with the bottom bar")

    page.set_viewport_size({"width": 1280, "height": 800})
    assert bar.is_hidden()
    assert page.locator("[data-testid=sign-out]").is_hidden()  # in the closed menu
    page.locator("[data-testid=account-menu] summary").click()
    page.locator("[data-testid=sign-out]").click()
    page.wait_for_url(f"{live_server}/**")
    assert page.locator("nav[data-testid=bottom-nav]").count() == 0
