"""On a phone, in a real browser: the supporter sees the ceiling as they type, the member accepts."""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser

WIDTH = 375


def sign_in(page, live_server: str, mobile: str, then: str) -> None:
    page.goto(f"{live_server}/auth/login?next={then}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{then}")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_supporter_introduces_and_the_member_accepts_on_a_phone(
    app, live_server, page, make_member, make_core, person
):
    hossein = person("supporter", kind="credit", name="حسین حامی")
    jafar = person(name="جعفر قراجه‌لو")
    core = make_core(jafar.id)
    page.set_viewport_size({"width": WIDTH, "height": 740})

    sign_in(page, live_server, hossein.mobile, "/supporters/introductions/new")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits(page)
    page.fill("#f-core", core.code)
    page.fill("#f-mobile", jafar.mobile)
    page.fill("#f-national_code", jafar.national_code)
    page.locator("#f-estimate").press_sequentially("۶۰۰۰۰۰۰۰۰")
    # The hint follows the typing, before anything is sent.
    assert page.locator("[data-testid=ceiling]").inner_text().strip() == "۳۰۰٬۰۰۰٬۰۰۰ تومان"
    page.fill("#f-amount", "200000000")
    page.fill("#f-purpose", "خرید ده رأس میش افشاری")
    page.locator("[data-testid=save]").click()
    page.wait_for_url("**/supporters/introductions/*")
    assert page.locator("[data-testid=status]").get_attribute("data-status") == "awaiting"
    assert fits(page)

    page.context.clear_cookies()
    sign_in(page, live_server, jafar.mobile, "/supporters/introductions/received")
    assert fits(page)
    page.locator("[data-testid=introduction] a").first.click()
    page.locator("[data-testid=accept]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").get_attribute("data-status") == "introduced"
    assert fits(page)
