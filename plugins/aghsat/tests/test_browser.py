"""On a phone, in Persian, in a real browser: Maryam chooses six instalments at the cart, then finds
the purchase among her instalments, reads its schedule and pays one now after confirming."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD, work

pytestmark = pytest.mark.browser

WIDTH = 390


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_buying_in_instalments_and_paying_one_on_a_phone(market, live_server, page):
    maryam = market.buyer("C")
    market.cart(maryam)
    with work(market.app) as s:
        mobile = s.get(Member, maryam).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/bazaar/cart")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/bazaar/cart")
    assert page.locator("html").get_attribute("dir") == "rtl"

    six = page.locator('[data-testid=payment-method][data-code="aghsat.p6"]')
    assert "۳۰۰٬۰۰۰ تومان" in six.inner_text() and "۱٬۲۲۷٬۰۰۰ تومان" in six.inner_text()
    assert fits(page)
    page.check('input[value="aghsat.p6"]')
    page.locator("[data-testid=pay]").click()
    page.wait_for_load_state()
    assert market.balance(maryam) == 100_000_000 - 3_000_000  # only the down payment left her account

    page.goto(f"{live_server}/aghsat/")
    assert fits(page)
    assert page.locator("[data-testid=purchase]").count() == 1
    page.locator("[data-testid=purchase] a").first.click()
    page.wait_for_url("**/aghsat/purchases/*")
    assert page.locator("[data-testid=instalment]").count() == 6
    assert fits(page)
    page.locator("[data-testid=pay-one]").click()
    page.wait_for_url("**/pay")
    assert "۱۵۴٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    assert fits(page)
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url("**/aghsat/purchases/*")
    assert page.locator("[data-testid=instalment][data-paid=yes]").count() == 1
    assert fits(page)
    assert market.verify()
