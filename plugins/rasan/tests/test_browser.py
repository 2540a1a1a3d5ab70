"""Maryam on her phone (390 px, Persian): she writes a post with a photo and a hashtag, sees it
in her feed, likes it, opens it and comments; the pages read in Persian and pass axe."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

pytestmark = pytest.mark.browser

WIDTH = 390
LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    from resalat_core.sdk import LocalStorage

    app.extensions["resalat_files"] = LocalStorage(tmp_path / "files")
    yield
    app.extensions.pop("resalat_files", None)


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
    assert not LATIN_DIGIT.search(text), (where, text)
    assert_accessible(page, where)


def test_maryam_posts_a_photo_sees_it_in_her_feed_and_likes_it(app, live_server, page, make_member, tmp_path):
    maryam = make_member(name="مریم احمدی")
    with app.app_context():
        mobile = get_db().session.get(Member, maryam).mobile
    photo = tmp_path / "barreh.png"
    Image.new("RGB", (1200, 900), (120, 144, 96)).save(photo, "PNG")
    page.set_viewport_size({"width": WIDTH, "height": 800})

    sign_in(page, live_server, mobile, "/rasan/")
    check(page, "the empty feed")
    page.click("a[href='/rasan/new']")
    page.wait_for_url("**/rasan/new")
    check(page, "compose")
    page.fill("#f-text", "بره‌های افشاری امسال رسیدند #دام_سبک")
    page.set_input_files("#f-photos", str(photo))
    page.click("[data-testid=rasan-publish]")
    page.wait_for_selector("[data-testid=rasan-comment], textarea#f-comment")
    check(page, "the new post")

    page.goto(f"{live_server}/rasan/")
    post = page.locator("[data-testid=rasan-post]").first
    assert "بره‌های افشاری" in post.inner_text()
    assert post.locator("[data-testid=rasan-photo]").count() == 1
    assert post.locator("[data-testid=rasan-photo]").evaluate("img => img.naturalWidth") > 0
    check(page, "the feed with the post")
    post.locator("[data-testid=rasan-like]").click()
    page.wait_for_selector("[data-testid=rasan-unlike]")
    assert "۱" in page.locator("[data-testid=rasan-unlike]").first.inner_text()

    page.locator("a.rasan-tag").first.click()
    page.wait_for_url("**/rasan/tags/**")
    assert page.locator("[data-testid=rasan-post]").count() == 1
    check(page, "the hashtag")

    page.locator("[data-testid=rasan-post] a[href*='/rasan/members/']").first.click()
    page.wait_for_url("**/rasan/members/**")
    check(page, "her page")
