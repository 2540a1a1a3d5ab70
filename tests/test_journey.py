"""A core's journey from a guide's candidate to her last instalment, walked in a real browser by
the people in it, in Persian, at 390 px: every step through the pages, counted (pages loaded,
clicks, fills) and printed as a table."""

from __future__ import annotations

import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

USED = {
    "guides", "cores", "bazaar", "value_chain", "group_orders", "supporters", "merat", "icap",
    "loans", "bimeh", "stm", "counseling", "maher", "rasan", "vouchers", "aghsat", "supervision",
    "hesam",
}  # fmt: skip
_installed = {ep.name for ep in entry_points(group="resalat.plugins")}
if USED - _installed:
    pytest.skip(
        f"the journey needs every plugin it walks through; not installed: {sorted(USED - _installed)}",
        allow_module_level=True,
    )

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journey import steps  # noqa: E402


def test_a_core_s_journey_through_the_pages(demo_app, live_server, _playwright_browser, request, backend):
    world = steps.World(_playwright_browser, live_server, demo_app)
    started = time.monotonic()
    try:
        for step in steps.STEPS:
            step(world)
    finally:
        world.close()
        # Printed at the end of the run by tests/conftest.py (also from an xdist worker).
        took = f"the journey on {backend} in {time.monotonic() - started:.0f} s"
        request.node.user_properties.append(("journey", f"{took}\n{world.journey.table()}"))
    assert not world.journey.problems, "\n".join(world.journey.problems)


def _member_id(app, mobile):
    from resalat_core.members.services import find_member

    with app.app_context():
        return find_member(app.extensions["resalat"].db.session(), mobile).id


def _expected_tiles(app, mobile):
    """The tiles and nav links the app gives this member now (what her home page must show)."""
    from resalat_core.members.models import Member
    from resalat_core.plugins.activation import region_hook
    from resalat_core.web.views import home_tiles

    with app.test_request_context("/"):
        session = app.extensions["resalat"].db.session()
        member = session.get(Member, _member_id(app, mobile))
        tiles = {str(t.url) for t in home_tiles(member)}
        nav = {str(i.url) for r in region_hook("resalat_nav_items", member)(member=member) for i in r or []}
        answering = {i.plugin_name for i in region_hook("resalat_tiles", member).get_hookimpls()}
        session.rollback()
    return tiles, nav, answering


def _visit_every_sub_system(walker, links, *, absent: str | None = None):
    """Open each link after the one sign-in: none asks to sign in again; with ``absent``, no page
    shows a link into that module's pages."""
    for href in sorted(links):
        walker.open(href)
        assert "/auth/login" not in walker.path(), f"{href} asked to sign in again"
        if absent:
            shown = walker.page.locator(f'a[href^="{absent}"]').count()
            assert not shown, f"{walker.path()} still links to {absent}"


def test_one_sign_in_reaches_every_sub_system(demo_app, live_server, _playwright_browser):
    """Maryam signs in once; every tile of her home page and every link of the bar opens its
    sub-system's page, in Persian, at phone width, without asking her to sign in again."""
    world = steps.World(_playwright_browser, live_server, demo_app)
    world.journey.begin("one sign-in, every sub-system")
    try:
        member = world.person("member", steps.MEMBER)
        tiles, nav, _answering = _expected_tiles(demo_app, steps.MEMBER)
        shown = {a.get_attribute("href") for a in member.page.locator("a.tile").all()}
        bar = {a.get_attribute("href") for a in member.page.locator("nav [data-nav]").all()}
        assert shown == tiles and bar == nav
        owners = {h.strip("/").split("/")[0] for h in tiles | nav}
        assert len(owners) >= len(USED) - 4, owners  # a tile for (nearly) every sub-system
        _visit_every_sub_system(member, tiles | nav)
    finally:
        world.close()
    assert not world.journey.problems, "\n".join(world.journey.problems)


def test_a_module_switched_off_for_a_province_vanishes_there_and_comes_back(
    demo_app, live_server, _playwright_browser
):
    """The admin switches counselling off for Zanjan on the modules page: for Maryam (Gorg Tappeh,
    Zanjan) it leaves her home, her bar and every page, its pages and API answer 404 and its hooks
    are not asked; a Tehran member still has it; switched on again, it is back."""
    from resalat_core.testing import token_client

    world = steps.World(_playwright_browser, live_server, demo_app)
    world.journey.begin("a module off in a province")
    maryam_id = _member_id(demo_app, steps.MEMBER)
    api = token_client(demo_app, maryam_id)
    tehrani = token_client(demo_app, _member_id(demo_app, steps.SUPPORTER))
    try:
        admin = world.person("admin", steps.ADMIN)
        admin.open("/admin")
        admin.click('[data-testid="modules-link"]')
        admin.choose("#f-region", "zanjan")
        admin.click('[data-testid="show-province"]')
        admin.click('[data-testid="switch-counseling"]')
        admin.sees("خاموش")

        tiles, nav, answering = _expected_tiles(demo_app, steps.MEMBER)
        assert "counseling" not in answering
        assert not any(h.startswith("/counseling") for h in tiles | nav)
        member = world.person("member", steps.MEMBER)
        assert not member.page.locator('a[href^="/counseling"]').count()
        _visit_every_sub_system(member, tiles | nav, absent="/counseling")
        response = member.page.goto(live_server + "/counseling/")
        assert response.status == 404
        assert api.get("/api/v1/counseling/counselors").status_code == 404
        assert tehrani.get("/api/v1/counseling/counselors").status_code == 200

        admin.click('[data-testid="switch-counseling"]')
        admin.sees("روشن")
        tiles, _nav, answering = _expected_tiles(demo_app, steps.MEMBER)
        assert "counseling" in answering and any(h.startswith("/counseling") for h in tiles)
        member.open("/")
        member.tile("/counseling")
        assert api.get("/api/v1/counseling/counselors").status_code == 200
    finally:
        world.close()
    assert not world.journey.problems, "\n".join(world.journey.problems)
