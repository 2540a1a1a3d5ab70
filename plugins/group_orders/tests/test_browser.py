"""On a phone, in a real browser, in Persian: a core's leader opens the open purchase from the list,
chooses a quantity, sees the total and where it comes from, confirms, and sees the core joined."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems, work

pytestmark = pytest.mark.browser

WIDTH = 390


def test_a_leader_joins_a_group_purchase_on_a_phone(app, live_server, page, make_core, open_one, balance):
    purchase_id = open_one()
    core = make_core()
    with work(app) as s:
        mobile = s.get(Member, core.leader_id).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/group_orders/")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/group_orders/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)

    page.locator(f"[data-testid=open] [data-id='{purchase_id}'] a").first.click()
    page.wait_for_url(f"**/group_orders/{purchase_id}")
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)
    page.fill("#f-quantity", "۵")
    page.locator("[data-testid=join-submit]").click()
    page.locator("[data-testid=confirm]").wait_for()
    assert "۱٬۵۰۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)
    assert balance(core.leader_id) == 500_000_000  # nothing moved before the confirmation

    page.locator("[data-testid=confirm-submit]").click()
    page.wait_for_url(f"**/group_orders/{purchase_id}")
    assert page.locator("[data-testid=joined]").inner_text() == "۵"
    assert layout_problems(page, WIDTH) == []
    assert balance(core.leader_id) == 500_000_000 - 15_000_000


def test_a_customer_places_a_bulk_order_on_a_phone(app, live_server, page, make_member, top_up, balance):
    """The school opens bulk orders from the group orders page, fills the form, sees the total and
    the account before paying, confirms, and lands on its order."""
    from datetime import timedelta

    from resalat_core.sdk import format_date, today_in_iran

    from .conftest import REGION

    customer = make_member(region=REGION, name="مدرسه‌ی روستا")
    top_up(customer, rials=300_000_000)
    with work(app) as s:
        mobile = s.get(Member, customer).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/group_orders/")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/group_orders/")
    page.locator("[data-testid=bulk-link] a").click()
    page.wait_for_url("**/group_orders/bulk/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)

    page.locator("[data-testid=bulk-new-link]").click()
    page.wait_for_url("**/group_orders/bulk/new")
    page.fill("#f-description", "روپوش مدرسه، طوسی")
    page.fill("#f-quantity", "۱۲۰")
    page.fill("#f-unit", "دست")
    page.fill("#f-unit_price", "۲۰۰٬۰۰۰")
    page.fill("#f-deadline", format_date(today_in_iran() + timedelta(days=20)))
    page.fill("#f-place", "مدرسه‌ی روستای گرگ‌تپه")
    page.select_option("#f-region", REGION)
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)
    page.locator("[data-testid=bulk-submit]").click()
    page.locator("[data-testid=bulk-confirm]").wait_for()
    assert "۲۴٬۰۰۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)
    assert balance(customer) == 300_000_000  # nothing moved before the confirmation

    page.locator("[data-testid=bulk-confirm-submit]").click()
    page.wait_for_url("**/group_orders/bulk/*")
    page.locator("[data-testid=bulk-order]").wait_for()
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)
    assert balance(customer) == 300_000_000 - 240_000_000
