"""Maryam on her phone (390 px, Persian): a counsellor's free times, a booking reviewed then
confirmed, and the session in her bookings; the counsellor's calendar and hours."""

from __future__ import annotations

import re

import pytest

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

pytestmark = pytest.mark.browser

WIDTH = 390
LATIN_DIGIT = re.compile(r"[0-9]")


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
    assert not LATIN_DIGIT.search(text), (
        where,
        [text[max(0, m.start() - 40) : m.end() + 10] for m in LATIN_DIGIT.finditer(text)],
    )
    assert_accessible(page, where)


def test_maryam_books_a_slot_from_her_phone_and_sees_it_in_her_bookings(
    app, live_server, page, counselor, make_member
):
    maryam = make_member(name="مریم احمدی")
    with app.app_context():
        session = get_db().session
        mobile = session.get(Member, maryam).mobile
        counsel_mobile = session.get(Member, counselor.member_id).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})

    sign_in(page, live_server, mobile, "/counseling/")
    assert page.locator("[data-testid=counselor]").count() == 1
    check(page, "counsellors")

    page.locator("[data-testid=counselor] a").first.click()
    page.wait_for_selector("[data-testid=slot]")
    check(page, "a counsellor's free times")
    page.locator("[data-testid=slot]").nth(3).click()
    page.wait_for_selector("[data-testid=book-form]")
    check(page, "the booking form")
    page.fill("#f-need", "قیمت‌گذاری فرش دست‌باف")
    page.click("[data-testid=book-review]")
    page.wait_for_selector("[data-testid=book-preview]")
    check(page, "the booking to confirm")
    page.click("[data-testid=book-confirm]")
    page.wait_for_selector("[data-testid=booking-detail]")
    check(page, "the booking")
    page.fill("#f-body", "سلام، عکس فرش‌ها را می‌فرستم.")
    page.locator("[data-testid=note-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=note]")

    page.click("[data-testid=my-bookings-link]")
    page.wait_for_selector("[data-testid=booking]")
    assert page.locator("[data-testid=booking]").count() == 1
    check(page, "my bookings")

    page.context.clear_cookies()
    sign_in(page, live_server, counsel_mobile, "/counseling/calendar")
    check(page, "the counsellor's calendar")
    page.goto(f"{live_server}/counseling/hours")
    check(page, "the counsellor's hours")
