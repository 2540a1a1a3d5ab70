"""A member tops up by card on her phone through the sandbox gateway, then an administrator reads
the payments needing attention and the gateway's reconciliation; a member withdraws and cancels,
in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_hesam import gateways
from resalat_hesam.models import CardPayment
from sqlalchemy import select

from resalat_core.sdk import get_db, utcnow, verify_ledger
from resalat_core.testing import PASSWORD, layout_problems

pytestmark = pytest.mark.browser

PHONE = 390


def _fits(page) -> None:
    assert not layout_problems(page, PHONE), page.url


def _no_latin_digits(page) -> None:
    text = page.locator("main").inner_text()
    assert not any(ch in "0123456789" for ch in text), text


def test_maryam_tops_up_by_card_on_her_phone(app, live_server, page, person, balance_of):
    maryam = person(name="مریم احمدی")
    page.set_viewport_size({"width": PHONE, "height": 800})

    page.goto(f"{live_server}/auth/login?next=/hesam/")
    page.fill("#f-identifier", maryam.mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/hesam/")
    page.click("[data-testid=start-card-topup]")
    page.wait_for_url("**/hesam/topup")
    assert page.locator("#f-amount").get_attribute("inputmode") == "numeric"
    _fits(page)

    page.fill("#f-amount", "۲۵۰٬۰۰۰")
    page.click("[data-testid=continue]")
    page.wait_for_selector("[data-testid=card-confirmation]")
    assert "۲۵۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    _fits(page)
    _no_latin_digits(page)

    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=sandbox-form]")
    _fits(page)
    assert balance_of(maryam.id) == 0  # nothing before the gateway says so
    page.fill("#f-card", gateways.SANDBOX_CARD)
    page.click("[data-testid=sandbox-pay]")

    page.wait_for_selector("[data-testid=payment-result]")
    assert page.locator("[data-testid=payment-result]").get_attribute("data-state") == "verified"
    assert "۲۵۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    _fits(page)
    _no_latin_digits(page)
    # The back button and a reload land on the callback again: nothing moves twice.
    page.reload()
    page.wait_for_selector("[data-testid=payment-result]")
    assert balance_of(maryam.id) == 2_500_000

    page.click("[data-testid=back]")
    page.wait_for_url("**/hesam/")
    assert page.locator("[data-testid=main-account] [data-testid=available]").inner_text() == "۲۵۰٬۰۰۰ تومان"
    with app.app_context():
        assert verify_ledger(get_db().session).ok

    # A second top-up left at the gateway's page long ago: stuck, for the administrator to see.
    page.goto(f"{live_server}/hesam/topup")
    page.fill("#f-amount", "۷۰٬۰۰۰")
    page.click("[data-testid=continue]")
    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=sandbox-form]")
    with app.app_context():
        s = get_db().session
        for row in s.scalars(select(CardPayment).where(CardPayment.state == "redirected")):
            row.created_at = utcnow() - timedelta(hours=3)
        s.commit()

    page.context.clear_cookies()
    admin = person("admin", role_region=None)
    page.goto(f"{live_server}/auth/login?next=/")
    page.fill("#f-identifier", admin.mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/")
    page.click("a[href='/hesam/admin/card-payments']")
    page.wait_for_selector("[data-testid=attention-item]")
    assert page.locator("[data-testid=attention-item]").get_attribute("data-kind") == "stuck"
    assert "۷۰٬۰۰۰ تومان" in page.locator("[data-testid=attention-item]").inner_text()
    _fits(page)
    _no_latin_digits(page)
    page.click("[data-testid=reconcile-link]")
    page.wait_for_selector("[data-testid=reconciled]")
    assert "۲۵۰٬۰۰۰ تومان" in page.locator("[data-testid=credited]").inner_text()
    _fits(page)
    _no_latin_digits(page)


def test_a_member_withdraws_on_her_phone(app, live_server, page, person, fund, balance_of):
    maryam = person(name="مریم احمدی")
    fund(maryam.id, 100_000)
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/hesam/withdraw")
    page.fill("#f-identifier", maryam.mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/hesam/withdraw")
    _fits(page)
    page.click("[data-testid=add-sheba]")
    page.fill("#f-sheba", "IR820540102680020817909002")
    page.fill("#f-holder_name", "مریم احمدی")
    page.click("[data-testid=save]")
    page.wait_for_url("**/hesam/withdraw")
    page.fill("#f-amount", "۴۰٬۰۰۰")
    page.click("[data-testid=continue]")
    page.wait_for_selector("[data-testid=withdraw-confirmation]")
    _fits(page)
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=withdrawal-item]")
    assert page.locator("[data-testid=withdrawal-item]").get_attribute("data-state") == "requested"
    _fits(page)
    assert balance_of(maryam.id) == 600_000

    # She changes her mind before the bank's batch: a confirmation page, then the money is back.
    page.click("[data-testid=cancel-withdrawal]")
    page.wait_for_selector("[data-testid=withdrawal-cancel]")
    assert "۴۰٬۰۰۰ تومان" in page.locator("[data-testid=amount]").inner_text()
    _fits(page)
    _no_latin_digits(page)
    assert balance_of(maryam.id) == 600_000  # nothing moves before she confirms
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=withdrawal-item][data-state=cancelled]")
    assert page.locator("[data-testid=cancel-withdrawal]").count() == 0
    _fits(page)
    assert balance_of(maryam.id) == 1_000_000
    with app.app_context():
        assert verify_ledger(get_db().session).ok
