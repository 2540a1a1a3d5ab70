"""The host's pages: welcome and home tiles, Persian first, English by choice, offline assets, a phone."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.routing import BuildError

import resalat_core
from resalat_core.members.models import Member
from resalat_core.plugins.activation import set_module
from resalat_core.regions.services import get_region
from resalat_core.testing import PASSWORD

HTML_TAG = re.compile(r"<html\b[^>]*>")
STATIC = Path(resalat_core.__file__).parent / "web" / "static"


def html_tag(response) -> str:
    match = HTML_TAG.search(response.get_data(as_text=True))
    assert match, "the page has no <html> tag"
    return match.group(0)


def count_testid(response, testid: str) -> int:
    return response.get_data(as_text=True).count(f'data-testid="{testid}"')


class AssetCollector(HTMLParser):
    """Every address a page makes the browser fetch by itself: stylesheets, scripts, images."""

    FETCHING = {("link", "href"), ("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "srcset")}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.viewport: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name") == "viewport":
            self.viewport = found.get("content")
        for name, value in attrs:
            if (tag, name) in self.FETCHING and value:
                self.urls.append(value)


def assets_of(response) -> AssetCollector:
    collector = AssetCollector()
    collector.feed(response.get_data(as_text=True))
    return collector


def is_external(url: str) -> bool:
    return bool(re.match(r"\s*(https?:)?//", url, re.I))


def html_pages(app, client) -> dict[str, object]:
    """Every page (not API) the client can GET with dummy URL arguments, by URL."""
    adapter = app.url_map.bind("localhost")
    pages = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint.endswith("static") or "GET" not in rule.methods:
            continue
        try:
            url = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1))
        except BuildError:
            continue
        response = client.get(url)
        response.get_data()  # read a streamed answer to its end, inside this request
        response.close()
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[url] = response
    pages["/no-such-page"] = client.get("/no-such-page")
    return pages


def tiles_from_hooks(app, member_id: int) -> int:
    """How many tiles the loaded plugins give this member, asked directly through the hook."""
    with app.test_request_context("/"):
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        results = app.extensions["resalat"].plugins.pm.hook.resalat_tiles(member=member)
        return sum(len(r or []) for r in results)


# --- welcome and home ----------------------------------------------------------------------------


def test_a_visitor_is_welcomed_in_persian_right_to_left(client):
    response = client.get("/")

    assert response.status_code == 200
    tag = html_tag(response)
    assert 'lang="fa"' in tag and 'dir="rtl"' in tag
    body = response.get_data(as_text=True)
    assert 'href="/auth/login"' in body and 'href="/auth/register"' in body
    assert count_testid(response, "tile") == 0


def test_a_member_sees_one_tile_per_tile_the_active_modules_offer(app, client_as):
    member = client_as()

    response = member.get("/")

    assert response.status_code == 200
    expected = tiles_from_hooks(app, member.member_id)
    assert count_testid(response, "tile") == expected
    assert count_testid(response, "no-tiles") == (1 if expected == 0 else 0)


def test_a_module_switched_off_in_zanjan_shows_no_tile_there_but_still_in_tehran(app, client_as):
    in_zanjan = client_as(region="zanjan/abhar")
    in_tehran = client_as(region="tehran/tehran")
    before = tiles_from_hooks(app, in_zanjan.member_id)
    if before == 0:
        pytest.skip("no loaded module offers a tile")
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        # Dependants first, so no module is left on without what it requires.
        for record in reversed(app.extensions["resalat"].plugins.loaded):
            set_module(s, record.name, enabled=False, region=get_region(s, "zanjan"))
        s.commit()

    zanjan_home = in_zanjan.get("/")
    tehran_home = in_tehran.get("/")

    assert count_testid(zanjan_home, "tile") == 0
    assert count_testid(zanjan_home, "no-tiles") == 1
    assert count_testid(tehran_home, "tile") == tiles_from_hooks(app, in_tehran.member_id) > 0


def test_the_home_page_costs_the_same_queries_with_2_or_20_members(client_as, make_member, count_queries):
    member = client_as()
    make_member()
    member.get("/")  # first request warms what is cached per process
    with count_queries() as few:
        assert member.get("/").status_code == 200
    for _ in range(18):
        make_member()
    with count_queries() as many:
        assert member.get("/").status_code == 200

    assert many.count == few.count


# --- languages -----------------------------------------------------------------------------------


def test_english_is_one_click_away_and_persian_one_click_back(client):
    switched = client.get("/lang/en")

    assert switched.status_code == 302
    tag = html_tag(client.get("/"))
    assert 'lang="en"' in tag and 'dir="ltr"' in tag
    assert 'hreflang="fa"' in client.get("/").get_data(as_text=True)

    client.get("/lang/fa")

    tag = html_tag(client.get("/"))
    assert 'lang="fa"' in tag and 'dir="rtl"' in tag


def test_switching_language_returns_to_the_same_page(client):
    response = client.get("/lang/en", query_string={"next": "/auth/register"})

    assert response.headers["Location"] == "/auth/register"


def test_an_unknown_language_changes_nothing(client):
    client.get("/lang/xx")

    assert 'lang="fa"' in html_tag(client.get("/"))


def test_a_member_who_chose_english_gets_english_on_the_next_device(app, client_as):
    phone = client_as()
    phone.get("/lang/en")
    with app.app_context():
        mobile = app.extensions["resalat"].db.session.get(Member, phone.member_id).mobile
        app.extensions["resalat"].db.session.remove()
    laptop = app.test_client()

    laptop.form("/auth/login", {"identifier": mobile, "password": PASSWORD})

    assert 'lang="en"' in html_tag(laptop.get("/"))


# --- layout --------------------------------------------------------------------------------------


def test_no_page_fetches_anything_from_the_internet(app, client, client_as):
    visitors = {"anonymous": client, "admin": client_as("admin", role_region=None)}
    external = []
    checked = 0
    for name, visitor in visitors.items():
        for url, response in html_pages(app, visitor).items():
            checked += 1
            external += [f"{name} {url}: {asset}" for asset in assets_of(response).urls if is_external(asset)]

    assert checked >= 5
    assert external == []


def test_no_stylesheet_imports_anything_from_the_internet():
    remote = re.compile(r"(@import\s+|url\(\s*)['\"]?\s*(https?:)?//", re.I)
    offenders = [
        str(css.relative_to(STATIC)) for css in STATIC.rglob("*.css") if remote.search(css.read_text("utf-8"))
    ]

    assert offenders == []


def test_every_page_is_laid_out_for_phones(app, client, client_as):
    for visitor in (client, client_as()):
        for url, response in html_pages(app, visitor).items():
            viewport = assets_of(response).viewport
            assert viewport and "width=device-width" in viewport, url


def test_a_missing_page_is_a_404_inside_the_layout(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert 'lang="fa"' in html_tag(response)
    assert 'class="navbar' in body
    assert 'data-testid="error-message"' in body
    assert "۴۰۴" in body  # the status in Persian digits


def test_a_wrong_method_on_a_page_is_a_405_inside_the_layout(client_as):
    response = client_as().get("/auth/logout")

    assert response.status_code == 405
    assert 'data-testid="error-message"' in response.get_data(as_text=True)


def test_the_password_page_shows_persian_digits_and_the_jalali_date(app, client_as):
    member = client_as()
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        record = s.get(Member, member.member_id)
        # Nowruz 1404: 2025-03-21 in the Gregorian calendar (noon in Tehran).
        record.created_at = datetime(2025, 3, 21, 8, 30)
        mobile = record.mobile
        s.commit()
        app.extensions["resalat"].db.session.remove()

    body = member.get("/auth/password").get_data(as_text=True)

    assert "۱۴۰۴/۰۱/۰۱" in body
    persian_mobile = mobile.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f'<bdi dir="ltr">{persian_mobile}</bdi>' in body


def test_the_password_page_in_english_shows_the_gregorian_date(app, client_as):
    member = client_as()
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        s.get(Member, member.member_id).created_at = datetime(2025, 3, 21, 8, 30)
        s.commit()
        app.extensions["resalat"].db.session.remove()
    member.get("/lang/en")

    assert "2025-03-21" in member.get("/auth/password").get_data(as_text=True)


# --- in a real browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_a_member_signs_in_on_a_phone_sees_the_tiles_and_reads_it_in_english(
    app, make_member, live_server, page
):
    with app.app_context():
        member_id = make_member()
        mobile = app.extensions["resalat"].db.session.get(Member, member_id).mobile
        app.extensions["resalat"].db.session.remove()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(f"{live_server}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=tiles], [data-testid=no-tiles]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.click("a[hreflang=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")

    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("[data-testid=tiles], [data-testid=no-tiles]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert [url for url in requested if not url.startswith(live_server)] == []
