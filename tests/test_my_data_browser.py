"""A member's own data and closing the account in a real browser on a phone (390 px): the pages are
Persian, fit the screen and pass axe; the download arrives as a file; a blocker hides the button;
a wrong password is said beside its field; the right one closes the account and signs out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resalat_core.members.models import Member
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems, work

pytestmark = pytest.mark.browser
PHONE = 390


def _sign_in(page, base: str, mobile: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("form[action='/auth/login'] button[type=submit]").click()


def test_the_data_pages_and_closing_on_a_phone(app, person, top_up, live_server, page):
    maryam, jafar = person(name="مریم احمدی"), person(name="جعفر قراجه‌لو")
    top_up(jafar, rials=100_000)
    page.set_viewport_size({"width": PHONE, "height": 800})

    # Jafar: his data, the download, and money that stops the closing.
    _sign_in(page, live_server, jafar.mobile)
    page.goto(f"{live_server}/account/data")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=section-core-profile]").count() == 1
    assert "جعفر قراجه‌لو" in page.inner_text("main") or "جعفر قراجه‌لو" in page.inner_text("body")
    assert layout_problems(page, PHONE) == []
    assert_accessible(page, "/account/data")
    with page.expect_download() as caught:
        page.click("[data-testid=download-data]")
    download = caught.value
    body = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert body["member_id"] == jafar.id
    page.click("[data-testid=close-link]")
    page.wait_for_url(f"{live_server}/account/close")
    assert page.locator("[data-testid=blocker]").count() == 1
    assert page.locator("[data-testid=close-form]").count() == 0
    assert layout_problems(page, PHONE) == []
    assert_accessible(page, "/account/close with a blocker")
    page.context.clear_cookies()

    # Maryam: nothing stops her; a wrong password first, then the right one.
    _sign_in(page, live_server, maryam.mobile)
    page.goto(f"{live_server}/account/close")
    page.fill("#f-password", "not-her-password")
    page.fill("#f-confirm", "بستن حساب من")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("[data-testid=close-account]")
    assert page.inner_text("#e-password") == "رمز عبور نادرست است."
    assert layout_problems(page, PHONE) == []
    assert_accessible(page, "/account/close with a mistake")
    page.fill("#f-password", PASSWORD)
    page.fill("#f-confirm", "بستن حساب من")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("[data-testid=close-account]")
    assert page.url == f"{live_server}/"
    assert "حساب شما بسته شد" in page.inner_text("body")
    with work(app) as s:
        assert s.get(Member, maryam.id).closed_at is not None
    page.goto(f"{live_server}/account/data")
    assert "/auth/login" in page.url
