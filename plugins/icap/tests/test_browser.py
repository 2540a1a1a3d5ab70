"""Jafar issues a promissory note on his phone and opens its printable page: right to left, nothing spills."""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def sign_in(page, live_server: str, mobile: str, next_url: str) -> None:
    page.goto(f"{live_server}/auth/login?next={next_url}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{next_url}")


def test_jafar_issues_a_note_on_his_phone_and_opens_its_printable_page(live_server, page, jafar, member):
    maryam = member()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, jafar.mobile, "/icap/new")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#f-amount", "۱۵۰٬۰۰۰٬۰۰۰")
    assert page.locator("[data-testid=duty-amount]").inner_text() == "۷۵٬۰۰۰ ریال"
    page.check("#f-on_demand")
    page.fill("#f-purpose", "تضمین وام قرض‌الحسنه‌ی خرید دام سبک")
    page.fill("#f-g0_name", maryam.name)
    page.fill("#f-g0_national_code", maryam.national_code)
    page.fill("#f-g0_mobile", maryam.mobile)
    page.check("#f-confirm_duty")
    page.locator("[data-testid=submit]").click()
    page.wait_for_url("**/icap/notes/*")

    assert page.locator("[data-testid=amount-words]").inner_text() == "یکصد و پنجاه میلیون ریال"
    assert page.locator("[data-testid=status]").get_attribute("data-status") == "issued"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("[data-testid=print-link]").click()
    page.wait_for_url("**/print")
    assert page.locator("[data-testid=amount]").inner_text() == "۱۵۰٬۰۰۰٬۰۰۰ ریال"
    assert "عندالمطالبه" in page.locator("[data-testid=due]").inner_text()
    assert page.locator("[data-testid=unsigned]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    assert page.locator("[data-testid=note-face]").is_visible()
    page.emulate_media(media="screen")
    for url in ("/icap/", "/icap/guarantee"):
        page.goto(f"{live_server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url


def test_a_past_due_date_is_marked_on_the_field_in_the_browser(live_server, page, jafar):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, jafar.mobile, "/icap/new")

    page.fill("#f-amount", "2000000")
    page.fill("#f-due_date", "1400/01/01")
    page.fill("#f-purpose", "آزمون")
    page.check("#f-confirm_duty")
    page.locator("[data-testid=submit]").click()
    page.wait_for_load_state()

    assert page.locator("#f-due_date").get_attribute("aria-invalid") == "true"
    assert "گذشته" in page.locator("#e-due_date").inner_text()
    assert page.input_value("#f-amount") == "۲۰۰۰۰۰۰"  # kept, in Persian digits
