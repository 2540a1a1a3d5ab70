"""A leader signs a guarantee on a phone: right to left, nothing spills sideways, the member reads it."""

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


def test_ghaderi_signs_a_guarantee_on_her_phone(live_server, page, ghaderi, arbab_member, identity_of):
    zahra = arbab_member()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, identity_of(ghaderi.member_id).mobile, "/leaders/guarantees/new")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#f-member", zahra.mobile)
    page.fill("#f-cap", "۲۰٬۰۰۰٬۰۰۰")
    page.fill("#f-statement", "زهرا نارویی خیاط خوش‌حساب ارباب است.")
    page.fill("#f-password", PASSWORD)
    page.locator("[data-testid=submit]").click()
    page.wait_for_url("**/leaders/guarantees/*")

    assert page.locator("[data-testid=cap]").inner_text() == "۲۰٬۰۰۰٬۰۰۰ تومان"
    assert page.locator("[data-testid=state]").get_attribute("data-state") == "active"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for url in (
        "/leaders/",
        "/leaders/guarantees",
        "/leaders/talents",
        "/leaders/trades",
        "/leaders/community",
    ):
        page.goto(f"{live_server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url


def test_a_wrong_cap_is_marked_on_the_field_in_the_browser(
    live_server, page, ghaderi, arbab_member, identity_of
):
    zahra = arbab_member()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, identity_of(ghaderi.member_id).mobile, "/leaders/guarantees/new")

    page.fill("#f-member", zahra.mobile)
    page.fill("#f-cap", "0")
    page.fill("#f-statement", "ضامنم")
    page.fill("#f-password", PASSWORD)
    page.locator("[data-testid=submit]").click()
    page.wait_for_load_state()

    assert page.locator("#f-cap").get_attribute("aria-invalid") == "true"
    assert "بیشتر از صفر" in page.locator("#e-cap").inner_text()
    assert page.input_value("#f-member") == zahra.mobile  # kept, so only the cap needs retyping
