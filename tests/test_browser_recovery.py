"""A member who forgot her password gets back in from her phone, in a real browser at 390 px."""

from __future__ import annotations

import re

import pytest

from resalat_core.testing import PASSWORD
from resalat_core.text import to_persian_digits

pytestmark = pytest.mark.browser

PHONE = 390
NEW_PASSWORD = "anar-o-gerdoo-1404"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_maryam_recovers_her_password_on_her_phone(app, live_server, page, person, sms_outbox):
    maryam = person(name="مریم احمدی")
    page.set_viewport_size({"width": PHONE, "height": 780})

    page.goto(f"{live_server}/auth/login")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _fits(page)
    page.click("[data-testid=forgot-link]")
    page.wait_for_url("**/auth/forgot")
    _fits(page)
    # Typed with the phone's Persian keyboard.
    page.fill("#f-identifier", to_persian_digits(maryam.mobile))
    page.locator("form button[type=submit]").click()

    page.wait_for_url("**/auth/reset")
    told = page.locator("[role=status]:visible").inner_text()
    assert "۶" in told and "۱۰ دقیقه" in told and not re.search("[0-9A-Za-z]", told)
    assert page.input_value("#f-identifier") == to_persian_digits(maryam.mobile)
    assert page.get_attribute("#f-code", "autocomplete") == "one-time-code"
    _fits(page)
    code = re.search("[۰-۹]{6}", sms_outbox(maryam.mobile)[0]).group(0)

    # A slip first: the two new passwords differ, and nothing is spent.
    page.fill("#f-code", code)
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-confirm", NEW_PASSWORD + "x")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("#e-confirm")
    assert page.input_value("#f-code") == code
    assert page.input_value("#f-password") == ""
    _fits(page)

    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-confirm", NEW_PASSWORD)
    page.locator("form button[type=submit]").click()

    page.wait_for_url(f"{live_server}/")
    assert "گذرواژهٔ شما عوض شد" in page.locator("[role=status]:visible").inner_text()
    assert page.locator("nav").get_by_text("مریم احمدی").count() == 1
    _fits(page)

    # The old password no longer opens the door; the new one does.
    other = page.context.browser.new_context(locale="fa-IR")
    try:
        fresh = other.new_page()
        fresh.set_viewport_size({"width": PHONE, "height": 780})
        fresh.goto(f"{live_server}/auth/login")
        fresh.fill("#f-identifier", maryam.mobile)
        fresh.fill("#f-password", PASSWORD)
        fresh.locator("form button[type=submit]").click()
        fresh.wait_for_selector("[data-testid=form-error]")
        fresh.fill("#f-password", NEW_PASSWORD)
        fresh.locator("form button[type=submit]").click()
        fresh.wait_for_url(f"{live_server}/")
    finally:
        other.close()
