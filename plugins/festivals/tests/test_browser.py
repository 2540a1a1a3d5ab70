"""On a phone, in a real browser, in Persian: a core's leader finds a fair and applies for a booth
with her products; the organiser accepts and the fair's page shows the core and its products.

Right to left, Persian digits, nothing wider than the screen, no serious accessibility fault.
"""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

pytestmark = pytest.mark.browser

PHONE = 390


def _sign_in(page, base: str, mobile: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/auth/login?next={then}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{then}")


def _check(page, where: str) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, PHONE) == [], where
    assert_accessible(page, where)


def test_a_core_leader_applies_on_her_phone_and_the_organiser_accepts(
    live_server, page, organiser, make_core, make_festival
):
    page.set_viewport_size({"width": PHONE, "height": 780})
    core = make_core(products=2)
    fid = make_festival(organiser, booths=3)

    _sign_in(page, live_server, core.leader.mobile, "/festivals/")
    _check(page, "festivals")
    page.click(f"[data-testid=festival][data-id='{fid}'] a")
    page.wait_for_selector("[data-testid=apply]")
    assert "۰ از ۳" in page.locator("[data-testid=booths]").inner_text()
    _check(page, "festival")

    page.click("[data-testid=apply]")
    page.wait_for_selector("[data-testid=apply-form]")
    _check(page, "apply")
    page.check(f"#p-{core.products[1]}")
    page.fill("#f-note", "زیلو و کرباس")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=application]")
    assert page.locator("[data-testid=status]").first.get_attribute("data-status") == "applied"
    _check(page, "my applications")

    _sign_in(page, live_server, organiser.mobile, f"/festivals/{fid}/applications")
    _check(page, "applications")
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=status][data-status=accepted]")
    page.goto(f"{live_server}/festivals/{fid}")
    page.wait_for_selector("[data-testid=booth]")
    assert page.locator("[data-testid=product]").count() == 1
    assert "زیلوی میبد" in page.locator("[data-testid=booth]").inner_text()
    assert "۱ از ۳" in page.locator("[data-testid=booths]").inner_text()
    _check(page, "festival with a booth")

    page.goto(f"{live_server}/festivals/new")
    _check(page, "announce")
