"""Booking: confirmed first, once per key, no double booking, no overlapping sessions of a
member, no past or unavailable slots; cancelling and moving before the cut-off."""

from __future__ import annotations

import pytest
from resalat_counseling.models import Booking
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict
from resalat_core.testing import work

from .conftest import at

API = "/api/v1/counseling"


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def rfc(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00Z")


def count_bookings(app) -> int:
    with work(app) as s:
        return s.scalar(select(func.count(Booking.id)).where(Booking.status == "booked")) or 0


def test_a_member_reviews_then_confirms_and_sees_it_in_my_bookings(app, client_as, counselor):
    maryam = client_as()
    profile = maryam.get(f"/counseling/counselors/{counselor.id}").get_data(as_text=True)
    slot = stamp(at(2, 10))
    assert f"at={slot}" in profile
    assert maryam.get(f"/counseling/counselors/{counselor.id}/book?at={slot}").status_code == 200
    data = {"at": slot, "topic_id": counselor.topic_ids[1], "need": "<b>قیمت</b> فرش", "key": "form-1"}
    form_page = f"/counseling/counselors/{counselor.id}/book?at={slot}"
    review = maryam.form(f"/counseling/counselors/{counselor.id}/book", data, token_from=form_page)
    assert review.status_code == 200
    assert 'data-testid="book-preview"' in review.get_data(as_text=True)
    assert "&lt;b&gt;قیمت&lt;/b&gt;" in review.get_data(as_text=True)
    assert count_bookings(app) == 0  # the review writes nothing
    confirm = {**data, "step": "confirm"}
    done = maryam.form(f"/counseling/counselors/{counselor.id}/book", confirm, token_from=form_page)
    assert done.status_code == 302 and "/counseling/bookings/" in done.location
    again = maryam.form(f"/counseling/counselors/{counselor.id}/book", confirm, token_from=form_page)
    assert again.status_code == 302 and again.location == done.location  # a double tap books once
    mine = maryam.get("/counseling/bookings").get_data(as_text=True)
    assert "حسابداری خانوادگی" in mine
    assert count_bookings(app) == 1


def test_the_same_key_books_once_and_the_api_lists_it(api_as, counselor):
    api = api_as()
    body = {"counselor_id": counselor.id, "topic_id": counselor.topic_ids[0], "starts_at": rfc(at(2, 9))}
    first = api.post(f"{API}/bookings", json=body, headers={"Idempotency-Key": "a"})
    again = api.post(f"{API}/bookings", json=body, headers={"Idempotency-Key": "a"})
    assert (first.status_code, again.status_code) == (201, 201), first.get_json()
    assert first.get_json() == again.get_json()
    listed = api.get(f"{API}/bookings").get_json()
    assert listed["meta"]["total"] == 1 and listed["items"][0]["starts_at"] == rfc(at(2, 9)).replace(
        "Z", "+00:00"
    )


def test_a_slot_already_booked_is_a_409_and_changes_nothing(app, api_as, counselor):
    body = {"counselor_id": counselor.id, "topic_id": counselor.topic_ids[0], "starts_at": rfc(at(2, 9))}
    assert api_as().post(f"{API}/bookings", json=body, headers={"Idempotency-Key": "x"}).status_code == 201
    late = api_as().post(f"{API}/bookings", json=body, headers={"Idempotency-Key": "y"})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "slot_taken"
    assert count_bookings(app) == 1


def test_a_member_cannot_hold_two_sessions_at_once(make_counselor, make_member, book):
    one, two = make_counselor(), make_counselor(name="مشاور دوم")
    maryam = make_member()
    book(maryam, one, at(3, 10))
    with pytest.raises(BadInput) as refused:
        book(maryam, two, at(3, 10))
    assert refused.value.code == "member_busy"


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (lambda: at(-1, 10), "past_slot"),
        (lambda: at(2, 3), "not_available"),  # 03:00 is outside 08–20
        (lambda: at(2, 10, 30), "not_available"),  # not a slot's start
        (lambda: at(30, 10), "not_available"),  # beyond the days offered
    ],
)
def test_a_past_or_unavailable_slot_is_refused(app, counselor, make_member, book, when, code):
    with pytest.raises(BadInput) as refused:
        book(make_member(), counselor, when())
    assert refused.value.code == code
    assert count_bookings(app) == 0


