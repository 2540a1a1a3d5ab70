"""On a phone, in a real browser, in Persian: an organisation posts a need, a core leader answers it,
and a field's chain is drawn without widening the page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resalat_core.sdk import format_date, today_in_iran
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

pytestmark = pytest.mark.browser

WIDTH = 390
ARBAB = "sistan-baluchestan/arbab"


def _sign_in(page, base: str, mobile: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/auth/login?next={then}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{then}")


def _check(page) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)


def test_a_need_posted_and_answered_on_a_phone(live_server, page, someone, make_core):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    org = someone("value_chain_organisation", region="tehran")
    tailor = someone(region=ARBAB)
    make_core("clothing", ARBAB, leader=tailor.id, name="هسته‌ی پوشاک الغدیر")
    make_core("hand_weaving", "yazd/ardakan", name="هسته‌ی کاربافان")

    _sign_in(page, live_server, org.mobile, "/value_chain/")
    _check(page)
    page.click("a[href='/value_chain/needs/new']")
    page.select_option("#f-good", "clothing")
    page.fill("#f-quantity", "۳۰۰")
    page.fill("#f-unit", "دست")
    page.fill("#f-deadline", format_date(today_in_iran() + timedelta(days=20)))
    _check(page)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=need-title]")
    assert "۳۰۰ دست پوشاک" in page.locator("[data-testid=need-title]").inner_text()
    _check(page)

    _sign_in(page, live_server, tailor.mobile, "/value_chain/needs")
    _check(page)
    page.click("[data-testid=need] a")
    page.fill("#f-quantity", "۴۰")
    page.click("[data-testid=answer]")
    page.wait_for_selector(".alert-success")
    _check(page)

    page.goto(f"{live_server}/value_chain/")
    page.click("[data-testid=my-cores] a")
    page.wait_for_selector("[data-testid=match-core]")
    _check(page)
    page.click("a[href='/value_chain/fields/clothing']")
    page.wait_for_selector("[data-testid=chain-svg]")
    _check(page)
