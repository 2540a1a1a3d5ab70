"""The leaders' pages at 390 px: every tab of the tab bar in sight, the header on one line, and no
serious or critical accessibility problem."""

from __future__ import annotations

import pytest

from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

pytestmark = pytest.mark.browser

WIDTH = 390
TABS = ("/leaders/", "/leaders/talents", "/leaders/trades", "/leaders/guarantees", "/leaders/community")


def test_every_tab_of_the_leaders_desk_is_in_sight_on_a_phone(live_server, page, ghaderi, identity_of):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/leaders/")
    page.fill("#f-identifier", identity_of(ghaderi.member_id).mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/leaders/")

    for url in TABS:
        page.goto(f"{live_server}{url}")
        tabs = page.locator("[data-testid=leaders-tabs] .nav-link")
        assert tabs.count() == len(TABS), url
        for i in range(tabs.count()):
            box = tabs.nth(i).bounding_box()
            # Wholly inside the screen, not behind a scroll the member may not guess.
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (url, i, box)
        assert layout_problems(page, WIDTH) == [], url
        assert_accessible(page, url)
