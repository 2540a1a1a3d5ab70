"""Courses and their lessons: writing, ordering, publishing (the author's), and the catalogue."""

from __future__ import annotations

from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    IMAGE,
    PDF,
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    StoredFile,
    _,
    _l,
    normalize_text,
    search_key,
    store_upload,
    utcnow,
)
from resalat_maher.models import (
    BODY_MAX,
    DRAFT,
    LEVELS,
    PUBLISHED,
    SUMMARY_MAX,
    TITLE_MAX,
    Course,
    Enrolment,
    Lesson,
)
from resalat_maher.services.skills import checked_choice, checked_field, checked_text

# A course is a handful of lessons, not a library.
LESSONS_MAX = 50

STATUS_LABELS = {DRAFT: _l("Draft"), PUBLISHED: _l("Published")}


# What a lesson's attachment may be: a PDF; covers and lesson pictures are images.
COVER = "maher.cover"
LESSON_IMAGE = "maher.lesson_image"
LESSON_FILE = "maher.lesson_file"


def _given(upload: Any) -> bool:
    """Was a file given? A form's empty file input arrives as a FileStorage with no name."""
    if upload is None:
        return False
    if isinstance(upload, StoredFile):
        return True
    return bool(getattr(upload, "filename", None) or (isinstance(upload, tuple) and upload[1]))


def stored(
    session: Session, upload: Any, owner: Member, *, purpose: str, kind: str, public: bool, field: str
) -> StoredFile | None:
    """The upload checked by content and kept (the host's stored files), or an already stored
    file an API client named; BadInput naming ``field`` when it is refused, and nothing is kept."""
    if not _given(upload):
        return None
    if isinstance(upload, StoredFile):
        return upload
    return store_upload(
        session, upload, owner=owner, purpose=purpose, kinds=(kind,), public=public, field=field
    )


def is_person(member: Any) -> bool:
    return member is not None and getattr(member, "is_authenticated", False) and getattr(member, "id", None)


def is_author(member: Any, course: Course) -> bool:
    return bool(is_person(member)) and course.author_id == member.id


def require_author(member: Any, course: Course) -> None:
    if not is_author(member, course):
        raise NotAllowed(_("Only the course's author may change it."))


def get_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound(_("No such course."), code="unknown_course")
    return course


def visible_course(session: Session, viewer: Any, course_id: int) -> Course:
    """A published course for anyone; a draft only for its author (a 404 for anyone else)."""
    course = get_course(session, course_id)
    if course.status != PUBLISHED and not is_author(viewer, course):
        raise NotFound(_("No such course."), code="unknown_course")
    return course


def own_course(session: Session, author: Member, course_id: int) -> Course:
    """The author's own course; anyone else's is refused (403), an unknown one is a 404."""
    course = get_course(session, course_id)
    require_author(author, course)
    return course


def _checked(session: Session, title: Any, summary: Any, field: Any, level: Any) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = {
        "title": checked_text(title, "title", errors, limit=TITLE_MAX, required=True),
        "summary": checked_text(summary, "summary", errors, limit=SUMMARY_MAX, required=False),
        "field": checked_field(session, field, errors),
        "level": checked_choice(level, LEVELS, "level", errors),
    }
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return out


def create_course(
    session: Session,
    author: Member,
    *,
    title: Any,
    summary: Any = "",
    field: Any,
    level: Any,
    cover: Any = None,
) -> Course:
    """A new draft course by ``author`` (any member teaches), with a cover picture if given."""
    data = _checked(session, title, summary, field, level)
    course = Course(author_id=author.id, status=DRAFT)
    _apply(course, data)
    picture = stored(session, cover, author, purpose=COVER, kind=IMAGE, public=True, field="cover")
    if picture is not None:
        course.cover = picture
    session.add(course)
    session.flush()
    return course


def update_course(
    session: Session,
    author: Member,
    course: Course,
    *,
    title: Any,
    summary: Any = "",
    field: Any,
    level: Any,
    cover: Any = None,
    remove_cover: bool = False,
) -> Course:
    require_author(author, course)
    _apply(course, _checked(session, title, summary, field, level))
    picture = stored(session, cover, author, purpose=COVER, kind=IMAGE, public=True, field="cover")
    if picture is not None:
        course.cover = picture
    elif remove_cover:
        course.cover = None
    session.flush()
    return course


def _apply(course: Course, data: dict[str, Any]) -> None:
    course.title = data["title"]
    course.title_search = search_key(data["title"])[:TITLE_MAX]
    course.summary = data["summary"]
    course.field = data["field"]
    course.level = data["level"]


def lesson_count(session: Session, course: Course) -> int:
    return session.scalar(select(func.count(Lesson.id)).where(Lesson.course_id == course.id)) or 0


def learner_count(session: Session, course: Course) -> int:
    return session.scalar(select(func.count(Enrolment.id)).where(Enrolment.course_id == course.id)) or 0


def set_published(session: Session, author: Member, course: Course, published: bool) -> Course:
    """Publish a course with at least one lesson; back to a draft only while nobody is enrolled."""
    require_author(author, course)
    if published:
        if lesson_count(session, course) == 0:
            raise BadInput(_("Add a lesson before publishing the course."), code="no_lessons")
        if course.status != PUBLISHED:
            course.status = PUBLISHED
            course.published_at = utcnow()
    elif course.status == PUBLISHED:
        if learner_count(session, course):
            raise BadInput(
                _("Learners are enrolled in this course: it stays published."), code="has_learners"
            )
        course.status = DRAFT
    session.flush()
    return course


