"""Phones on a weak connection: installable (manifest, icons, a service worker), usable offline
(saved pages, the offline page), compressed answers and static files cached under their hash."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from resalat_core.members.models import Member
from resalat_core.testing import PASSWORD, ResalatClient, assert_accessible, layout_problems

PHONE = 390
LATIN = re.compile(r"[A-Za-z0-9]+")


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def test_the_manifest_makes_the_app_installable_in_persian(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.get_data(as_text=True))
    assert manifest["lang"] == "fa" and manifest["dir"] == "rtl"
    assert manifest["name"] == manifest["short_name"] == "ام‌رسالت"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["theme_color"] == "#0f6e56"  # the header's green in css/app.css
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert f"--rs-green: {manifest['theme_color']}" in css
    sizes = {}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png", icon
        with Image.open(io.BytesIO(image.data)) as png:
            assert f"{png.width}x{png.height}" == icon["sizes"]
        sizes[icon.get("purpose", "any")] = sizes.get(icon.get("purpose", "any"), []) + [icon["sizes"]]
    assert sorted(sizes["any"]) == ["192x192", "512x512"]
    assert sizes["maskable"] == ["512x512"]


def test_every_page_links_the_manifest_and_the_worker_without_inline_script(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for body in scripts), "no inline script"
    assert re.search(r'<script src="/static/js/pwa\.js\?v=[0-9a-f]{12}" data-worker="/sw\.js" defer>', html)


def test_the_worker_is_served_from_the_root_and_always_asked_for_again(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    body = answer.get_data(as_text=True)
    version = re.search(r'var VERSION = "([0-9a-f]{16})"', body)
    assert version
    # The shell it keeps: the look, Bootstrap, the icons' font, Vazirmatn, and the offline page.
    for part in (
        "/static/css/app.css?v=",
        "bootstrap.rtl.min.css?v=",
        "bootstrap-icons.min.css?v=",
        "bootstrap-icons.woff2",
        "Vazirmatn-Variable.woff2",
        '"/offline"',
    ):
        assert part in body, part


def test_a_new_release_of_a_shell_file_is_a_new_cache(app, monkeypatch):
    from resalat_core.web import pwa

    before = pwa.shell_version()
    real = pwa.static_version
    monkeypatch.setattr(
        pwa, "static_version", lambda name: "changed" if name == "css/app.css" else real(name)
    )
    assert pwa.shell_version() != before


def test_static_files_are_cached_for_a_year_under_their_hash(client):
    html = client.get("/auth/login").get_data(as_text=True)
    address = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    answer = client.get(address)
    assert answer.status_code == 200
    kept = answer.headers["Cache-Control"]
    assert "immutable" in kept and "max-age=31536000" in kept
    # Without the hash the browser asks again each time.
    assert client.get("/static/css/app.css").headers["Cache-Control"] == "no-cache"


def test_pages_and_style_sheets_are_compressed(client):
    for encoding in ("br", "gzip"):
        page = client.get("/auth/login", headers={"Accept-Encoding": encoding})
        assert page.headers["Content-Encoding"] == encoding
    css = client.get("/static/vendor/bootstrap/bootstrap.rtl.min.css?v=1", headers={"Accept-Encoding": "br"})
    assert css.headers["Content-Encoding"] == "br"
    assert len(css.get_data()) < 40_000  # 232 KB as written
    # A client that asks for nothing gets the page as it is.
    assert "Content-Encoding" not in client.get("/auth/login").headers


def test_signing_out_tells_the_browser_to_forget_the_members_pages(app, make_member):
    client = signed_in(app, make_member())
    answer = client.form("/auth/logout", {}, token_from="/")
    assert answer.status_code == 302
    assert answer.headers["Clear-Site-Data"] == '"cache"'


def test_the_offline_page_in_both_languages(client):
    persian = client.get("/offline").get_data(as_text=True)
    assert "شما آفلاین هستید" in persian and "تا اتصال برنگردد فرم‌ها فرستاده نمی‌شوند" in persian
    client.get("/lang/en")
    english = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in english and "Forms cannot be sent until the connection returns" in english


# --- in a real browser ---------------------------------------------------------------------------


def sign_in(page: Any, live_server: str, mobile: str) -> None:
    page.goto(f"{live_server}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.click("form[action='/auth/login'] button[type=submit]")
    page.wait_for_url(f"{live_server}/")


WORKER_ACTIVE = """async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    // "ready" comes with a worker still activating: wait for it to finish.
    if (worker.state !== "activated") {
        await new Promise(done => worker.addEventListener("statechange", () => {
            if (worker.state === "activated") done();
        }));
    }
    return [worker.state, registration.scope];
}"""
SAVED = """async () => {
    const cache = await caches.open("pages");
    const keys = await cache.keys();
    return keys.map(k => new URL(k.url).pathname).filter(p => p !== "/__viewer__").sort();
}"""


def wait_until_controlled(page: Any) -> None:
    """Until the service worker controls the page. It claims open pages when it activates; on a
    busy machine its install (caching the shell's fonts and styles) can outlast a first wait, and
    a page loaded once it is active is controlled from the start."""
    page.set_default_timeout(60_000)
    page.evaluate(WORKER_ACTIVE)
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)


def wait_until_saved(page: Any, path: str) -> None:
    page.wait_for_function(
        """async (path) => {
            const cache = await caches.open("pages");
            return (await cache.keys()).some(k => new URL(k.url).pathname === path);
        }""",
        arg=path,
        timeout=30_000,
    )


def latin_on(page: Any) -> list[str]:
    text = page.evaluate("() => document.title + ' ' + document.body.innerText")
    return [word for word in LATIN.findall(text) if word != "English"]


@pytest.mark.browser
def test_the_app_installs_and_its_worker_activates(app, live_server, page):
    page.goto(f"{live_server}/")
    manifest_href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.evaluate("async (href) => (await fetch(href)).json()", manifest_href)
    assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} >= {
        "192x192",
        "512x512",
    }
    state, scope = page.evaluate(WORKER_ACTIVE)
    assert state == "activated" and scope == f"{live_server}/"
    shell = page.evaluate("async () => (await caches.keys()).filter(n => n.startsWith('shell-'))")
    assert len(shell) == 1


@pytest.mark.browser
def test_offline_the_member_reads_saved_pages_and_else_the_offline_page(app, make_member, live_server, page):
    with app.app_context():
        mobile = app.extensions["resalat"].db.session.get(Member, make_member(name="مریم آزمایشی")).mobile
        app.extensions["resalat"].db.session.remove()
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, live_server, mobile)
    wait_until_controlled(page)
    for path in ("/", "/auth/password"):
        page.goto(f"{live_server}{path}")
        wait_until_saved(page, path)
    assert page.evaluate(SAVED) == ["/", "/auth/password"]

    page.context.set_offline(True)
    # A page opened before: the saved copy, with a banner saying it is one and when it was saved.
    page.goto(f"{live_server}/auth/password")
    banner = page.locator("#offline-copy")
    banner.wait_for(state="visible")
    assert "نسخهٔ بی‌اتصال" in banner.inner_text()
    assert re.search("[۰-۹]", banner.inner_text()), "the saving time in Persian digits"
    assert latin_on(page) == []
    assert layout_problems(page, PHONE) == []

    # A page never opened: the offline page, listing what was saved by title.
    page.goto(f"{live_server}/admin")
    assert page.locator("h1").inner_text().strip() == "شما آفلاین هستید"
    saved = page.locator("[data-testid=saved-pages] a")
    saved.first.wait_for()
    titles = sorted(saved.all_inner_texts())
    assert titles == sorted(["خانه", "تغییر گذرواژه"]), titles
    assert latin_on(page) == []
    assert layout_problems(page, PHONE) == []
    assert_accessible(page, "offline")

    # A form cannot be sent: the browser stays with what it has, and nothing is kept of a POST.
    page.context.set_offline(False)
    page.goto(f"{live_server}/")
    page.locator("[data-testid=account-menu] summary").click()  # sign-out lives in the account menu
    page.locator("form[data-signs-out] button").click()
    page.wait_for_url(f"{live_server}/")
    page.wait_for_function("async () => !(await caches.has('pages'))", timeout=30_000)
