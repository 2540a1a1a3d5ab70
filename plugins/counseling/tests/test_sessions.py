"""Around a session: its thread (only its two sides), the counsellor's summary, the member's one
rating after it, reminders once, a guide booking for a member of their area, and who is told."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from resalat_counseling import services
from resalat_counseling.models import Booking, Counselor
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import token_client, work

from .conftest import at

API = "/api/v1/counseling"


def test_only_the_member_and_the_counsellor_read_and_write_the_thread(app, make_member, counselor, book):
    maryam = make_member()
    booking = book(maryam, counselor, at(3, 10))
    member_api, counsel_api = token_client(app, maryam), token_client(app, counselor.member_id)
    stranger = token_client(app, make_member())
    url = f"{API}/bookings/{booking}/messages"
    assert member_api.post(url, json={"body": "سلام، عکس فرش‌ها را می‌فرستم."}).status_code == 201
    assert counsel_api.post(url, json={"body": "سلام، ممنون."}).status_code == 201
    assert member_api.post(url, json={"body": "   "}).status_code == 400
    for n in range(3):
        member_api.post(url, json={"body": f"پیام {n}"})
    page = counsel_api.get(url, query_string={"per_page": 2}).get_json()
    assert page["meta"] == {"page": 1, "per_page": 2, "total": 5, "pages": 3}
    assert page["items"][0]["body"] == "پیام 2"
    # A third member: the booking, its thread and its page do not exist for them.
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, json={"body": "فضول"}).status_code == 404
    assert stranger.get(f"{API}/bookings/{booking}").status_code == 404
    with work(app) as s:
        from resalat_core.sdk import Member

        stranger_id = s.scalar(select(Member.id).order_by(Member.id.desc()))
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    page_client = app.test_client().sign_in(stranger_id)
    assert page_client.get(f"/counseling/bookings/{booking}").status_code == 404


def test_only_the_counsellor_writes_the_summary_once_the_session_started(
    app, make_member, counselor, book, starts_in, booking_of
):
    maryam = make_member()
    booking = book(maryam, counselor, at(3, 10))
    member_api, counsel_api = token_client(app, maryam), token_client(app, counselor.member_id)
    url = f"{API}/bookings/{booking}/summary"
    early = counsel_api.put(url, json={"summary": "خلاصه"})
    assert early.status_code == 400 and early.get_json()["error"]["code"] == "not_started"
    starts_in(booking, -0.5)  # the session has started
    assert member_api.put(url, json={"summary": "من می‌نویسم"}).status_code == 403
    written = counsel_api.put(url, json={"summary": "<script>alert(1)</script> حساب جدا باز شود."})
    assert written.status_code == 200
    html = app.test_client().sign_in(maryam).get(f"/counseling/bookings/{booking}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; حساب جدا باز شود." in html
    assert "<script>alert(1)" not in html
    assert booking_of(booking)["summary"].endswith("حساب جدا باز شود.")


def test_the_member_rates_once_after_the_session_and_the_average_follows(
    app, make_member, counselor, book, starts_in
):
    maryam, neighbour = make_member(), make_member()
    first, second = book(maryam, counselor, at(3, 10)), book(neighbour, counselor, at(3, 11))
    member_api = token_client(app, maryam)
    url = f"{API}/bookings/{first}/rating"
    before = member_api.post(url, json={"rating": 5})
    assert before.status_code == 400 and before.get_json()["error"]["code"] == "not_over"
    starts_in(first, -24)
    starts_in(second, -23)
    assert token_client(app, counselor.member_id).post(url, json={"rating": 5}).status_code == 403
    assert member_api.post(url, json={"rating": 6}).status_code == 400
    assert member_api.post(url, json={"rating": "5"}).status_code == 400
    assert member_api.post(url, json={"rating": 5, "comment": "عالی"}).status_code == 200
    assert member_api.post(url, json={"rating": 1}).status_code == 409
    assert (
        token_client(app, neighbour).post(f"{API}/bookings/{second}/rating", json={"rating": 2}).status_code
        == 200
    )
    shown = member_api.get(f"{API}/counselors/{counselor.id}").get_json()
    assert (shown["rating"], shown["rating_count"]) == (3.5, 2)
    with work(app) as s:
        assert s.get(Counselor, counselor.id).rating_sum == 7


def test_reminders_go_once_per_booking(app, make_member, counselor, book, booking_of, place):
    soon = book(make_member(), counselor, at(3, 10))
    later = book(make_member(), counselor, at(6, 10))
    place(soon, services.now() + timedelta(hours=5))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["counseling", "remind", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"due": 1, "reminded": 1}
    again = runner.invoke(args=["counseling", "remind", "--json"])
    assert json.loads(again.stdout) == {"due": 0, "reminded": 0}
    assert booking_of(soon)["reminded_at"] is not None and booking_of(later)["reminded_at"] is None
    bad = runner.invoke(args=["counseling", "remind", "--now", "yesterday"])
    assert bad.exit_code == 1


def test_a_guide_books_for_a_member_of_their_area_only(guide_role, app, make_member, counselor, booking_of):
    guide = token_client(app, make_member(guide_role, region="zanjan/zanjan"))
    zanjani = make_member(region="zanjan/abhar")
    yazdi = make_member(region="yazd/meybod")
    with work(app) as s:
        mobiles = {m: s.get(Member, m).mobile for m in (zanjani, yazdi)}
    body = {"counselor_id": counselor.id, "topic_id": counselor.topic_ids[0], "starts_at": _rfc(at(3, 10))}
    outside = guide.post(
        f"{API}/bookings", json={**body, "member": mobiles[yazdi]}, headers={"Idempotency-Key": "g1"}
    )
    assert outside.status_code == 400 and outside.get_json()["error"]["code"] == "outside_area"
    unknown = guide.post(
        f"{API}/bookings", json={**body, "member": "09999999999"}, headers={"Idempotency-Key": "g2"}
    )
    assert unknown.status_code == 400
    with work(app) as s:
        assert s.scalar(select(func.count(Booking.id))) == 0
    made = guide.post(
        f"{API}/bookings", json={**body, "member": mobiles[zanjani]}, headers={"Idempotency-Key": "g3"}
    )
    assert made.status_code == 201, made.get_json()
    assert booking_of(made.get_json()["id"])["member_id"] == zanjani
    # The member sees it in their bookings; a plain member cannot book for others.
    member_api = token_client(app, zanjani)
    assert member_api.get(f"{API}/bookings").get_json()["meta"]["total"] == 1
    plain = member_api.post(
        f"{API}/bookings",
        json={**body, "starts_at": _rfc(at(4, 10)), "member": mobiles[yazdi]},
        headers={"Idempotency-Key": "m1"},
    )
    assert plain.status_code == 400


def test_the_guide_page_finds_members_of_the_area(guide_role, app, client_as, make_member):
    guide = client_as(guide_role, region="zanjan/zanjan")
    with work(app) as s:
        from resalat_core.sdk import Member

        near = s.get(Member, make_member(region="zanjan/abhar", name="سکینه کریمی")).mobile
        far = s.get(Member, make_member(region="yazd/meybod")).mobile
    assert "سکینه کریمی" in guide.get(f"/counseling/book-for?member={near}").get_data(as_text=True)
    assert guide.get(f"/counseling/book-for?member={far}").status_code == 400
    assert client_as().get("/counseling/book-for").status_code == 403


def _rfc(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00Z")


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def with_probe(make_app):
    """The app with a probe plugin that keeps what is sent to members (no notifications plugin)."""
    sys.path.insert(0, str(FIXTURES))
    try:
        from probe import SENT, plugin

        SENT.clear()
        app = make_app(extra_plugins={"probe": plugin})
        switched = app.test_cli_runner().invoke(args=["modules", "enable", "probe", "--all"])
        assert switched.exit_code == 0, switched.output
        yield app
    finally:
        sys.path.remove(str(FIXTURES))


def test_each_side_is_told(with_probe):
    from probe import SENT
    from resalat_counseling import services

    from resalat_core.sdk import Member
    from resalat_core.testing import Roles

    make = Roles(with_probe)
    counsel_id = make("counselor", region="yazd/ardakan")
    with with_probe.app_context():  # not the guide_role fixture: its app would empty the tables
        from resalat_core.sdk import vocabulary

        guide_role = "guide" if vocabulary().role("guide") else "admin"
    maryam, guide = make(), make(guide_role, region="zanjan/zanjan")
    from datetime import time

    with work(with_probe) as s:
        counsel = s.get(Member, counsel_id)
        topic = services.add_topic(s, counsel, "بازاریابی", "")
        for weekday in range(7):
            services.add_hours(s, counsel, weekday, time(8), time(20), 60, "online")
        profile = services.counselor_of(s, counsel)
        args = {"counselor_id": profile.id, "topic_id": topic.id, "need": ""}
        member = s.get(Member, maryam)
        own = services.book(s, member, starts_at=at(3, 10), key="a", **args)
        services.book(s, s.get(Member, guide), starts_at=at(3, 11), key="b", member=member, **args)
        services.add_note(s, member, own.id, "سلام")
        services.cancel(s, counsel, own.id, "بیمارم")
    mine = [(m, message.kind.kind) for m, message in SENT if message.source == "counseling"]
    assert mine == [
        (counsel_id, "booked"),
        (maryam, "booked_for_you"),
        (counsel_id, "booked"),
        (counsel_id, "note"),
        (maryam, "cancelled"),
    ]


def test_a_guide_books_for_a_member_on_the_pages(guide_role, app, client_as, make_member, counselor):
    guide = client_as(guide_role, region="zanjan/zanjan")
    member_id = make_member(region="zanjan/abhar", name="سکینه کریمی")
    with work(app) as s:
        mobile = s.get(Member, member_id).mobile
    found = guide.get(f"/counseling/book-for?member={mobile}").get_data(as_text=True)
    assert f"/counseling/counselors/{counselor.id}?for={mobile}" in found
    slot = at(3, 10).strftime("%Y-%m-%dT%H:%M")
    form_page = f"/counseling/counselors/{counselor.id}/book?at={slot}&for={mobile}"
    assert mobile in guide.get(form_page).get_data(as_text=True)
    data = {"at": slot, "topic_id": counselor.topic_ids[0], "need": "", "key": "g-1", "for": mobile}
    review = guide.form(f"/counseling/counselors/{counselor.id}/book", data, token_from=form_page)
    assert review.status_code == 200 and "سکینه کریمی" in review.get_data(as_text=True)
    done = guide.form(
        f"/counseling/counselors/{counselor.id}/book", {**data, "step": "confirm"}, token_from=form_page
    )
    assert done.status_code == 302
    with work(app) as s:
        booking = s.scalar(select(Booking))
        assert (booking.member_id, booking.booked_by_id) == (member_id, guide.member_id)
    # A plain member who types a mobile into the form is refused and nothing is written.
    plain = client_as(region="zanjan/abhar")
    refused = plain.form(
        f"/counseling/counselors/{counselor.id}/book",
        {**data, "key": "p-1", "at": at(4, 10).strftime("%Y-%m-%dT%H:%M"), "step": "confirm"},
        token_from=form_page,
    )
    assert refused.status_code == 400
    with work(app) as s:
        assert s.scalar(select(func.count(Booking.id))) == 1
