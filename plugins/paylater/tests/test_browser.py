"""On a phone, in a real browser, in Persian: buy on pay later at M-Bazar's checkout, see it on my
pay-later page and in M-Hesam, then pay it early after confirming."""

from __future__ import annotations

import pytest
from resalat_paylater.models import Debt
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD, layout_problems, work

pytestmark = pytest.mark.browser

WIDTH = 390
TOMAN = 10


def test_a_member_buys_on_pay_later_and_pays_early_on_a_phone(
    app, live_server, page, buyer, make_shop, in_cart, top_up
):
    shop = make_shop([1_200_000])
    in_cart(buyer, shop.product_ids[0], 1)
    top_up(buyer, rials=2_000_000 * TOMAN)
    with work(app) as s:
        mobile = s.get(Member, buyer).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})

    page.goto(f"{live_server}/auth/login?next=/bazaar/cart")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/bazaar/cart")
    assert page.locator("html").get_attribute("dir") == "rtl"

    offer = page.locator("[data-testid=payment-method][data-code='paylater.due']")
    assert "۱٬۲۰۰٬۰۰۰ تومان" in offer.inner_text()  # the amount, with its due day beside it
    offer.locator("input[type=radio]").check()
    page.locator("[data-testid=pay]").click()
    page.wait_for_url("**/bazaar/orders**")

    page.goto(f"{live_server}/paylater/")
    assert layout_problems(page, WIDTH) == []
    assert "۱٬۲۰۰٬۰۰۰ تومان" in page.locator("[data-testid=limit-used]").inner_text()
    assert "۳٬۸۰۰٬۰۰۰ تومان" in page.locator("[data-testid=limit-free]").inner_text()

    page.goto(f"{live_server}/hesam/")
    # Ours among the credit lines other plugins may show beside it.
    assert page.locator("[data-testid=credit-line]", has_text="خرید نسیه").count() == 1

    page.goto(f"{live_server}/paylater/")
    page.locator("[data-testid=pay-now]").first.click()
    page.wait_for_url("**/paylater/debts/*/pay")
    assert layout_problems(page, WIDTH) == []
    assert "۱٬۲۰۰٬۰۰۰ تومان" in page.locator("[data-testid=total]").inner_text()
    with work(app) as s:
        assert s.scalar(select(Debt.status)) == "open"  # nothing moves before the confirmation
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url("**/paylater/")
    assert "۵٬۰۰۰٬۰۰۰ تومان" in page.locator("[data-testid=limit-free]").inner_text()
    with work(app) as s:
        assert s.scalar(select(Debt.status)) == "paid"
