"""Learning a course: enrolling, opening lessons in order, marking them done, certificates."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, Member, NotFound, _, notify, to_latin_digits, utcnow
from resalat_maher import messages
from resalat_maher.models import PUBLISHED, Course, Enrolment, Lesson, LessonDone
from resalat_maher.services.courses import is_author, lessons_of

CODE_DIGITS = 12


def enrolment_of(session: Session, member: Member, course: Course) -> Enrolment | None:
    return session.scalar(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.member_id == member.id)
    )


def enrol(session: Session, member: Member, course: Course) -> Enrolment:
    """Enrol ``member`` in a published course (again: the same enrolment, nothing changes)."""
    if course.status != PUBLISHED:
        raise NotFound(_("No such course."), code="unknown_course")
    if course.author_id == member.id:
        raise BadInput(_("You teach this course: learners enrol in it."), code="own_course")
    found = enrolment_of(session, member, course)
    if found is not None:
        return found
    # A savepoint: a double click racing this one meets the unique constraint, not a 500.
    try:
        with session.begin_nested():
            enrolment = Enrolment(course_id=course.id, member_id=member.id)
            session.add(enrolment)
    except IntegrityError:  # the unique constraint: the other request enrolled first
        found = enrolment_of(session, member, course)
        if found is None:
            raise
        return found
    return enrolment


def done_ids(session: Session, enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(session.scalars(select(LessonDone.lesson_id).where(LessonDone.enrolment_id == enrolment.id)))


def first_open(lessons: list[Lesson], done: set[int]) -> Lesson | None:
    """The first lesson not yet done: where a learner continues."""
    return next((lesson for lesson in lessons if lesson.id not in done), None)


def may_open(lessons: list[Lesson], done: set[int], lesson: Lesson) -> bool:
    """Lessons open in order: every lesson before this one is done."""
    return all(item.id in done for item in lessons if item.position < lesson.position)


def open_lesson(session: Session, viewer: Member, course: Course, lesson: Lesson) -> dict[str, Any]:
    """What the lesson page shows; the author always, a learner once the lessons before are done."""
    lessons = lessons_of(session, course)
    if is_author(viewer, course):
        return {"lessons": lessons, "done": set(), "enrolment": None, "author": True}
    enrolment = enrolment_of(session, viewer, course) if course.status == PUBLISHED else None
    if enrolment is None:
        raise BadInput(_("Enrol in the course to open its lessons."), code="not_enrolled")
    done = done_ids(session, enrolment)
    if not may_open(lessons, done, lesson):
        before = first_open(lessons, done)
        raise BadInput(
            _("Lessons open in order: finish «%(lesson)s» first.", lesson=before.title if before else ""),
            code="lesson_locked",
        )
    return {"lessons": lessons, "done": done, "enrolment": enrolment, "author": False}


def mark_done(session: Session, member: Member, course: Course, lesson: Lesson) -> Enrolment:
    """Mark a lesson done (again: nothing changes); the last one completes the course with a
    certificate, once, even when two requests race (a conditional update)."""
    state = open_lesson(session, member, course, lesson)
    enrolment: Enrolment | None = state["enrolment"]
    if enrolment is None:
        raise BadInput(_("Enrol in the course to open its lessons."), code="not_enrolled")
    if lesson.id not in state["done"]:
        try:
            with session.begin_nested():
                session.add(LessonDone(enrolment_id=enrolment.id, lesson_id=lesson.id))
        except IntegrityError:  # the primary key: another request marked it first
            pass
    done = done_ids(session, enrolment)
    if enrolment.completed_at is None and all(item.id in done for item in state["lessons"]):
        code = new_code(session)
        won = session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
            .values(completed_at=utcnow(), certificate_code=code)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.refresh(enrolment)
        if won:
            notify(member, messages.COMPLETED(url=f"/maher/certificates/{code}", course=course.title))
    return enrolment


def new_code(session: Session) -> str:
    """Twelve random digits no certificate has: unguessable, and read the same in any language."""
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if (
            code[0] != "0"
            and session.scalar(select(Enrolment.id).where(Enrolment.certificate_code == code)) is None
        ):
            return code


def certificate(session: Session, code: Any) -> Enrolment:
    """The completed enrolment with this verification code (Persian digits welcome); else a 404."""
    clean = to_latin_digits(code if isinstance(code, str) else "").strip()
    found = None
    if clean.isascii() and clean.isdigit() and len(clean) == CODE_DIGITS:
        found = session.scalar(
            select(Enrolment).where(Enrolment.certificate_code == clean, Enrolment.completed_at.is_not(None))
        )
    if found is None:
        raise NotFound(_("No such certificate: check the code."), code="unknown_certificate")
    return found


def certificates_query(member_id: int) -> Select[tuple[Enrolment]]:
    """A member's certificates, newest first, with the learner, the course and its author joined
    (their roles, which no certificate shows, are read by the host only if asked for)."""
    return (
        select(Enrolment)
        .where(Enrolment.member_id == member_id, Enrolment.completed_at.is_not(None))
        .order_by(Enrolment.completed_at.desc())
    )


def learning_query(member_id: int) -> Select[tuple[Enrolment]]:
    """A member's enrolments, unfinished first, newest first."""
    return (
        select(Enrolment)
        .where(Enrolment.member_id == member_id)
        .order_by(Enrolment.completed_at.is_not(None), Enrolment.id.desc())
    )


def learners_query(course_id: int) -> Select[tuple[Enrolment]]:
    return select(Enrolment).where(Enrolment.course_id == course_id).order_by(Enrolment.id.desc())


def done_counts(session: Session, enrolment_ids: list[int]) -> dict[int, int]:
    """Lessons done per enrolment, in one query (for lists of learners or of a member's courses)."""
    if not enrolment_ids:
        return {}
    rows = session.execute(
        select(LessonDone.enrolment_id, func.count())
        .where(LessonDone.enrolment_id.in_(enrolment_ids))
        .group_by(LessonDone.enrolment_id)
    )
    return {eid: int(n) for eid, n in rows}


def courses_completed(session: Session, member_id: int) -> int:
    """How many courses the member completed: Merat's ``maher_courses`` signal."""
    return (
        session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.member_id == member_id, Enrolment.completed_at.is_not(None)
            )
        )
        or 0
    )


def courses_completed_by_member(session: Session, member_ids: Sequence[int]) -> dict[int, int]:
    """``courses_completed`` of many members by id, in one query (members with none left out)."""
    rows = session.execute(
        select(Enrolment.member_id, func.count(Enrolment.id))
        .where(Enrolment.member_id.in_(list(member_ids)), Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.member_id)
    )
    return {member_id: int(n) for member_id, n in rows}
