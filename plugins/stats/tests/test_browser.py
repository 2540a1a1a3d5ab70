"""A visitor reads the achievements on a 390 px phone: right to left, charts, a province, nothing spills."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from resalat_stats import services

from resalat_core.sdk import today_in_iran
from resalat_core.testing import assert_accessible, layout_problems

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def test_a_visitor_reads_the_figures_and_picks_a_province_on_a_phone(
    app: Flask, live_server: str, page: object, _probe_values: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "public_names", lambda: ["stats_probe.members", "stats_probe.lent_rials"])
    with app.app_context():
        session = app.extensions["resalat"].db.session
        for back, value in ((62, 900), (31, 1100), (0, 1234)):
            _probe_values.update(members=value, lent_rials=value * 1_000_000)
            services.refresh(session, today_in_iran() - timedelta(days=back))
        session.commit()
    page.set_viewport_size(PHONE)  # type: ignore[attr-defined]
    page.goto(f"{live_server}/stats/")  # type: ignore[attr-defined]

    assert page.locator("html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
    assert page.locator("[data-testid='chart-stats_probe.members'] rect").count() >= 2  # type: ignore[attr-defined]
    row = page.locator("[data-key='stats_probe.members']").inner_text()  # type: ignore[attr-defined]
    assert "۱٬۲۳۴" in row
    assert layout_problems(page, 390) == []
    assert_accessible(page, "/stats/")

    page.select_option("#stats-region", "zanjan")  # type: ignore[attr-defined]
    page.locator("[data-testid=stats-picker] button[type=submit]").click()  # type: ignore[attr-defined]
    page.wait_for_url("**region=zanjan**")  # type: ignore[attr-defined]
    assert page.locator("[data-key='stats_probe.members']").count() == 1  # type: ignore[attr-defined]
    assert layout_problems(page, 390) == []
    assert_accessible(page, "/stats/?region=zanjan")
