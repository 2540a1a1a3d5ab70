"""On a phone in a real browser: Maryam registers her dairy core, the Zanjan reviewer approves it."""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser

PHONE = 375


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def _sign_in(page, base: str, mobile: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/auth/login?next={next_url}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{next_url}")


def test_maryam_registers_her_core_on_her_phone_and_the_areas_admin_approves_it(
    live_server, page, make_member, new_code, person
):
    maryam = person(name="مریم احمدی")
    reviewer = person("admin", region="zanjan/zanjan", name="مدیر استان زنجان")
    page.set_viewport_size({"width": PHONE, "height": 740})

    _sign_in(page, live_server, maryam.mobile, "/cores/register")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _fits(page)
    page.fill("#f-name", "هسته‌ی لبنیات محلی")
    page.select_option("#f-field", "food")
    page.select_option("#f-region", "zanjan/gorg-tappeh")
    page.fill("#f-family-0-name", "زهرا احمدی")
    page.fill("#f-family-0-national_code", "۱۲۳")  # too short: the form comes back
    page.select_option("#f-family-0-relation", "child")
    page.click("[data-testid=submit]")
    page.wait_for_selector("#e-family-0-national_code")
    _fits(page)
    assert page.input_value("#f-name") == "هسته‌ی لبنیات محلی"  # what she typed is kept
    page.fill("#f-family-0-national_code", new_code())
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=no-code]")
    assert page.locator("[data-testid=core-members]").inner_text() == "۲"
    _fits(page)
    core_url = page.url

    _sign_in(page, live_server, reviewer.mobile, "/cores/queue")
    _fits(page)
    page.click("[data-testid=core] [data-testid=approve]")
    page.wait_for_selector("[data-testid=empty]")  # no candidate is left
    page.goto(f"{live_server}/cores/?field=food&region=zanjan")
    assert page.locator("[data-testid=core-code]").inner_text() == "ZNJ-FOOD-۰۰۰۰۰۱"  # found in the search
    _fits(page)
    page.goto(core_url)
    assert page.locator("[data-testid=core-code]").inner_text() == "ZNJ-FOOD-۰۰۰۰۰۱"
    assert page.locator("[data-testid=status]").get_attribute("data-status") == "active"
    assert page.locator("[data-testid=history-row]").count() == 2
    _fits(page)
