"""A member's own data in counselling: the member's sessions (with what they wrote) are in their
copy; a session to come stops the member and the counsellor closing until it is cancelled; closing
blanks the need, summary, comment and notes, keeping the session's date and state."""

from __future__ import annotations

from resalat_counseling import mydata, services
from resalat_counseling.models import Booking, CounselNote
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import work

from .conftest import at


def test_a_session_to_come_stops_both_until_it_is_cancelled(app, counselor, make_member, book):
    maryam = make_member(name="مریم احمدی", region="yazd/ardakan")
    booking = book(maryam, counselor, at(2, 10))
    with app.test_request_context(), work(app) as s:
        [hers] = mydata.resalat_closing_blockers(s, s.get(Member, maryam))
        [theirs] = mydata.resalat_closing_blockers(s, s.get(Member, counselor.member_id))
    assert "برای شما رزرو شده است: نخست آن را لغو کنید." in hers
    assert "جلسه‌ی مشاوره‌ی" in theirs and "می‌دهید" in theirs
    with work(app) as s:
        services.cancel(s, s.get(Member, maryam), booking, "کار پیش آمد")
    with app.test_request_context(), work(app) as s:
        assert mydata.resalat_closing_blockers(s, s.get(Member, maryam)) == []
        assert mydata.resalat_closing_blockers(s, s.get(Member, counselor.member_id)) == []


def test_the_copy_holds_my_sessions_and_closing_blanks_what_was_written(app, counselor, make_member, book):
    maryam = make_member(name="مریم احمدی", region="yazd/ardakan")
    other = make_member(region="yazd/ardakan")
    booking = book(maryam, counselor, at(2, 10))
    book(other, counselor, at(2, 12))
    with work(app) as s:
        s.get(Booking, booking).need = "فروش فرش‌های دست‌باف"
        services.add_note(s, s.get(Member, maryam), booking, "پیوند نمونه‌کارها را فرستادم")
    with app.test_request_context(), work(app) as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, maryam))
    assert [x["id"] for x in section.data["sessions"]] == [booking]
    assert section.data["sessions"][0]["need"] == "فروش فرش‌های دست‌باف"
    assert [n["body"] for n in section.data["sessions"][0]["notes"]] == ["پیوند نمونه‌کارها را فرستادم"]
    with work(app) as s:
        mydata.resalat_member_closed(s, s.get(Member, maryam))
    with work(app) as s:
        kept = s.get(Booking, booking)
        assert (kept.need, kept.summary, kept.status) == ("", None, "booked")
        assert s.scalar(select(func.count()).select_from(CounselNote)) == 0
        assert s.scalar(select(func.count()).select_from(Booking)) == 2
