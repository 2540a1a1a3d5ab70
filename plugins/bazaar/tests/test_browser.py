"""A member buys saffron on a phone in a real browser: search, cart, pay, confirm; right to left."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser

PHONE = 375


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_maryam_finds_saffron_pays_from_her_phone_and_confirms_receipt(
    app, live_server, page, make_member, make_shop, fund, balance, act
):
    shop = make_shop(
        [
            {"title": "زعفران سرگل قائنات يك مثقالی", "category": "saffron", "price": "450000", "stock": 3},
            {"title": "عسل کوهستان", "category": "honey", "price": "700000"},
        ]
    )
    maryam = make_member(name="مریم احمدی")
    with app.app_context():
        mobile = get_db().session.get(Member, maryam).mobile
    fund(maryam, 2_000_000)
    page.set_viewport_size({"width": PHONE, "height": 740})

    page.goto(f"{live_server}/auth/login?next=/bazaar/")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/bazaar/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.fill("[data-testid=q]", "زعفران")
    page.click("[data-testid=search]")
    page.wait_for_selector("[data-testid=results]")
    titles = page.locator("[data-testid=product-title]").all_inner_texts()
    assert titles == ["زعفران سرگل قائنات یک مثقالی"]
    _fits(page)

    page.locator("[data-testid=product] a").first.click()
    page.wait_for_selector("[data-testid=product-page]")
    assert "۴۵۰٬۰۰۰ تومان" in page.locator("[data-testid=price]").inner_text()
    assert page.locator("#f-quantity").get_attribute("inputmode") == "numeric"
    page.fill("#f-quantity", "۲")
    page.click("[data-testid=add-to-cart]")
    page.wait_for_url("**/bazaar/cart")
    assert "۹۰۰٬۰۰۰ تومان" in page.locator("[data-testid=cart-total]").inner_text()
    _fits(page)

    page.fill("#f-address", "زنجان، گرگ‌تپه، کوچه‌ی مسجد")
    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=orders]")
    _fits(page)
    assert balance(maryam) == 20_000_000 - 9_000_000
    assert balance(shop.owner_id) == 0

    page.locator("[data-testid=order]").first.click()
    page.wait_for_selector("[data-testid=history]")
    order_id = int(page.url.rstrip("/").split("/")[-1])
    act(shop.owner_id, order_id, "accept")
    act(shop.owner_id, order_id, "ship")
    page.reload()
    page.click("[data-testid=action-confirm]")
    page.wait_for_selector("[data-status=completed]")
    _fits(page)
    assert balance(shop.owner_id) == 9_000_000
