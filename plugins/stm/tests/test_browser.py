"""On a phone, in a real browser, in Persian: the operator opens the job list, accepts the nearest
job, picks it up, types a wrong code (refused, nothing moves), then the buyer's code: delivered."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems, work

pytestmark = pytest.mark.browser

WIDTH = 390


def test_an_operator_delivers_a_parcel_with_the_buyer_s_code_on_a_phone(
    app, live_server, page, shop, buyer, operator, checkout, shipment_of
):
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 2)])
    made = shipment_of(order_id)
    with work(app) as s:
        mobile = s.get(Member, operator).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/stm/jobs")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/stm/jobs")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)

    page.locator("[data-testid=open-job-card] [data-testid=open-job]").first.click()
    page.wait_for_url(f"**/stm/jobs/{made['id']}")
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page)
    page.locator("[data-testid=accept]").click()
    page.wait_for_url(f"**/stm/jobs/{made['id']}")
    page.locator("[data-testid=pickup]").click()
    page.wait_for_url(f"**/stm/jobs/{made['id']}")
    assert "برداشته شد" in page.locator("[data-testid=status]").inner_text()

    wrong = "۰۰۰۰۰۰" if made["code"] != "000000" else "۱۱۱۱۱۱"
    page.fill("#f-code", wrong)
    page.locator("[data-testid=deliver]").click()
    assert page.locator("#e-code").is_visible()
    assert shipment_of(order_id)["status"] == "picked_up"  # a wrong code moves nothing
    page.fill("#f-code", made["code"])
    page.locator("[data-testid=deliver]").click()
    page.wait_for_url("**/stm/jobs")
    assert page.locator("[data-testid=done-job]").count() == 1
    assert layout_problems(page, WIDTH) == []
