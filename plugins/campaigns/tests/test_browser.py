"""A donor on her phone (390 px, Persian): the open campaigns, a campaign's page, the confirmation,
the donation; the guide's form that opens a campaign. Accessible, no sideways scroll, no Latin."""

from __future__ import annotations

import re

import pytest

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

from .conftest import TOMAN

pytestmark = pytest.mark.browser

WIDTH = 390
LATIN = re.compile(r"[A-Za-z0-9]")


def sign_in(page, live_server, mobile: str, to: str) -> None:
    page.goto(f"{live_server}/auth/login?next={to}")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{to}")


def check(page, where: str) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == [], where
    text = page.locator("main").inner_text()
    assert not LATIN.search(text), (
        where,
        [text[max(0, m.start() - 30) : m.end() + 10] for m in LATIN.finditer(text)],
    )
    assert_accessible(page, where)


def test_a_donor_gives_to_a_cores_campaign_from_her_phone(app, live_server, page, world):
    c = world.open(goal=1_000_000 * TOMAN)
    world.donate(c, donor=world.donors[1], tomans=300_000, message="به امید رونق کار")
    with app.app_context():
        session = get_db().session
        mobile = session.get(Member, world.donors[0]).mobile
        guide = session.get(Member, world.guide).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})

    sign_in(page, live_server, mobile, "/campaigns/")
    assert page.locator("[data-testid=campaign-card]").count() == 1
    check(page, "open campaigns")
    page.locator("[data-testid=campaign-card] a").first.click()
    page.wait_for_selector("[data-testid=donate-form]")
    check(page, "the campaign")
    page.fill("#f-amount", "۲۰۰٬۰۰۰")
    page.check("#f-anonymous")
    page.locator("[data-testid=donate-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=confirm]")
    check(page, "the confirmation")
    assert world.campaign(c)["raised"] == 300_000 * TOMAN
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=donor-list]")
    check(page, "the campaign after giving")
    assert world.campaign(c)["raised"] == 500_000 * TOMAN
    page.goto(f"{live_server}/campaigns/donations")
    check(page, "my donations")

    page.context.clear_cookies()
    sign_in(page, live_server, guide, "/campaigns/new")
    check(page, "the form that opens a campaign")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=form-error]")
    check(page, "the form with its errors")
    world.verify()
