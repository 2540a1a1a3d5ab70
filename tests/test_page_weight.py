"""What the main pages of the demo world cost a phone over the wire: each at most 150 KB after the
first visit (compressed answers, static files kept a year under their hash, pictures cached).

The demo member opens each page twice in a real browser at 390 px, as a later visit does (a new
navigation to the same address); every byte received is summed from the browser's own count
(CDP ``Network.loadingFinished``'s ``encodedDataLength``: headers and the compressed body).
The service worker is kept out, so the figures are the HTTP cache's and compression's alone: with
the worker installed, static files do not reach the network at all. Pages of plugins that are not
installed are left out; with every plugin, at least eight pages are measured.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, text

pytestmark = pytest.mark.browser

LIMIT = 150 * 1024
PHONE = 390
MEMBER = "09120000002"  # the demo's member, Maryam Ahmadi of Gorg Tappeh


def first_id(app: Flask, table: str, where: str = "") -> int | None:
    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        if table not in inspect(s.get_bind()).get_table_names():
            return None
        found: int | None = s.scalar(text(f"SELECT id FROM {table} {where} ORDER BY id LIMIT 1"))  # noqa: S608 (fixed names)
        return found


def main_pages(app: Flask) -> list[tuple[str, str]]:
    """(what, address) of the demo world's main pages whose plugin is installed."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    product = first_id(app, "bazaar_products", "WHERE id IN (SELECT product_id FROM bazaar_product_photos)")
    core = first_id(app, "cores")
    wanted = [
        ("home", "web.home", "/"),
        ("M-Bazar search", "bazaar.index", "/bazaar/?q=%D8%B2%D8%B9%D9%81%D8%B1%D8%A7%D9%86"),
        ("M-Bazar product", "bazaar.product", f"/bazaar/products/{product}" if product else ""),
        ("M-Hesam", "hesam.accounts", "/hesam/"),
        ("loans", "loans.home", "/loans/"),
        ("notifications", "notifications.inbox", "/notifications/"),
        ("core page", "cores.show", f"/cores/{core}" if core else ""),
        ("Rasan feed", "rasan.index", "/rasan/"),
        ("achievements", "stats.index", "/stats/"),
        ("M-Maher", "maher.home", "/maher/"),
        ("password", "auth.change_password", "/auth/password"),
        ("offline page", "pwa.offline", "/offline"),
    ]
    return [(what, url) for what, endpoint, url in wanted if endpoint in endpoints and url]


def wire_bytes(page: Any, cdp: Any, url: str) -> int:
    """Bytes received while ``url`` loads and settles (every request it makes)."""
    received: dict[str, int] = {}

    def finished(event: dict[str, Any]) -> None:
        received[event["requestId"]] = int(event["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    try:
        answer = page.goto(url, wait_until="networkidle")
        assert answer is not None and answer.status == 200, (url, answer and answer.status)
    finally:
        cdp.remove_listener("Network.loadingFinished", finished)
    return sum(received.values())


def test_every_main_page_costs_at_most_150_kb_after_the_first_visit(
    demo_app, live_server, _playwright_browser
):
    from resalat_core.demo import DEMO_PASSWORD

    pages = main_pages(demo_app)
    context = _playwright_browser.new_context(locale="fa-IR", service_workers="block")
    try:
        page = context.new_page()
        page.set_viewport_size({"width": PHONE, "height": 800})
        page.goto(f"{live_server}/auth/login")
        page.fill("#f-identifier", MEMBER)
        page.fill("#f-password", DEMO_PASSWORD)
        page.click("form[action='/auth/login'] button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        # Signing in loaded the look already: start the first visits from an empty cache.
        cdp.send("Network.clearBrowserCache")
        rows = []
        for what, path in pages:
            first = wire_bytes(page, cdp, f"{live_server}{path}")
            later = wire_bytes(page, cdp, f"{live_server}{path}")
            rows.append((what, path, first, later))
    finally:
        context.close()

    lines = [
        f"| {'page':<16} | {'first visit':>11} | {'later visit':>11} |",
        f"|{'-' * 18}|{'-' * 12}:|{'-' * 12}:|",
    ]
    lines += [
        f"| {what:<16} | {first / 1024:>8.1f} KB | {later / 1024:>8.1f} KB |"
        for what, _p, first, later in rows
    ]
    print("\n" + "\n".join(lines))
    too_heavy = [(what, path, later) for what, path, _f, later in rows if later > LIMIT]
    assert too_heavy == []
    if "bazaar.index" in {rule.endpoint for rule in demo_app.url_map.iter_rules()}:
        assert len(rows) >= 8  # the demo world's plugins are installed
