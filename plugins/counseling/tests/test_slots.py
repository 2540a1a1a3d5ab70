"""Free slots: weekly hours in Tehran's time, stored in UTC, minus days off, bookings and the past."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from resalat_counseling import services

from resalat_core.sdk import BadInput, Member
from resalat_core.testing import work

from .conftest import at


def test_tehran_hours_become_utc_slots(app, make_member):
    member_id = make_member("counselor", region="yazd/ardakan")
    with work(app) as s:
        member = s.get(Member, member_id)
        services.add_topic(s, member, "بازاریابی", "")
        day = services.tehran_day(services.now()) + timedelta(days=3)
        services.add_hours(s, member, day.weekday(), time(9), time(11), 45, "online")
        profile = services.counselor_of(s, member)
        slots = [x for x in services.free_slots(s, profile) if x.day == day]
    # Tehran is UTC+3:30 all year (no daylight saving since 2022): 09:00 is 05:30 UTC. Two
    # sessions of 45 minutes fit in 09:00–11:00; the third would end past 11:00.
    assert [(x.starts_at.time(), x.ends_at.time()) for x in slots] == [
        (time(5, 30), time(6, 15)),
        (time(6, 15), time(7, 0)),
    ]
    assert slots[0].starts_at == datetime.combine(day, time(5, 30))


def test_days_off_bookings_and_the_past_leave_the_slots(app, counselor, make_member, book):
    maryam = make_member()
    book(maryam, counselor, at(2, 10))
    with work(app) as s:
        member = s.get(Member, counselor.member_id)
        services.add_day_off(s, member, services.tehran_day(services.now()) + timedelta(days=3))
        profile = services.counselor_of(s, member)
        slots = services.free_slots(s, profile)
    starts = {x.starts_at for x in slots}
    days = {x.day for x in slots}
    today = services.tehran_day(services.now())
    assert at(2, 10) not in starts and at(2, 11) in starts
    assert today + timedelta(days=3) not in days and today + timedelta(days=4) in days
    assert min(starts) > services.now() + timedelta(minutes=60)
    assert max(days) == today + timedelta(days=13)  # 14 days ahead, today included


def test_hours_that_overlap_or_end_before_they_start_are_refused(app, counselor):
    with work(app) as s:
        member = s.get(Member, counselor.member_id)
        with pytest.raises(BadInput):
            services.add_hours(s, member, 0, time(9), time(10), 60, "online")  # overlaps 08–20
        with pytest.raises(BadInput):
            services.add_hours(s, member, 0, time(22), time(21), 60, "online")
        with pytest.raises(BadInput):
            services.add_hours(s, member, 0, time(21), time(21, 30), 60, "online")  # no room
        with pytest.raises(BadInput):
            services.add_hours(s, member, 0, time(21), time(23), 60, "by_post")


def test_a_day_off_with_sessions_booked_is_refused(app, counselor, make_member, book):
    book(make_member(), counselor, at(2, 10))
    with work(app) as s:
        member = s.get(Member, counselor.member_id)
        with pytest.raises(BadInput) as refused:
            services.add_day_off(s, member, services.tehran_day(services.now()) + timedelta(days=2))
    assert "day" in refused.value.fields


def test_a_member_who_does_not_counsel_has_no_hours(app, make_member):
    member_id = make_member()
    with work(app) as s:
        from resalat_core.sdk import NotAllowed

        with pytest.raises(NotAllowed):
            services.add_topic(s, s.get(Member, member_id), "x", "")
