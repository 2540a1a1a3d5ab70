"""The demo world's M-Maher story, and the `resalat maher` commands (JSON for scripts, clear refusals)."""

from __future__ import annotations

import json

from resalat_maher import services
from resalat_maher.models import Course, Enrolment, MentoringRequest, Recommendation, Skill
from sqlalchemy import select

from resalat_core.sdk import Member, get_db


def test_the_demo_tells_asipours_course_and_the_cli_reads_it(app, run, tmp_path):
    with app.app_context():
        loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        s = get_db().session
        courses = {c.title: c for c in s.scalars(select(Course))}
        weaving = courses["کاربافی سنتی برای تازه‌کارها"]
        assert weaving.author.name == "زهرا آسی‌پور" and weaving.status == "published"
        assert len(services.lessons_of(s, weaving)) == 4
        learners = {
            e.member.mobile: e for e in s.scalars(select(Enrolment).where(Enrolment.course_id == weaving.id))
        }
        maryam = learners["09120000002"]
        assert maryam.completed_at is None and len(services.done_ids(s, maryam)) == 2
        graduates = [e for e in learners.values() if e.certificate_code]
        assert len(graduates) == 1
        code = graduates[0].certificate_code
        jafar_skills = [k.name for k in s.scalars(select(Skill)) if k.member.mobile == "09120000003"]
        assert "پرورش گوسفند و بز" in jafar_skills
        assert s.scalar(select(MentoringRequest.status)) == "waiting"
        rec = s.scalar(select(Recommendation))
        if s.scalar(select(Member.id).where(Member.mobile == "09120000005")) is not None:  # guides installed
            assert (
                rec is not None and rec.member.mobile == "09120000002" and rec.guide.mobile == "09120000005"
            )

    listed = run("maher", "courses", "--json")
    assert listed.exit_code == 0, listed.output
    assert {c["title"] for c in json.loads(listed.output)["items"]} >= {"کاربافی سنتی برای تازه‌کارها"}
    checked = run("maher", "certificate", "verify", code, "--json")
    assert checked.exit_code == 0 and json.loads(checked.output)["course"] == "کاربافی سنتی برای تازه‌کارها"
    wrong = run("maher", "certificate", "verify", "999999999999")
    assert wrong.exit_code == 1 and "certificate" in wrong.output.lower()
    bad = run("maher", "courses", "--field", "nope")
    assert bad.exit_code == 1

    good = tmp_path / "skills.csv"
    good.write_text(
        "member,name,field,level,years,mentoring,mode,description\n09120000002,گلدوزی,handicrafts,skilled,3,yes,online,\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "member,name,field,level,years\n09120000002,گلیم,handicrafts,skilled,3\n09999999999,x,nope,guru,-1\n",
        encoding="utf-8",
    )
    with app.app_context():
        before = len(get_db().session.scalars(select(Skill)).all())
    refused = run("maher", "import-skills", str(broken))
    assert refused.exit_code == 1 and "line 3" in refused.output
    done = run("maher", "import-skills", str(good), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output[done.output.index("{") :])["added"] == 1
    with app.app_context():
        assert len(get_db().session.scalars(select(Skill)).all()) == before + 1
