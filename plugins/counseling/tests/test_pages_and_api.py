"""The pages and the API around the bookings: the counsellor's hours editor and calendar, lists
that cost the same queries at any length, the tile and next steps, the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import jdatetime
from resalat_counseling import services
from resalat_counseling.models import DayOff, Hours

from resalat_core.sdk import Member
from resalat_core.testing import token_client, work

from .conftest import at

API = "/api/v1/counseling"


def test_a_counsellor_sets_up_profile_topics_hours_and_a_day_off_on_the_page(app, client_as):
    me = client_as("counselor", region="yazd/ardakan")
    assert me.get("/counseling/hours").status_code == 200
    assert "no-profile" in me.get("/counseling/calendar").get_data(as_text=True)
    assert (
        me.form(
            "/counseling/hours/profile",
            {"bio": "مشاور", "languages": "فارسی"},
            token_from="/counseling/hours",
        ).status_code
        == 302
    )
    assert (
        me.form(
            "/counseling/hours/topics",
            {"title": "بازاریابی", "description": ""},
            token_from="/counseling/hours",
        ).status_code
        == 302
    )
    added = me.form(
        "/counseling/hours/add",
        {"weekday": "5", "starts": "۰۹:۰۰", "ends": "۱۲:۰۰", "slot_minutes": "۴۵", "mode": "online"},
        token_from="/counseling/hours",
    )
    assert added.status_code == 302
    bad = me.form(
        "/counseling/hours/add",
        {"weekday": "5", "starts": "نه", "ends": "12:00", "slot_minutes": "45", "mode": "online"},
        token_from="/counseling/hours",
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    day = services.tehran_day(services.now()) + timedelta(days=5)
    jalali = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    assert (
        me.form("/counseling/hours/days-off", {"day": jalali}, token_from="/counseling/hours").status_code
        == 302
    )
    assert (
        me.form(
            "/counseling/hours/days-off", {"day": "1400/13/40"}, token_from="/counseling/hours"
        ).status_code
        == 400
    )
    with work(app) as s:
        assert [(h.weekday, h.slot_minutes) for h in s.query(Hours)] == [(5, 45)]
        assert [d.day for d in s.query(DayOff)] == [day]
    page = me.get("/counseling/hours").get_data(as_text=True)
    assert "بازاریابی" in page and "۰۹:۰۰" in page


def test_a_plain_member_has_no_calendar_nor_hours(client_as, api_as):
    member = client_as()
    assert member.get("/counseling/calendar").status_code == 403
    assert member.get("/counseling/hours").status_code == 403
    assert api_as().get(f"{API}/availability").status_code == 403


def test_the_calendar_lists_the_week_by_day(app, make_member, counselor, book):
    book(make_member(name="مریم احمدی"), counselor, at(2, 10))
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    me = app.test_client().sign_in(counselor.member_id)
    html = me.get("/counseling/calendar").get_data(as_text=True)
    assert html.count('data-testid="calendar-day"') == 7
    assert "مریم احمدی" in html and "۱۰:۰۰" in html
    assert me.get("/counseling/calendar?week=1").status_code == 200
    assert me.get("/counseling/calendar?week=x").status_code == 400


def test_lists_cost_the_same_queries_however_long(app, make_counselor, make_member, book, count_queries):
    maryam = make_member()
    api = token_client(app, maryam)

    def measure() -> tuple[int, int, int]:
        with count_queries() as q1:
            assert api.get(f"{API}/counselors").status_code == 200
        with count_queries() as q2:
            assert api.get(f"{API}/bookings").status_code == 200
        with count_queries() as q3:
            assert api.get("/counseling/bookings").status_code == 200
        return q1.count, q2.count, q3.count

    # Counsellors and bookings in different places: nothing is read once per row.
    places = ["yazd/ardakan", "yazd/meybod", "zanjan/abhar", "tehran/tehran", "zanjan/zanjan", "yazd/taft"]
    for n in range(2):
        book(maryam, make_counselor(name="مشاور", region=places[n]), at(2 + n, 10))
    measure()  # the first request of a token also notes its use
    few = measure()
    for n in range(4):
        book(maryam, make_counselor(name="مشاور", region=places[2 + n]), at(4 + n, 10))
    assert measure() == few


def test_the_api_shows_slots_and_hours(app, counselor):
    api = token_client(app, counselor.member_id)
    slots = api.get(f"{API}/counselors/{counselor.id}/slots", query_string={"per_page": 5}).get_json()
    assert len(slots["items"]) == 5 and slots["meta"]["total"] > 100
    hours = api.get(f"{API}/availability").get_json()
    assert len(hours) == 7 and hours[0]["starts"] == "08:00"
    bad = api.post(
        f"{API}/availability", json={"weekday": 7, "starts": "08:00", "ends": "09:00", "slot_minutes": 60}
    )
    assert bad.status_code == 400
    clash = api.post(
        f"{API}/availability", json={"weekday": 1, "starts": "09:00", "ends": "10:00", "slot_minutes": 60}
    )
    assert clash.status_code == 400
    assert api.delete(f"{API}/availability/{hours[0]['id']}").status_code == 204
    assert api.delete(f"{API}/availability/{hours[0]['id']}").status_code == 404


def test_home_shows_the_tile_and_the_session_coming(app, make_member, counselor, book, place):
    maryam = make_member()
    booking = book(maryam, counselor, at(3, 10))
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    client = app.test_client().sign_in(maryam)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/counseling/"' in home
    assert f'href="/counseling/bookings/{booking}"' not in home  # in three days: not yet
    place(booking, services.now() + timedelta(hours=3))
    assert f'href="/counseling/bookings/{booking}"' in client.get("/").get_data(as_text=True)
    # Once it is over: the counsellor has a summary to write, the member a rating to give.
    place(booking, services.now() - timedelta(hours=2))
    assert f'href="/counseling/bookings/{booking}"' in client.get("/").get_data(as_text=True)
    counsel = app.test_client().sign_in(counselor.member_id)
    assert f'href="/counseling/bookings/{booking}"' in counsel.get("/").get_data(as_text=True)


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    mine = {p for p in paths if p.startswith(API)}
    assert f"{API}/bookings" in mine and f"{API}/counselors/{{counselor_id}}/slots" in mine
    assert all(op["tags"] == ["counseling"] for p in mine for op in paths[p].values())


def test_switched_off_it_answers_404(app, client_as, counselor):
    member = client_as()
    result = app.test_cli_runner().invoke(args=["modules", "disable", "counseling", "--all"])
    assert result.exit_code == 0, result.output
    assert member.get("/counseling/").status_code == 404
    assert 'href="/counseling/"' not in member.get("/").get_data(as_text=True)
    with work(app) as s:
        assert s.get(Member, counselor.member_id) is not None
