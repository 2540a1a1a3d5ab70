"""How M-Maher plugs into the host: pages, API, CLI, permission, tile, next steps, Merat, Rasan, demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    NextStep,
    Number,
    Permission,
    SignalKind,
    Tile,
    _l,
    db_session,
    hookimpl,
)
from resalat_maher import demo, plugin, services
from resalat_maher.api import bp as api_bp
from resalat_maher.cli import maher as maher_cli
from resalat_maher.models import PUBLISHED, Course, Enrolment, Lesson, LessonDone
from resalat_maher.mydata import resalat_member_closed as resalat_member_closed
from resalat_maher.mydata import resalat_member_data as resalat_member_data
from resalat_maher.views import bp as pages_bp

COURSES_SIGNAL = "maher_courses"


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read shares its transaction.
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return maher_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Teaching needs no permission (any member teaches); recommending is a guide's, in their area.
    # The guides plugin need not be installed: without it only administrators hold it.
    return [
        Permission(services.RECOMMEND, _l("Recommend a course to a member of one's area"), ("guide", "admin"))
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [
        Tile(
            title=plugin.title,
            url=url_for("maher.home"),
            icon=plugin.icon,
            description=_l("Learn a skill, teach yours, find a coach"),
            order=60,
        )
    ]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    """A course under way (continue at its next lesson) and mentoring requests waiting: three
    small indexed queries."""
    session = _session_of(member)
    steps: list[NextStep] = []
    waiting = services.waiting_for(session, member.id)
    if waiting:
        steps.append(
            NextStep(
                _l("A mentoring request is waiting"),
                _l("Learners waiting for your answer: %(count)s", count=Number(waiting)),
                url_for("maher.mentoring"),
                priority=50,
                icon="person-raised-hand",
            )
        )
    row = session.execute(
        select(Enrolment.course_id, Course.title)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.member_id == member.id, Enrolment.completed_at.is_(None))
        .order_by(Enrolment.id.desc())
        .limit(1)
    ).first()
    if row is not None:
        course_id, title = row
        done = (
            select(LessonDone.lesson_id)
            .join(Enrolment, Enrolment.id == LessonDone.enrolment_id)
            .where(Enrolment.member_id == member.id, Enrolment.course_id == course_id)
        )
        lesson_id = session.scalar(
            select(Lesson.id)
            .where(Lesson.course_id == course_id, Lesson.id.not_in(done))
            .order_by(Lesson.position)
            .limit(1)
        )
        link = (
            url_for("maher.lesson", course_id=course_id, lesson_id=lesson_id)
            if lesson_id
            else url_for("maher.course", course_id=course_id)
        )
        steps.append(
            NextStep(
                _l("Continue your course"),
                _l("%(course)s: the next lesson is waiting.", course=title),
                link,
                priority=10,
                icon="mortarboard",
            )
        )
    return steps


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    # Courses are not tied to a place; certificates are counted by the learner's place.
    published = session.scalar(select(func.count(Course.id)).where(Course.status == PUBLISHED)) or 0
    stmt = select(func.count(Enrolment.id)).where(Enrolment.completed_at.is_not(None))
    if area is not None:
        stmt = stmt.join(Member, Member.id == Enrolment.member_id).where(Member.region_id.in_(area or [-1]))
    return [
        # Not keyed: courses belong to no place, so a province would show the country's number.
        Figure(_l("Published courses"), published, _l("courses")),
        # Keyed: the stats plugin keeps its history, by the learners' place.
        Figure(_l("Certificates earned"), session.scalar(stmt) or 0, _l("certificates"), key="certificates"),
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """Merat's default weight for completed courses: 10 points a course, at most 50."""
    return [
        SignalKind(COURSES_SIGNAL, _l("Courses completed in M-Maher: %(value)s"), points=10, per=1, cap=50)
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Learning a skill to the end is a sign of effort Merat may weigh (the value: how many)."""
    return resalat_credit_signals_many(_session_of(member), [member]).get(member.id, [])


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Courses completed, for a whole chunk of members in one query (Merat's refresh)."""
    done = services.courses_completed_by_member(session, [m.id for m in members])
    return {member_id: [CreditSignal(COURSES_SIGNAL, n)] for member_id, n in done.items() if n}


@hookimpl(optionalhook=True)
def resalat_ask_me_experts(
    field: str | None, words: str | None, region_id: int | None, limit: int
) -> list[dict[str, Any]]:
    """Rasan's "ask me": members who list a skill in the field (or named by the words), nearest first."""
    return services.experts(db_session(), field, words, region_id, limit)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    world.extras["maher"] = demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)