def test_bad_api_bodies_are_400s_that_name_the_field(app, api_as, counselor):
    api = api_as()
    good = {"counselor_id": counselor.id, "topic_id": counselor.topic_ids[0], "starts_at": rfc(at(2, 9))}
    for n, body in enumerate(
        (
            {},
            {**good, "starts_at": "tomorrow"},
            {**good, "starts_at": stamp(at(2, 9))},  # no offset: which time would it be?
            {**good, "topic_id": 2**31},
            {**good, "topic_id": 999_999},
            {**good, "counselor_id": "x"},
            {**good, "need": "x" * 2001},
        )
    ):
        response = api.post(f"{API}/bookings", json=body, headers={"Idempotency-Key": f"b{n}"})
        assert response.status_code in (400, 404), (body, response.get_json())
    assert count_bookings(app) == 0


def test_either_side_cancels_before_the_cut_off_with_a_reason(
    app, client_as, counselor, book, booking_of, starts_in
):
    maryam = client_as()
    booking = book(maryam.member_id, counselor, at(3, 10))
    url = f"/counseling/bookings/{booking}"
    assert maryam.form(f"{url}/cancel", {"reason": "  "}, token_from=url).status_code == 400
    assert booking_of(booking)["status"] == "booked"
    starts_in(booking, 3)  # now it starts in a few hours: too late
    late = maryam.form(f"{url}/cancel", {"reason": "بیمارم"}, token_from=url)
    assert late.status_code == 400 and booking_of(booking)["status"] == "booked"
    starts_in(booking, 72)
    assert maryam.form(f"{url}/cancel", {"reason": "بیمارم"}, token_from=url).status_code == 302
    assert booking_of(booking)["status"] == "cancelled"
    # The slot is free again, for anyone.
    assert book(client_as().member_id, counselor, at(3, 10))


def test_the_counsellor_moves_a_session_and_the_old_slot_is_free(
    app, make_member, counselor, book, booking_of
):
    from resalat_core.testing import token_client

    maryam = make_member()
    booking = book(maryam, counselor, at(3, 10))
    api = token_client(app, counselor.member_id)
    moved = api.post(f"{API}/bookings/{booking}/move", json={"starts_at": rfc(at(4, 11))})
    assert moved.status_code == 200, moved.get_json()
    assert booking_of(booking)["starts_at"] == at(4, 11)
    assert book(make_member(), counselor, at(3, 10))
    taken = book(make_member(), counselor, at(5, 9))
    clash = api.post(f"{API}/bookings/{booking}/move", json={"starts_at": rfc(at(5, 9))})
    assert clash.status_code == 409 and taken
    stranger = token_client(app, make_member())
    assert (
        stranger.post(f"{API}/bookings/{booking}/move", json={"starts_at": rfc(at(6, 9))}).status_code == 404
    )


def test_a_second_cancel_is_a_409(app, api_as, counselor, book):
    api = api_as()
    booking = book(api.member_id, counselor, at(3, 10))
    assert api.post(f"{API}/bookings/{booking}/cancel", json={"reason": "کار پیش آمد"}).status_code == 200
    assert api.post(f"{API}/bookings/{booking}/cancel", json={"reason": "کار پیش آمد"}).status_code == 409


def test_booking_yourself_or_a_topic_of_another_is_refused(make_counselor, make_member, book):
    one, two = make_counselor(), make_counselor(name="مشاور دوم")
    with pytest.raises(BadInput):
        book(one.member_id, one, at(3, 10))
    mixed = type(one)(one.member_id, one.id, two.topic_ids)
    with pytest.raises(BadInput):
        book(make_member(), mixed, at(3, 10))
    assert Conflict  # imported for the reader: a taken slot is a Conflict, tested above


def test_a_time_at_the_edge_of_the_calendar_is_a_400(api_as, counselor):
    api = api_as()
    body = {
        "counselor_id": counselor.id,
        "topic_id": counselor.topic_ids[0],
        "starts_at": "0001-01-01T00:00:00+01:00",
    }
    assert api.post(f"{API}/bookings", json=body, headers={"Idempotency-Key": "edge"}).status_code == 400


def test_the_keyed_figure_counts_the_sessions_booked_where_members_live(
    app, counselor, make_member, book, count_queries
):
    from resalat_counseling import hooks

    from resalat_core.sdk import get_region, ids_under

    def figures(region=None):
        with work(app) as s, count_queries() as q:
            area = None if region is None else ids_under(s, [get_region(s, region)])
            found = {f.key: f.value for f in hooks.resalat_stats(session=s, area=area)}
        return found, q.count

    book(make_member(), counselor, at(2, 10))
    small, few = figures()
    for hour in (11, 12):
        book(make_member(region="yazd/ardakan"), counselor, at(2, hour))
    large, many = figures()

    assert small == {"sessions_booked": 1} and large == {"sessions_booked": 3}
    assert figures("yazd")[0] == {"sessions_booked": 2}
    assert few == many
