"""On a phone, in a real browser: a member declares their month, computes their score, reads it."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD

from .conftest import work

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


def test_a_member_reads_their_credit_report_on_a_phone(app, live_server, page, make_member):
    member = make_member(name="مریم احمدی")
    with work(app) as s:
        mobile = s.get(Member, member).mobile
    page.set_viewport_size({"width": WIDTH, "height": 740})

    sign_in(page, live_server, mobile, "/merat/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=no-score]").is_visible()
    assert fits(page)

    page.fill("#f-monthly_income", "۳۰۰۰۰۰۰۰")
    page.fill("#f-monthly_expenses", "18000000")
    page.locator("[data-testid=save-profile]").click()
    page.wait_for_load_state()
    page.locator("[data-testid=recompute]").click()
    page.wait_for_load_state()

    score = page.locator("[data-testid=score]")
    assert score.is_visible() and 0 <= int(score.get_attribute("data-value")) <= 1000
    assert page.locator("[data-testid=rating]").is_visible()
    assert page.locator("[data-testid=line][data-kind=monthly_surplus]").get_attribute("data-points") == "100"
    assert "تومان" in page.locator("[data-testid=capacity]").inner_text()
    assert fits(page)

    page.goto(f"{live_server}/merat/history")
    assert page.locator("[data-testid=history-score]").count() == 1
    assert fits(page)
    page.goto(f"{live_server}/merat/requests")
    assert page.locator("[data-testid=request]").count() == 1
    assert fits(page)