def _checked_lesson(title: Any, body: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    out = {
        "title": checked_text(title, "title", errors, limit=TITLE_MAX, required=True),
        # Plain text kept with its line breaks (paragraphs); normalize_text would fold them.
        "body": _checked_body(body, errors),
    }
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return out


def _checked_body(body: Any, errors: dict[str, str]) -> str:
    text = body if isinstance(body, str) else ""
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    clean = "\n".join(lines).strip()
    while "\n\n\n" in clean:
        clean = clean.replace("\n\n\n", "\n\n")
    if not clean:
        errors["body"] = _("Fill this in.")
    elif len(clean) > BODY_MAX:
        errors["body"] = _("At most %(max)d characters.", max=BODY_MAX)
    return clean


def _lesson_files(session: Session, author: Member, lesson: Lesson, image: Any, attachment: Any) -> None:
    picture = stored(session, image, author, purpose=LESSON_IMAGE, kind=IMAGE, public=False, field="image")
    if picture is not None:
        lesson.image = picture
    document = stored(
        session, attachment, author, purpose=LESSON_FILE, kind=PDF, public=False, field="attachment"
    )
    if document is not None:
        lesson.attachment = document


def add_lesson(
    session: Session,
    author: Member,
    course: Course,
    *,
    title: Any,
    body: Any,
    image: Any = None,
    attachment: Any = None,
) -> Lesson:
    """A lesson at the end of the course, with a picture and a PDF if given (kept private: the
    course's learners read them through M-Maher's own route)."""
    require_author(author, course)
    data = _checked_lesson(title, body)
    last = session.scalar(select(func.max(Lesson.position)).where(Lesson.course_id == course.id)) or 0
    if lesson_count(session, course) >= LESSONS_MAX:
        raise BadInput(_("At most %(max)d lessons in a course.", max=LESSONS_MAX), code="too_many_lessons")
    lesson = Lesson(course_id=course.id, position=last + 1, **data)
    _lesson_files(session, author, lesson, image, attachment)
    session.add(lesson)
    session.flush()
    return lesson


def get_lesson(session: Session, course: Course, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != course.id:
        raise NotFound(_("No such lesson in this course."), code="unknown_lesson")
    return lesson


def update_lesson(
    session: Session,
    author: Member,
    lesson: Lesson,
    *,
    title: Any,
    body: Any,
    image: Any = None,
    attachment: Any = None,
    remove_image: bool = False,
    remove_attachment: bool = False,
) -> Lesson:
    require_author(author, lesson.course)
    data = _checked_lesson(title, body)
    lesson.title = data["title"]
    lesson.body = data["body"]
    if remove_image and not _given(image):
        lesson.image = None
    if remove_attachment and not _given(attachment):
        lesson.attachment = None
    _lesson_files(session, author, lesson, image, attachment)
    session.flush()
    return lesson


def lessons_of(session: Session, course: Course) -> list[Lesson]:
    return list(
        session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    )


def move_lesson(session: Session, author: Member, lesson: Lesson, direction: str) -> Lesson:
    """Swap the lesson with the one before (``up``) or after (``down``); at an end nothing moves."""
    require_author(author, lesson.course)
    if direction not in ("up", "down"):
        raise BadInput(_("Choose one from the list."), fields={"direction": _("Choose one from the list.")})
    lessons = lessons_of(session, lesson.course)
    i = next(n for n, item in enumerate(lessons) if item.id == lesson.id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(lessons):
        other = lessons[j]
        lesson.position, other.position = other.position, lesson.position
        session.flush()
    return lesson


def delete_lesson(session: Session, author: Member, lesson: Lesson) -> None:
    """Remove a lesson (not from a course learners are taking: their progress would change)."""
    course = lesson.course
    require_author(author, course)
    if learner_count(session, course):
        raise BadInput(_("Learners are enrolled in this course: its lessons stay."), code="has_learners")
    session.delete(lesson)
    session.flush()
    for n, item in enumerate(lessons_of(session, course), start=1):
        item.position = n
    session.flush()


def catalogue_query(*, field: str | None = None, q: str | None = None) -> Select[tuple[Course]]:
    """Published courses, newest first; ``field`` a field code, ``q`` words of the title."""
    stmt = select(Course).where(Course.status == PUBLISHED)
    if field:
        stmt = stmt.where(
            Course.field_id == select(cores.Field.id).where(cores.Field.code == field).scalar_subquery()
        )
    key = search_key(q)
    if key:
        stmt = stmt.where(Course.title_search.contains(key, autoescape=True))
    return stmt.order_by(Course.published_at.desc(), Course.id.desc())


def taught_by_query(author_id: int, *, drafts: bool = False) -> Select[tuple[Course]]:
    stmt = select(Course).where(Course.author_id == author_id)
    if not drafts:
        stmt = stmt.where(Course.status == PUBLISHED)
    return stmt.order_by(Course.id.desc())


def lesson_counts(session: Session, course_ids: list[int]) -> dict[int, int]:
    """How many lessons each course has, in one query (for lists of courses)."""
    if not course_ids:
        return {}
    rows = session.execute(
        select(Lesson.course_id, func.count(Lesson.id))
        .where(Lesson.course_id.in_(course_ids))
        .group_by(Lesson.course_id)
    )
    return {cid: int(n) for cid, n in rows}
