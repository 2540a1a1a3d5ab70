"""On a phone: a member deposits and sees the balance, then gives points to her husband."""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD

from .conftest import days

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
M = 10_000_000


def sign_in(page, live_server: str, mobile: str, next_url: str) -> None:
    page.goto(f"{live_server}/auth/login?next={next_url}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{next_url}")


def test_a_member_deposits_and_gives_points_on_her_phone(live_server, page, person, top_up, history, t0):
    zahra = person(name="زهرا رضایی")
    ali = person(name="علی رضایی")
    history(zahra.id, [(t0 - days(400), 20 * M)])
    top_up(zahra, rials=5 * M)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, zahra.mobile, "/deposits/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#f-deposit-form", "۱٬۰۰۰٬۰۰۰")
    page.locator("[data-testid=deposit-form] button").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=balance]").inner_text() == "۲۱٬۰۰۰٬۰۰۰ تومان"
    assert page.locator("[data-testid=entry]").count() == 2

    page.goto(f"{live_server}/deposits/points")
    page.fill("#f-mobile", ali.mobile)
    page.fill("#f-national_code", ali.national_code)
    page.select_option("#f-relation", "spouse")
    page.fill("#f-amount", "۵٬۰۰۰٬۰۰۰")
    page.fill("#f-password", PASSWORD)
    page.locator("[data-testid=give]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=given]").inner_text() == "۵٬۰۰۰٬۰۰۰ تومان"
    assert "علی رضایی" in page.locator("[data-testid=movement]").first.inner_text()
    for url in ("/deposits/", "/deposits/points", "/deposits/terms?amount=5000000"):
        page.goto(f"{live_server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
