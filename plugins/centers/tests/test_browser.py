"""On a phone, in a real browser: an order recorded, shared, accepted and partly delivered.

Right to left, Persian digits, nothing wider than the screen.
"""

from __future__ import annotations

import pytest

from resalat_core.sdk import to_persian_digits
from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser

PHONE = 375


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def _sign_in(page, base: str, mobile: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/auth/login?next={then}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{then}")


def test_ms_ghaderi_shares_an_order_on_her_phone_and_a_core_accepts_and_delivers(
    live_server, page, alghadir, jalali, order_state
):
    page.set_viewport_size({"width": PHONE, "height": 740})
    _sign_in(page, live_server, alghadir.ghaderi.mobile, "/centers/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _fits(page)

    page.click(f"[data-testid=centre][data-id='{alghadir.id}'] a")
    page.wait_for_selector("[data-testid=manage]")
    assert page.locator("[data-testid=core]").count() == 3
    _fits(page)

    page.click(f"a[href='/centers/{alghadir.id}/orders/new']")
    page.fill("#f-customer", "پوشاک نگین، زاهدان")
    page.fill("#f-item", "مانتو")
    page.fill("#f-quantity", "۳۰۰")
    page.fill("#f-unit", "دست")
    page.fill("#f-due_date", jalali(40, persian=True))
    page.fill("#f-unit_price", "۴۵۰٬۰۰۰")
    assert page.locator("#f-quantity").get_attribute("inputmode") == "numeric"
    _fits(page)
    page.click("[data-testid=submit]")

    page.wait_for_selector("[data-testid=split-form]")
    assert "۳۰۰ دست مانتو" in page.locator("h1").inner_text()
    _fits(page)
    first, second, _third = alghadir.cores
    page.fill(f"#q-{first.id}", "۱۲۰")
    page.fill(f"#q-{second.id}", "۲۰۰")  # together more than the order
    page.click("[data-testid=split]")
    page.wait_for_selector("[data-testid=shares-error]")
    assert page.locator("[data-testid=share]").count() == 0  # refused whole: nothing was shared
    assert page.locator(f"#q-{first.id}").input_value() == "۱۲۰"  # and what she typed is still there
    page.fill(f"#q-{second.id}", "۱۸۰")
    page.click("[data-testid=split]")
    page.wait_for_selector("[data-testid=all-shared]")
    assert page.locator("[data-testid=share]").count() == 2
    order_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    _fits(page)

    _sign_in(page, live_server, first.leader.mobile, "/centers/shares")
    assert "۱۲۰ دست مانتو" in page.locator("[data-testid=share]").inner_text()
    page.click("[data-testid=share] a")
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=deliver-form]")
    page.fill("#f-quantity", "۵۰")
    page.click("[data-testid=deliver]")
    page.wait_for_selector("[data-testid=delivery]")
    assert to_persian_digits("50") in page.locator("[data-testid=delivery]").inner_text()
    _fits(page)

    state = order_state(order_id)
    assert (state["status"], state["allocated"], state["delivered"]) == ("in_progress", 300, 50)
