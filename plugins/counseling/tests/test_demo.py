"""The demo: the Ardakan counsellor's topics and hours, Maryam's coming and past sessions, and
(with the guides plugin) a session the Zanjan guide booked; loaded twice, it is there once."""

from __future__ import annotations

from resalat_counseling.models import Booking, CounselNote, Counselor, Hours
from sqlalchemy import func, select

from resalat_core.sdk import Member


def test_the_demo_gives_the_ardakan_counsellor_a_week_and_maryam_her_sessions(app, db):
    runner = app.test_cli_runner()
    with app.app_context():
        loaded = runner.invoke(args=["demo"])
        assert loaded.exit_code == 0, loaded.output
        again = runner.invoke(args=["demo"])
        assert again.exit_code == 0, again.output
    with db() as s:
        counsel = s.scalar(select(Member).where(Member.mobile == "09120000016"))
        maryam = s.scalar(select(Member).where(Member.mobile == "09120000002"))
        profile = s.scalar(select(Counselor).where(Counselor.member_id == counsel.id))
        assert counsel.region.code == "yazd/ardakan"
        assert [t.title for t in profile.topics][:2] == ["بازاریابی صنایع دستی", "حسابداری کسب‌وکار خانوادگی"]
        assert s.scalar(select(func.count(Hours.id)).where(Hours.counselor_id == profile.id)) == 6
        mine = list(
            s.scalars(select(Booking).where(Booking.member_id == maryam.id).order_by(Booking.starts_at))
        )
        past, coming = mine
        assert (past.summary is not None, past.rating) == (True, 5)
        assert coming.summary is None and coming.status == "booked"
        assert s.scalar(select(func.count(CounselNote.id)).where(CounselNote.booking_id == coming.id)) == 2
        assert (profile.rating_sum, profile.rating_count) == (5, 1)
        guide = s.scalar(select(Member).where(Member.mobile == "09120000005"))
        if guide is not None:  # the guides plugin is installed
            booked = s.scalar(select(Booking).where(Booking.booked_by_id == guide.id))
            assert booked.member.region.parent.code == "zanjan"
