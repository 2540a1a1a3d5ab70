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


@pytest.fixture
def demo_app(app):
    from resalat_core.demo import load_demo

    with app.app_context():
        session = app.extensions["resalat"].db.session
        load_demo(app, session)
        session.commit()
        app.extensions["resalat"].db.session.remove()
    return app


def test_a_core_s_journey_through_the_pages(demo_app, live_server, _playwright_browser, capsys):
    world = steps.World(_playwright_browser, live_server, demo_app)
    started = time.monotonic()
    try:
        for step in steps.STEPS:
            step(world)
    finally:
        world.close()
        with capsys.disabled():
            print(f"\nthe journey in {time.monotonic() - started:.0f} s\n{world.journey.table()}")
    assert not world.journey.problems, "\n".join(world.journey.problems)
