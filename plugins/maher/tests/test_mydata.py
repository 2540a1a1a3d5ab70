"""A member's own data in Maher: skills, courses written and learnt are in one's copy; closing
deletes the skills and draft courses and the mentoring messages asked for, keeping published
courses and the certificates earned."""

from __future__ import annotations

from resalat_maher import mydata, services
from resalat_maher.models import Course, Enrolment, MentoringRequest, Skill
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import work


def test_the_copy_and_what_closing_removes(app, make_member, make_skill, make_course):
    zahra = make_member(name="زهرا آسی‌پور", region="yazd/ardakan")
    maryam = make_member(name="مریم احمدی")
    make_skill(zahra, name="کاربافی", mentoring=True)
    published = make_course(zahra)["id"]
    draft = make_course(zahra, publish=False, title="رنگرزی گیاهی")["id"]
    own = make_skill(maryam, name="گلیم‌بافی")
    with work(app) as s:
        learner = s.get(Member, maryam)
        services.enrol(s, learner, s.get(Course, published))
        skill = s.scalar(select(Skill).where(Skill.member_id == zahra))
        services.ask_mentoring(s, learner, skill, "می‌خواهم گره زدن را یاد بگیرم")
    with app.test_request_context(), work(app) as s:
        [hers] = mydata.resalat_member_data(s, s.get(Member, zahra))
        [mine] = mydata.resalat_member_data(s, s.get(Member, maryam))
    assert [c["id"] for c in hers.data["courses"]] == [published, draft]
    assert [x["name"] for x in hers.data["skills"]] == ["کاربافی"]
    assert [x["id"] for x in mine.data["skills"]] == [own]
    assert [e["course_id"] for e in mine.data["enrolments"]] == [published]
    assert [r["message"] for r in mine.data["mentoring_asked"]] == ["می‌خواهم گره زدن را یاد بگیرم"]

    with work(app) as s:
        mydata.resalat_member_closed(s, s.get(Member, maryam))
        mydata.resalat_member_closed(s, s.get(Member, zahra))
    with work(app) as s:
        assert s.scalar(select(func.count()).select_from(Skill)) == 0
        assert s.scalar(select(func.count()).select_from(MentoringRequest)) == 0  # went with the skill
        assert s.get(Course, draft) is None and s.get(Course, published) is not None
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 1
