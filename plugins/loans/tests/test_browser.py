"""On a phone, in a real browser: the officer approves a request, the member pays an instalment."""

from __future__ import annotations

import re

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
    # The confirmation page: the amount in tomans, who receives it, the schedule; then money moves.
    page.wait_for_url(f"**/loans/officer/{loan}/confirm")
    assert fits(page)
    assert world.loan(loan)["status"] == "requested"
    assert "۱۲۰٬۰۰۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    page.locator("[data-testid=confirm]").click()
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


def test_the_member_asks_from_the_introduction_with_the_checklist_on_a_phone(app, live_server, page, world):
    """Request → checklist → issue the note it asks for → the checklist ticks it → send, at 390 px."""
    width = 390
    intro = world.introduce(100_000_000)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, mobile_of(app, world.member), f"/supporters/introductions/{intro}")
    page.locator("[data-testid=next-step]").click()
    page.wait_for_url(re.compile(rf".*/loans/new\?introduction={intro}$"))
    assert page.locator("#f-product").input_value() == "livestock"
    page.fill("#f-instalments", "۱۲")
    # The checklist follows what is typed (the form's script asks the server again).
    note = page.locator("[data-testid=requirement][data-key=note]")
    note.wait_for()
    page.wait_for_selector("[data-testid=schedule-summary]")
    assert (
        "۱۱ × ۸٬۴۹۹٬۰۰۰ تومان + ۸٬۵۱۱٬۰۰۰ تومان"
        in page.locator("[data-testid=schedule-summary]").inner_text()
    )
    assert note.get_attribute("data-met") == "no"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The note is issued from the request with its exact amount, and the form comes back with it.
    page.locator("[data-testid=do-note]").click()
    page.wait_for_url(re.compile(r".*/icap/new\?.*"))
    assert (
        page.locator("#f-amount").input_value() == "۱۰۲۰۰۰۰۰۰۰"
    )  # in Persian digits, read back as the number
    page.fill("#f-payee_name", "بانک قرض‌الحسنه‌ی رسالت")
    page.fill("#f-payee_code", "10380284790")
    page.check("#f-on_demand")
    page.check("#f-confirm_duty")
    page.locator("[data-testid=submit]").click()
    page.wait_for_url(re.compile(r".*/loans/new\?.*note=\d+.*"))
    assert page.locator("[data-testid=standing]").get_attribute("data-ready") == "yes"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("[data-testid=send]").click()
    page.wait_for_url(re.compile(r".*/loans/\d+$"))
    with work(app) as s:
        from resalat_loans.models import Loan

        loan = s.query(Loan).one()
        assert (loan.status, loan.amount, loan.instalments, loan.introduction_id) == (
            "requested",
            100_000_000 * TOMAN,
            12,
            intro,
        )
