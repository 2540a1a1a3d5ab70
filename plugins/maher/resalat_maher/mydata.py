"""Maher's part of a member's own data, and what closing the account removes from it.

Closing deletes the member's skills (and the mentoring asked of them), their draft courses, the
messages of the mentoring they asked for and the recommendations made to them. Published courses
stay for those who learn from them, under the closed account's placeholder name; enrolments and
certificates stay, so a certificate's code still checks.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import DataRow, DataSection, Member, _l, hookimpl
from resalat_maher.models import DRAFT, Course, Enrolment, MentoringRequest, Recommendation, Skill


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    skills = list(session.scalars(select(Skill).where(Skill.member_id == member.id).order_by(Skill.id)))
    courses = list(session.scalars(select(Course).where(Course.author_id == member.id).order_by(Course.id)))
    enrolments = list(
        session.scalars(select(Enrolment).where(Enrolment.member_id == member.id).order_by(Enrolment.id))
    )
    asked = list(
        session.scalars(
            select(MentoringRequest)
            .where(MentoringRequest.learner_id == member.id)
            .order_by(MentoringRequest.id)
        )
    )
    if not (skills or courses or enrolments or asked):
        return []
    titles = {
        c.id: c.title
        for c in session.scalars(select(Course).where(Course.id.in_([e.course_id for e in enrolments])))
    }
    rows = [DataRow(_l("Skill"), s.name) for s in skills]
    rows += [DataRow(_l("Course you wrote"), c.title) for c in courses]
    rows += [DataRow(_l("Course you learn"), titles.get(e.course_id, "")) for e in enrolments]
    rows += [DataRow(_l("Mentoring you asked for"), r.message or "—") for r in asked]
    data = {
        "skills": [
            {"id": s.id, "name": s.name, "level": s.level, "years": s.years, "description": s.description}
            for s in skills
        ],
        "courses": [{"id": c.id, "title": c.title, "status": c.status} for c in courses],
        "enrolments": [
            {
                "course_id": e.course_id,
                "course": titles.get(e.course_id, ""),
                "completed_at": e.completed_at.isoformat() if e.completed_at else None,
                "certificate_code": e.certificate_code,
            }
            for e in enrolments
        ],
        "mentoring_asked": [
            {"skill_id": r.skill_id, "message": r.message, "status": r.status} for r in asked
        ],
    }
    return [DataSection("maher", _l("Maher: skills and courses"), rows, data)]


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    # Mentoring asked of the member's skills goes with them (the database cascades).
    session.execute(delete(Skill).where(Skill.member_id == member.id))
    session.execute(delete(Course).where(Course.author_id == member.id, Course.status == DRAFT))
    session.execute(
        update(MentoringRequest).where(MentoringRequest.learner_id == member.id).values(message="")
    )
    session.execute(delete(Recommendation).where(Recommendation.member_id == member.id))
