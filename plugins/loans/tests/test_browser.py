"""On a phone, in a real browser: the officer approves a request, the member pays an instalment."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD

from .conftest import work

pytestmark = pytest.mark.browser

WIDTH = 375
TOMAN = 10


def sign_in(page, live_server: str, mobile: str, then: str) -> None:
    page.goto(f"{live_server}/auth/login?next={then}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{then}")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def mobile_of(app, member_id: int) -> str:
    with work(app) as s:
        return s.get(Member, member_id).mobile


def test_the_officer_approves_and_the_member_pays_on_a_phone(app, live_server, page, world):
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=120_000_000 * TOMAN, instalments=12, introduction=intro, note=world.note()
    )
    world.top_up(world.member, 20_000_000)
    page.set_viewport_size({"width": WIDTH, "height": 740})

    sign_in(page, live_server, mobile_of(app, world.officer), "/loans/officer")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits(page)
    page.locator("[data-testid=request] a").first.click()
    page.wait_for_url(f"**/loans/officer/{loan}")
    assert fits(page)
    page.locator("[data-testid=approve]").click()
    page.wait_for_url("**/loans/officer")
    assert world.loan(loan)["status"] == "disbursed"

    page.context.clear_cookies()
    sign_in(page, live_server, mobile_of(app, world.member), f"/loans/{loan}")
    assert fits(page)
    assert page.locator("[data-testid=instalment]").count() == 12
    page.locator("[data-testid=pay-next]").click()
    page.wait_for_url(f"**/loans/{loan}/pay*")
    assert fits(page)
    page.locator("[data-testid=confirm]").click()
    page.wait_for_url(f"**/loans/{loan}")
    assert page.locator("[data-testid=instalment][data-paid=yes]").count() == 1
    assert fits(page)
