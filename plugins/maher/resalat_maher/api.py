"""The M-Maher JSON API: skills, courses and lessons, learning, certificates, coaches, mentoring."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    IMAGE,
    PDF,
    BadInput,
    NotFound,
    _,
    api_doc,
    current_member,
    db_session,
    dump,
    load,
    login_required,
    me,
    owned_files,
    page_args,
    paginate,
    permission_required,
    public,
)
from resalat_maher import services
from resalat_maher.models import Enrolment
from resalat_maher.schemas import (
    AnswerSchema,
    AskSchema,
    CertificateSchema,
    CourseInSchema,
    CourseSchema,
    EnrolmentSchema,
    LearnerSchema,
    LessonInSchema,
    LessonSchema,
    MentoringSchema,
    RecommendationSchema,
    RecommendSchema,
    SearchSchema,
    SkillInSchema,
    SkillSchema,
)

bp = Blueprint("maher_api", __name__, url_prefix="/api/v1/maher")


def _page(schema: Any, stmt: Any) -> dict[str, Any]:
    page, per_page = page_args()
    result = paginate(db_session(), stmt, page, per_page)
    return {"items": dump(schema, result.items, many=True), "meta": result.meta()}


def _enrolments(session: Any, rows: list[Enrolment]) -> list[dict[str, Any]]:
    """Enrolments with their progress: two queries for the whole list."""
    lessons = services.lesson_counts(session, [e.course_id for e in rows])
    done = services.done_counts(session, [e.id for e in rows])
    return [
        {
            "id": e.id,
            "course": e.course,
            "lessons": lessons.get(e.course_id, 0),
            "done": done.get(e.id, 0),
            "created_at": e.created_at,
            "completed_at": e.completed_at,
            "certificate_code": e.certificate_code,
        }
        for e in rows
    ]


# --- skills ------------------------------------------------------------------------------------


@bp.get("/skills/mine")
@api_doc(summary="My skills", response=SkillSchema, paginated=True)
@login_required
def my_skills() -> Any:
    return _page(SkillSchema, services.skills_of_query(me().id))


def _save_skill(skill_id: int | None) -> Any:
    data = load(SkillInSchema)
    session = db_session()
    skill = services.my_skill(session, me(), skill_id) if skill_id else None
    saved = services.save_skill(session, me(), skill=skill, **data)
    session.commit()
    return dump(SkillSchema, saved)


@bp.post("/skills")
@api_doc(summary="List a skill of mine", body=SkillInSchema, response=SkillSchema, status=201)
@login_required
def add_skill() -> Any:
    return _save_skill(None), 201


@bp.put("/skills/<int:skill_id>")
@api_doc(summary="Change a skill of mine", body=SkillInSchema, response=SkillSchema)
@login_required
def edit_skill(skill_id: int) -> Any:
    return _save_skill(skill_id)


@bp.delete("/skills/<int:skill_id>")
@api_doc(summary="Remove a skill of mine", status=204)
@login_required
def delete_skill(skill_id: int) -> Any:
    session = db_session()
    services.delete_skill(session, me(), skill_id)
    session.commit()
    return "", 204


@bp.get("/coaches")
@api_doc(
    summary="Find a coach: members' skills by words, field and place",
    response=SkillSchema,
    paginated=True,
    query={
        "q": "words of the skill's name",
        "field": "a field code, e.g. livestock",
        "region": "a place or province code (a province brings its places)",
        "mentoring": "true: only skills offered for mentoring",
    },
)
@login_required
def coaches() -> Any:
    args = load(SearchSchema, request.args.to_dict())
    filters = services.coach_filters(db_session(), field=args["field"], region=args["region"], q=args["q"])
    return _page(
        SkillSchema,
        services.coaches_query(
            field=filters["field"],
            region_ids=filters["region_ids"],
            q=filters["q"],
            mentoring_only=args["mentoring"],
        ),
    )


# --- courses -----------------------------------------------------------------------------------


@bp.get("/courses")
@api_doc(
    summary="The catalogue: published courses by field and words of the title",
    response=CourseSchema,
    paginated=True,
    query={"field": "a field code, e.g. hand_weaving", "q": "words of the title"},
)
@public
def catalogue() -> Any:
    args = load(SearchSchema, request.args.to_dict())
    filters = services.coach_filters(db_session(), field=args["field"], q=args["q"])
    return _page(CourseSchema, services.catalogue_query(field=filters["field"], q=filters["q"]))


@bp.get("/courses/mine")
@api_doc(summary="The courses I teach, drafts too", response=CourseSchema, paginated=True)
@login_required
def my_courses() -> Any:
    return _page(CourseSchema, services.taught_by_query(me().id, drafts=True))


@bp.post("/courses")
@api_doc(
    summary="Write a course (a draft until published)", body=CourseInSchema, response=CourseSchema, status=201
)
@login_required
def create_course() -> Any:
    data = load(CourseInSchema)
    session = db_session()
    course = services.create_course(
        session,
        me(),
        title=data["title"],
        summary=data["summary"],
        field=data["field"],
        level=data["level"],
        cover=_owned(session, data["cover"], IMAGE, "cover", public=True),
    )
    session.commit()
    return dump(CourseSchema, course), 201


@bp.get("/courses/<int:course_id>")
@api_doc(summary="A published course (a draft only for its author)", response=CourseSchema)
@public
def show_course(course_id: int) -> Any:
    return dump(CourseSchema, services.visible_course(db_session(), current_member(), course_id))


@bp.put("/courses/<int:course_id>")
@api_doc(summary="Change my course; publish or unpublish it", body=CourseInSchema, response=CourseSchema)
@login_required
def edit_course(course_id: int) -> Any:
    """Only the author (403 for anyone else); publishing needs a lesson, unpublishing no learners."""
    data = load(CourseInSchema)
    session = db_session()
    course = services.own_course(session, me(), course_id)
    services.update_course(
        session,
        me(),
        course,
        title=data["title"],
        summary=data["summary"],
        field=data["field"],
        level=data["level"],
        cover=_owned(session, data["cover"], IMAGE, "cover", public=True),
    )
    if data["published"] is not None:
        services.set_published(session, me(), course, data["published"])
    session.commit()
    return dump(CourseSchema, course)


@bp.get("/courses/<int:course_id>/lessons")
@api_doc(
    summary="A course's lessons in order (the text of those open to me)", response=LessonSchema, many=True
)
@login_required
def lessons(course_id: int) -> Any:
    session = db_session()
    course = services.visible_course(session, me(), course_id)
    found = services.lessons_of(session, course)
    author = services.is_author(me(), course)
    enrolment = services.enrolment_of(session, me(), course)
    done = services.done_ids(session, enrolment)
    rows = [
        {
            "id": lesson.id,
            "position": lesson.position,
            "title": lesson.title,
            "body": lesson.body if author or (enrolment and services.may_open(found, done, lesson)) else "",
            "done": (lesson.id in done) if enrolment else None,
            "has_image": lesson.image_id is not None,
            "has_attachment": lesson.attachment_id is not None,
        }
        for lesson in found
    ]
    return dump(LessonSchema, rows, many=True)


@bp.post("/courses/<int:course_id>/lessons")
@api_doc(
    summary="Add a lesson at the end of my course", body=LessonInSchema, response=LessonSchema, status=201
)
@login_required
def add_lesson(course_id: int) -> Any:
    data = load(LessonInSchema)
    session = db_session()
    course = services.own_course(session, me(), course_id)
    lesson = services.add_lesson(
        session,
        me(),
        course,
        title=data["title"],
        body=data["body"],
        image=_owned(session, data["image"], IMAGE, "image"),
        attachment=_owned(session, data["attachment"], PDF, "attachment"),
    )
    session.commit()
    return dump(LessonSchema, {**_lesson_dict(lesson), "done": None}), 201


def _lesson_dict(lesson: Any) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "position": lesson.position,
        "title": lesson.title,
        "body": lesson.body,
        "has_image": lesson.image_id is not None,
        "has_attachment": lesson.attachment_id is not None,
    }


def _owned(session: Any, token: str | None, kind: str, field: str, public: bool | None = None) -> Any:
    """A file the caller uploaded (``POST /api/v1/files``), by its token; None when not given."""
    if not token:
        return None
    return owned_files(session, me(), [token], kinds=(kind,), limit=1, public=public, field=field)[0]


@bp.get("/courses/<int:course_id>/learners")
@api_doc(summary="Learners of my course and how far each has come", response=LearnerSchema, paginated=True)
@login_required
def learners(course_id: int) -> Any:
    session = db_session()
    course = services.own_course(session, me(), course_id)
    page, per_page = page_args()
    result = paginate(session, services.learners_query(course.id), page, per_page)
    done = services.done_counts(session, [e.id for e in result.items])
    rows = [
        {
            "id": e.id,
            "member": e.member,
            "done": done.get(e.id, 0),
            "created_at": e.created_at,
            "completed_at": e.completed_at,
        }
        for e in result.items
    ]
    return {"items": dump(LearnerSchema, rows, many=True), "meta": result.meta()}


# --- learning ----------------------------------------------------------------------------------


@bp.post("/courses/<int:course_id>/enrol")
@api_doc(
    summary="Enrol in a published course (again: the same enrolment)", response=EnrolmentSchema, status=201
)
@login_required
def enrol(course_id: int) -> Any:
    session = db_session()
    course = services.visible_course(session, me(), course_id)
    enrolment = services.enrol(session, me(), course)
    session.commit()
    return dump(EnrolmentSchema, _enrolments(session, [enrolment])[0]), 201


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/done")
@api_doc(
    summary="Mark a lesson done (in order); the last one earns the certificate", response=EnrolmentSchema
)
@login_required
def lesson_done(course_id: int, lesson_id: int) -> Any:
    session = db_session()
    course = services.visible_course(session, me(), course_id)
    lesson = services.get_lesson(session, course, lesson_id)
    enrolment = services.mark_done(session, me(), course, lesson)
    session.commit()
    return dump(EnrolmentSchema, _enrolments(session, [enrolment])[0])


@bp.get("/learning")
@api_doc(summary="The courses I am enrolled in, with my progress", response=EnrolmentSchema, paginated=True)
@login_required
def learning() -> Any:
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.learning_query(me().id), page, per_page)
    return {
        "items": dump(EnrolmentSchema, _enrolments(session, result.items), many=True),
        "meta": result.meta(),
    }


@bp.get("/certificates/mine")
@api_doc(summary="My certificates", response=CertificateSchema, paginated=True)
@login_required
def my_certificates() -> Any:
    return _page(CertificateSchema, services.certificates_query(me().id))


@bp.get("/certificates/<string:code>")
@api_doc(summary="Verify a certificate by its code: who, which course, when", response=CertificateSchema)
@public
def verify(code: str) -> Any:
    return dump(CertificateSchema, services.certificate(db_session(), code))


# --- mentoring and recommendations -------------------------------------------------------------


@bp.get("/mentoring")
@api_doc(
    summary="Mentoring requests I sent or received, waiting first", response=MentoringSchema, paginated=True
)
@login_required
def mentoring() -> Any:
    return _page(MentoringSchema, services.requests_query(me().id))


@bp.post("/mentoring")
@api_doc(
    summary="Ask a member for mentoring in a skill they offer",
    body=AskSchema,
    response=MentoringSchema,
    status=201,
)
@login_required
def ask() -> Any:
    data = load(AskSchema)
    session = db_session()
    try:
        skill = services.get_skill(session, data["skill_id"])
    except NotFound as exc:
        raise BadInput(exc.message, fields={"skill_id": exc.message}, code="unknown_skill") from exc
    found = services.ask_mentoring(session, me(), skill, data["message"])
    session.commit()
    return dump(MentoringSchema, found), 201


@bp.post("/mentoring/<int:request_id>/answer")
@api_doc(
    summary="Accept or decline a mentoring request made to me", body=AnswerSchema, response=MentoringSchema
)
@login_required
def answer(request_id: int) -> Any:
    data = load(AnswerSchema)
    session = db_session()
    found = services.get_request(session, me(), request_id)
    services.answer_mentoring(session, me(), found, data["accept"])
    session.commit()
    return dump(MentoringSchema, found)


@bp.get("/recommendations")
@api_doc(summary="Courses guides recommended to me", response=RecommendationSchema, paginated=True)
@login_required
def recommendations() -> Any:
    return _page(RecommendationSchema, services.recommendations_query(me().id))


@bp.post("/recommendations")
@api_doc(
    summary="Recommend a published course to a member of my area (guides)",
    body=RecommendSchema,
    response=RecommendationSchema,
    status=201,
)
@permission_required(services.RECOMMEND)
def recommend() -> Any:
    """403 when the member lives outside the guide's area; nothing is sent then."""
    data = load(RecommendSchema)
    session = db_session()
    course = services.get_course(session, data["course_id"]) if data["course_id"] else None
    if course is None:
        message = _("Choose a published course.")
        raise BadInput(message, fields={"course_id": message})
    found = services.recommend(session, me(), who=data["member"], course=course, note=data["note"])
    session.commit()
    return dump(RecommendationSchema, found), 201
