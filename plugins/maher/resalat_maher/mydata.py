"""Maher's part of a member's own data, and what closing the account removes from it.

Closing deletes the member's skills (and the mentoring asked of them), their draft courses, the
messages of the mentoring they asked for and the recommendations made to them. Published courses
stay for those who learn from them, under the closed account's placeholder name; enrolments and
certificates stay, so a certificate's code still checks.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, lazyload

from resalat_core.sdk import DataRow, DataSection, Member, _l, hookimpl
from resalat_maher.models import DRAFT, Course, Enrolment, MentoringRequest, Recommendation, Skill

# The export reads only each row's own columns: none of the joined relationships (the member, a
# skill's field and region, a course's author and cover), whose members would each bring their
# roles in one more query.
_OWN = lazyload("*")


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    skills = list(
        session.scalars(select(Skill).where(Skill.member_id == member.id).order_by(Skill.id).options(_OWN))
    )
    courses = list(
        session.scalars(select(Course).where(Course.author_id == member.id).order_by(Course.id).options(_OWN))
    )
    enrolments = list(
        session.scalars(
            select(Enrolment).where(Enrolment.member_id == member.id).order_by(Enrolment.id).options(_OWN)
        )
    )
    asked = list(
        session.scalars(
            select(MentoringRequest)
            .where(MentoringRequest.learner_id == member.id)
            .order_by(MentoringRequest.id)
            .options(_OWN)
        )
    )
    if not (skills or courses or enrolments or asked):
        return []
    # The titles of the courses learnt, in one query of two columns.
    titles: dict[int, str] = {
        key: value
        for key, value in session.execute(
            select(Course.id, Course.title).where(
                Course.id.in_(select(Enrolment.course_id).where(Enrolment.member_id == member.id))
            )
        )
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
