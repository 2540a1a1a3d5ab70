"""Maryam on her phone (390 px, Persian): finds a course, enrols, takes its lessons in order and
finishes with a certificate whose public page anyone can open."""

from __future__ import annotations

import re

import pytest

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

pytestmark = pytest.mark.browser

WIDTH = 390
LATIN = re.compile(r"[0-9A-Za-z]")


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


def test_maryam_takes_a_course_on_her_phone_and_gets_a_certificate(
    app, live_server, page, make_member, make_course
):
    teacher = make_member(name="زهرا آسی‌پور", region="yazd/ardakan")
    maryam = make_member(name="مریم احمدی")
    course = make_course(teacher, lessons=2)
    with app.app_context():
        mobile = get_db().session.get(Member, maryam).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})

    sign_in(page, live_server, mobile, "/maher/")
    check(page, "maher home")
    page.click("[data-testid=catalogue-link]")
    page.wait_for_selector("[data-testid=courses]")
    check(page, "the catalogue")
    page.click("[data-testid=course-title]")
    page.wait_for_selector("[data-testid=enrol]")
    check(page, "a course")
    page.click("[data-testid=enrol]")
    page.wait_for_selector("[data-testid=continue]")
    page.click("[data-testid=continue]")
    page.wait_for_selector("[data-testid=lesson-body]")
    assert "درس ۱" in page.locator("[data-testid=lesson-title]").inner_text()
    check(page, "the first lesson")
    page.click("[data-testid=mark-done]")
    page.wait_for_url(f"**/lessons/{course['lessons'][1]}")
    page.click("[data-testid=mark-done]")
    page.wait_for_selector("[data-testid=certificate]")
    assert "مریم احمدی" in page.locator("[data-testid=learner]").inner_text()
    check(page, "the certificate")

    # The certificate's address is public: a visitor reads the same page.
    address = page.url
    page.context.clear_cookies()
    page.goto(address)
    assert "کاربافی" in page.locator("[data-testid=course]").inner_text()
    page.goto(f"{live_server}/maher/certificates/۱۲۳")
    page.wait_for_selector("[data-testid=no-certificate]")
    check(page, "no such certificate")
