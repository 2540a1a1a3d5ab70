"""Switched off for a region, notifications vanish there: no inbox, no API, no badge, no delivery."""

from __future__ import annotations

import pytest
from resalat_fixture_sender.messages import ORDER_SHIPPED

MEETING = ORDER_SHIPPED()


@pytest.fixture
def switch_off_in_zanjan(app):
    def switch() -> None:
        result = app.test_cli_runner().invoke(
            args=["modules", "disable", "notifications", "--region", "zanjan", "--with-dependants"]
        )
        assert result.exit_code == 0, result.output

    return switch


def test_off_in_zanjan_means_no_inbox_api_badge_or_delivery_there(
    reader_as, api_reader_as, fill_inbox, notify_member, switch_off_in_zanjan
):
    maryam = reader_as("member", region="zanjan/gorg-tappeh")
    maryam_api = api_reader_as("member", region="zanjan/zanjan")
    fill_inbox(maryam.member_id, 2)
    assert 'data-testid="nav-badge"' in maryam.get("/").get_data(as_text=True)

    switch_off_in_zanjan()

    assert maryam.get("/notifications/").status_code == 404
    (first,) = fill_inbox(maryam_api.member_id)
    for answer in (
        maryam_api.get("/api/v1/notifications"),
        maryam_api.get("/api/v1/notifications/unread-count"),
        maryam_api.get(f"/api/v1/notifications/{first}"),
        maryam_api.post("/api/v1/notifications/mark-read", json={"ids": [first]}),
        maryam_api.post("/api/v1/notifications/read-all"),
    ):
        assert answer.status_code == 404
        assert answer.get_json()["error"]["code"] == "not_found"
    home = maryam.get("/").get_data(as_text=True)
    assert 'data-testid="nav-badge"' not in home
    assert 'href="/notifications/"' not in home
    assert notify_member(maryam.member_id, MEETING) is None


def test_off_in_zanjan_still_delivers_in_tehran(reader_as, notify_member, switch_off_in_zanjan):
    reza = reader_as("member", region="tehran/tehran")

    switch_off_in_zanjan()

    assert notify_member(reza.member_id, MEETING) is not None
    assert reza.get("/notifications/").status_code == 200
    assert "سفارش شما ارسال شد" in reza.get("/notifications/").get_data(as_text=True)
