"""Maryam on her phone (390 px, Persian): her vouchers, one with its QR code, paying part of a
cart with it at M-Bazar's checkout; and the booth charging another voucher it scanned."""

from __future__ import annotations

import re

import jdatetime
import pytest

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

from .conftest import day

pytestmark = pytest.mark.browser

WIDTH = 390
LATIN_DIGIT = re.compile(r"[0-9]")


def sign_in(page, live_server, mobile: str, to: str) -> None:
    page.goto(f"{live_server}/auth/login?next={to}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{to}")


def check(page, where: str) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == [], where
    text = page.locator("main").inner_text()
    assert not LATIN_DIGIT.search(text), (
        where,
        [text[max(0, m.start() - 40) : m.end() + 10] for m in LATIN_DIGIT.finditer(text)],
    )
    assert_accessible(page, where)


def test_maryam_spends_part_of_a_voucher_from_her_phone_and_a_booth_charges_another(
    app, live_server, page, budget, make_member, make_shop, issue, top_up, voucher_of, balance
):
    maryam = make_member(name="مریم احمدی")
    top_up(maryam, rials=5_000_000)
    (general,) = issue(budget, [maryam], 300_000)
    (honey,) = issue(budget, [maryam], 80_000, categories=["honey"])
    shop = make_shop([{"title": "عسل کوهستان", "price": "100000"}])
    with app.app_context():
        session = get_db().session
        mobile = session.get(Member, maryam).mobile
        seller_mobile = session.get(Member, shop.owner_id).mobile
        admin_mobile = session.get(Member, budget).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})

    sign_in(page, live_server, mobile, "/vouchers/")
    assert page.locator("[data-testid=voucher]").count() == 2
    check(page, "my vouchers")

    page.goto(f"{live_server}/vouchers/{honey}")
    assert page.locator("[data-testid=voucher-qr] svg").is_visible()
    assert "عسل" in page.locator("[data-testid=voucher-detail]").inner_text()
    check(page, "a voucher")

    page.goto(f"{live_server}/bazaar/products/{shop.product_ids[0]}")
    page.click("[data-testid=add-to-cart]")
    page.wait_for_url("**/bazaar/cart")
    offer = page.locator(f"[data-testid=payment-method][data-code='vouchers.v{honey}']")
    assert "۸۰٬۰۰۰" in offer.inner_text()
    offer.locator("input[name=method]").check()
    check(page, "the cart with vouchers")
    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=orders]")
    assert voucher_of(honey)["balance"] == 0
    assert balance(maryam) == 5_000_000 - 200_000  # the honey voucher paid 80,000 of 100,000 tomans

    # The booth scans Maryam's other voucher: the QR code opens the charge page filled in.
    code = voucher_of(general)["code"]
    page.context.clear_cookies()
    sign_in(page, live_server, seller_mobile, f"/vouchers/charge?code={code}")
    page.fill("#f-amount", "۵۰٬۰۰۰")
    check(page, "charge a voucher")
    page.click("[data-testid=charge-form] button[type=submit]")
    page.wait_for_selector("[data-testid=charge-preview]")
    assert "۵۰٬۰۰۰" in page.locator("[data-testid=charge-amount]").inner_text()
    check(page, "the charge to confirm")
    page.click("[data-testid=charge-confirm]")
    page.wait_for_url("**/vouchers/charge")
    assert voucher_of(general)["balance"] == 2_500_000
    assert balance(shop.owner_id) == 500_000

    # The administrator's issue form, and a batch read back before it is paid for.
    page.context.clear_cookies()
    sign_in(page, live_server, admin_mobile, "/vouchers/issue")
    check(page, "issue vouchers")
    page.fill("#f-title", "بن یلدا")
    page.fill("#f-amount", "۱۰۰٬۰۰۰")
    page.fill("#f-expires_on", jdatetime.date.fromgregorian(date=day(30)).strftime("%Y/%m/%d"))
    page.fill("#f-mobiles", mobile)
    page.click("[data-testid=issue-form] button[type=submit]")
    page.wait_for_selector("[data-testid=issue-preview]")
    check(page, "a batch to confirm")
    page.click("[data-testid=issue-confirm]")
    page.wait_for_selector("[data-testid=batches]")
    assert page.locator("[data-testid=batches] li").count() == 3
