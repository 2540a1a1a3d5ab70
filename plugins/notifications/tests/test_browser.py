"""The inbox in a real browser at phone width: readable right to left, nothing spills sideways."""

from __future__ import annotations

import pytest
from resalat_notifications import services
from resalat_notifications.messages import ANNOUNCEMENT

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_reads_their_inbox_on_a_phone(app, live_server, page, member_with_empty_inbox):
    member_id = member_with_empty_inbox()
    with app.app_context():
        session = get_db().session()
        member = session.get(Member, member_id)
        mobile = member.mobile
        long = "متن بلندی درباره‌ی سفارش شما " * 8
        for n in range(3):
            services.deliver(
                session, member, ANNOUNCEMENT(title_fa=f"خبر {n}", title_en="News", body_fa=long, body_en="x")
            )
        session.commit()
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"{live_server}/auth/login?next=/notifications/")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/notifications/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=notification][data-unread=true]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.locator("[data-testid=mark-read]").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=notification][data-unread=true]").count() == 2
    assert page.locator("[data-testid=nav-badge]").inner_text().strip() == "۲"
