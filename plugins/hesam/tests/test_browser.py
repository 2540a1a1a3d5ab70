"""A member sends money from a phone in a real browser: form, confirmation, receipt, right to left."""

from __future__ import annotations

import pytest
from resalat_notifications import services as inbox

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser

PHONE = 375


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_maryam_sends_money_to_jafar_on_her_phone(app, live_server, page, person, fund, balance_of):
    def told(member_id: int) -> int:
        with app.app_context():
            s = get_db().session
            found = inbox.inbox(s, s.get(Member, member_id), unread_only=False, page=1, per_page=50)
            return sum(n.source == "hesam" for n in found.items)

    maryam = person(name="مریم احمدی")
    jafar = person(name="جعفر قراجه‌لو")
    fund(maryam.id, 500_000)
    page.set_viewport_size({"width": PHONE, "height": 740})

    page.goto(f"{live_server}/auth/login?next=/hesam/")
    page.fill("#f-identifier", maryam.mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/hesam/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=main-account] [data-testid=available]").inner_text() == "۵۰۰٬۰۰۰ تومان"
    _fits(page)

    page.click("[data-testid=start-transfer]")
    page.wait_for_url("**/hesam/transfer")
    assert page.locator("#f-amount").get_attribute("inputmode") == "numeric"
    page.fill("#f-recipient", jafar.mobile)
    page.fill("#f-amount", "۱۲۰٬۰۰۰")
    page.fill("#f-note", "بابت علوفه")
    page.click("[data-testid=continue]")

    page.wait_for_selector("[data-testid=confirmation]")
    assert page.locator("[data-testid=recipient-name]").inner_text() == "ج*** ق***"
    assert "۱۲۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    _fits(page)
    assert balance_of(maryam.id) == 5_000_000  # nothing moves before the confirmation

    # An impatient double tap: the same confirmation sent twice at once, then the button again.
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("[data-testid=confirm-form]");
            const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
            return (await Promise.all([send(), send()])).map((r) => r.status);
        }"""
    )
    assert statuses == [200, 200]  # both followed the redirect to the same receipt
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=receipt]")
    assert page.locator("[data-testid=other]").inner_text() == "ج*** ق***"
    _fits(page)

    assert balance_of(maryam.id) == 3_800_000
    assert balance_of(jafar.id) == 1_200_000
    assert told(jafar.id) == 1  # and Jafar is told once
