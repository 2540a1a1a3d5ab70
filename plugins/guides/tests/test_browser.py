"""The guide's pages in a real browser at phone width: right to left, nothing spills sideways."""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD

pytestmark = pytest.mark.browser
WIDTH = 375


def test_a_guide_works_through_a_candidate_on_a_phone(
    live_server, page, make_member, person_of, record, make_core, suggest
):
    guide = make_member("guide", region="zanjan/zanjan", name="علی رهیار زنجانی")
    jafar = record(guide, name="جعفر قراجه‌لو", years=15)
    for name in ("رقیه محمدی", "عبدالرحمان نوروزی فراهانی‌زاده", "لیلا رضایی"):
        record(guide, name=name)
    suggest(
        guide,
        make_core("zanjan/gorg-tappeh", "livestock", name="هسته‌ی دام سبک جعفر قراجه‌لو در گرگ‌تپه"),
        make_core("yazd/ardakan", "hand_weaving", name="هسته‌ی کاربافان زهرا آسی‌پور در اردکان"),
    )
    page.set_viewport_size({"width": WIDTH, "height": 800})

    page.goto(f"{live_server}/auth/login?next=/guides/")
    page.fill("#f-identifier", person_of(guide)["mobile"])
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/guides/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-testid=pending-links] li").count() == 1
    pages = ("/guides/", "/guides/candidates", "/guides/links", "/guides/links/new", "/guides/candidates/new")
    for url in pages:
        page.goto(f"{live_server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, url

    page.goto(f"{live_server}/guides/candidates/{jafar}")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.fill("#f-text", "اصلاح نژاد گله با قوچ افشاری")
    page.fill("#f-follow_up_on", "۱۴۹۹/۰۱/۰۱")
    page.locator("[data-testid=save-advice]").click()
    page.wait_for_load_state()

    assert page.locator("[data-testid=advice]").count() == 1
    assert page.locator("[data-testid=status] [data-status]").get_attribute("data-status") == "advised"
    assert "۱۴۹۹/۰۱/۰۱" in page.locator("[data-testid=advice-log]").inner_text()
