"""M-Maher's pages: home, skills, catalogue, course and lesson, editors, certificates, coaches, mentoring."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from resalat_cores import services as cores
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    Page,
    _,
    _l,
    can,
    current_member,
    db_session,
    file_response,
    flash_back,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    public,
    read_count,
    render,
)
from resalat_maher import services
from resalat_maher.models import LEVELS, MODES, Course

bp = Blueprint("maher", __name__, url_prefix="/maher")

# Short lists on the home page; each has its own paginated page or the API for more.
HOME_ROWS = 10


def _labels() -> dict[str, Any]:
    return {
        "level_labels": services.LEVEL_LABELS,
        "mode_labels": services.MODE_LABELS,
        "status_labels": services.STATUS_LABELS,
        "request_labels": services.REQUEST_LABELS,
        "level_options": [(level, services.LEVEL_LABELS[level]) for level in LEVELS],
        "mode_options": [(mode, services.MODE_LABELS[mode]) for mode in MODES],
    }


def _fields(session: Session) -> list[Any]:
    found = cores.fields(session)
    session.commit()  # the brochure's fields, if this first look seeded them
    return found


def _bad_search(exc: BadInput, per_page: int) -> tuple[dict[str, str], Page[Any]]:
    return exc.form_errors(), Page(items=[], page=1, per_page=per_page, total=0)


# --- home --------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def home() -> Any:
    """My learning, my teaching, recommendations, certificates and what waits in mentoring."""
    session = db_session()
    member = me()
    learning = list(session.scalars(services.learning_query(member.id).limit(HOME_ROWS)).unique())
    teaching = list(
        session.scalars(services.taught_by_query(member.id, drafts=True).limit(HOME_ROWS)).unique()
    )
    counts = services.lesson_counts(session, [e.course_id for e in learning] + [c.id for c in teaching])
    return render_template(
        "maher/home.html",
        learning=learning,
        done=services.done_counts(session, [e.id for e in learning]),
        teaching=teaching,
        lesson_counts=counts,
        recommendations=list(
            session.scalars(services.recommendations_query(member.id).limit(HOME_ROWS)).unique()
        ),
        waiting=services.waiting_for(session, member.id),
        skills=services.skills_of(session, member.id),
        may_recommend=can(services.RECOMMEND),
        **_labels(),
    )


# --- skills ------------------------------------------------------------------------------------


def _skills_page(values: Any, errors: dict[str, str], status: int = 200, skill: Any = None) -> Any:
    session = db_session()
    member = me()
    return render_template(
        "maher/skills.html",
        skills=services.skills_of(session, member.id),
        values=values,
        errors=errors,
        editing=skill,
        fields=_fields(session),
        places=cores.provinces_and_places(session),
        my_region=member.region.code,
        **_labels(),
    ), status


def _skill_act(skill_id: int | None) -> Any:
    form = request.form

    def act(session: Session) -> Any:
        member = me()
        try:
            years = read_count(form.get("years", ""), field="years", required=False) or 0
        except BadInput:
            years = -1  # the service names it with every other mistake at once
        return services.save_skill(
            session,
            member,
            name=form.get("name", ""),
            field=form.get("field", ""),
            level=form.get("level", ""),
            years=years,
            description=form.get("description", ""),
            mentoring=form.get("mentoring") == "1",
            mode=form.get("mode", "in_person"),
            region=form.get("region", ""),
            skill=services.my_skill(session, member, skill_id) if skill_id else None,
        )

    return handle_form(
        act,
        again=lambda errors, status: _skills_page(form, errors, status, skill_id),
        to=url_for("maher.skills"),
        done=_l("Your skill is saved."),
    )


@bp.get("/skills")
@login_required
def skills() -> Any:
    return _skills_page({"level": "skilled", "years": "", "region": me().region.code}, {})


@bp.post("/skills")
@login_required
def add_skill() -> Any:
    return _skill_act(None)


@bp.get("/skills/<int:skill_id>/edit")
@login_required
def edit_skill_form(skill_id: int) -> Any:
    skill = services.my_skill(db_session(), me(), skill_id)
    values = {
        "name": skill.name,
        "field": skill.field.code,
        "level": skill.level,
        "years": str(skill.years),
        "description": skill.description,
        "mentoring": "1" if skill.mentoring else "",
        "mode": skill.mode,
        "region": skill.region.code,
    }
    return _skills_page(values, {}, skill=skill_id)


@bp.post("/skills/<int:skill_id>/edit")
@login_required
def edit_skill(skill_id: int) -> Any:
    return _skill_act(skill_id)


@bp.post("/skills/<int:skill_id>/delete")
@login_required
def delete_skill(skill_id: int) -> Any:
    session = db_session()
    services.delete_skill(session, me(), skill_id)
    session.commit()
    flash(render(_l("The skill is removed.")), "success")
    return redirect(url_for("maher.skills"))


# --- catalogue, course and lesson --------------------------------------------------------------


@bp.get("/courses")
@public
def catalogue() -> Any:
    """Published courses by field and words of the title, a page at a time."""
    session = db_session()
    page_no, per_page = page_args()
    errors: dict[str, str] = {}
    try:
        filters = services.coach_filters(session, field=request.args.get("field"), q=request.args.get("q"))
        result = paginate(
            session, services.catalogue_query(field=filters["field"], q=filters["q"]), page_no, per_page
        )
    except BadInput as exc:
        errors, result = _bad_search(exc, per_page)
    return render_template(
        "maher/catalogue.html",
        page=result,
        lesson_counts=services.lesson_counts(session, [c.id for c in result.items]),
        errors=errors,
        args=request.args,
        fields=_fields(session),
        **_labels(),
    ), (400 if errors else 200)


@bp.get("/courses/<int:course_id>")
@public
def course(course_id: int) -> Any:
    session = db_session()
    viewer = current_member()
    found = services.visible_course(session, viewer, course_id)
    lessons = services.lessons_of(session, found)
    enrolment = services.enrolment_of(session, viewer, found) if viewer is not None else None
    done = services.done_ids(session, enrolment)
    return render_template(
        "maher/course.html",
        course=found,
        lessons=lessons,
        enrolment=enrolment,
        done=done,
        next_lesson=services.first_open(lessons, done),
        author=services.is_author(viewer, found),
        learners=services.learner_count(session, found),
        **_labels(),
    )


@bp.post("/courses/<int:course_id>/enrol")
@login_required
def enrol(course_id: int) -> Any:
    found = services.visible_course(db_session(), me(), course_id)
    back = url_for("maher.course", course_id=course_id)
    return handle_form(
        lambda s: services.enrol(s, me(), found),
        again=flash_back(back),
        to=back,
        done=_l("You are enrolled. Start with the first lesson."),
    )


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>")
@login_required
def lesson(course_id: int, lesson_id: int) -> Any:
    session = db_session()
    found = services.visible_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    try:
        state = services.open_lesson(session, me(), found, item)
    except BadInput as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("maher.course", course_id=course_id))
    lessons = state["lessons"]
    index = next(n for n, x in enumerate(lessons) if x.id == item.id)
    return render_template(
        "maher/lesson.html",
        course=found,
        lesson=item,
        number=index + 1,
        total=len(lessons),
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        previous=lessons[index - 1] if index > 0 else None,
        is_done=item.id in state["done"],
        author=state["author"],
        **_labels(),
    )


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>/files/<which>")
@login_required
def lesson_file(course_id: int, lesson_id: int, which: str) -> Any:
    """A lesson's picture or PDF, for its author and for learners the lesson is open to (the
    files are private: the host's own address would show them to their owner only)."""
    if which not in ("image", "thumb", "attachment"):
        raise NotFound(_("No such file."), code="unknown_file")
    session = db_session()
    found = services.visible_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    try:
        services.open_lesson(session, me(), found, item)
    except BadInput as exc:
        raise NotFound(_("No such file."), code="unknown_file") from exc
    stored = item.attachment if which == "attachment" else item.image
    if stored is None:
        raise NotFound(_("No such file."), code="unknown_file")
    return file_response(stored, thumb=which == "thumb", download=which == "attachment")


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/done")
@login_required
def lesson_done(course_id: int, lesson_id: int) -> Any:
    session = db_session()
    found = services.visible_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    before = services.enrolment_of(session, me(), found)
    was_complete = before is not None and before.completed_at is not None
    try:
        enrolment = services.mark_done(session, me(), found, item)
    except BadInput as exc:
        session.rollback()
        flash(str(exc.message), "warning")
        return redirect(url_for("maher.course", course_id=course_id))
    session.commit()
    if enrolment.certificate_code and not was_complete:
        flash(render(_l("Well done: you completed the course. Here is your certificate.")), "success")
        return redirect(url_for("maher.certificate", code=enrolment.certificate_code))
    lessons = services.lessons_of(session, found)
    after = services.first_open(lessons, services.done_ids(session, enrolment))
    if after is not None:
        return redirect(url_for("maher.lesson", course_id=course_id, lesson_id=after.id))
    return redirect(url_for("maher.course", course_id=course_id))


# --- the author's editors ----------------------------------------------------------------------


def _course_form(values: Any, errors: dict[str, str], status: int = 200, course: Course | None = None) -> Any:
    session = db_session()
    return render_template(
        "maher/course_edit.html",
        course=course,
        lessons=services.lessons_of(session, course) if course is not None else [],
        learners=services.learner_count(session, course) if course is not None else 0,
        values=values,
        errors=errors,
        fields=_fields(session),
        **_labels(),
    ), status


@bp.get("/courses/new")
@login_required
def new_course_form() -> Any:
    return _course_form({"level": "beginner"}, {})


@bp.post("/courses/new")
@login_required
def new_course() -> Any:
    form = request.form
    return handle_form(
        lambda session: services.create_course(
            session,
            me(),
            title=form.get("title", ""),
            summary=form.get("summary", ""),
            field=form.get("field", ""),
            level=form.get("level", ""),
            cover=request.files.get("cover"),
        ),
        again=lambda errors, status: _course_form(form, errors, status),
        to=lambda c: url_for("maher.edit_course_form", course_id=c.id),
        done=_l("The course is saved as a draft. Add its lessons, then publish it."),
    )


@bp.get("/courses/<int:course_id>/edit")
@login_required
def edit_course_form(course_id: int) -> Any:
    found = services.own_course(db_session(), me(), course_id)
    values = {"title": found.title, "summary": found.summary, "field": found.field.code, "level": found.level}
    return _course_form(values, {}, course=found)


@bp.post("/courses/<int:course_id>/edit")
@login_required
def edit_course(course_id: int) -> Any:
    form = request.form
    found = services.own_course(db_session(), me(), course_id)
    return handle_form(
        lambda session: services.update_course(
            session,
            me(),
            found,
            title=form.get("title", ""),
            summary=form.get("summary", ""),
            field=form.get("field", ""),
            level=form.get("level", ""),
            cover=request.files.get("cover"),
            remove_cover=form.get("remove_cover") == "1",
        ),
        again=lambda errors, status: _course_form(form, errors, status, found),
        to=url_for("maher.edit_course_form", course_id=course_id),
        done=_l("The course is saved."),
    )


@bp.post("/courses/<int:course_id>/publish")
@login_required
def publish(course_id: int) -> Any:
    found = services.own_course(db_session(), me(), course_id)
    wanted = request.form.get("published") == "1"
    back = url_for("maher.edit_course_form", course_id=course_id)
    return handle_form(
        lambda s: services.set_published(s, me(), found, wanted),
        again=flash_back(back),
        to=back,
        done=_l("The course is published.") if wanted else _l("The course is a draft again."),
    )


def _lesson_form(
    course: Course, values: Any, errors: dict[str, str], status: int = 200, lesson: Any = None
) -> Any:
    return render_template(
        "maher/lesson_edit.html", course=course, lesson=lesson, values=values, errors=errors, **_labels()
    ), status


@bp.get("/courses/<int:course_id>/lessons/new")
@login_required
def new_lesson_form(course_id: int) -> Any:
    return _lesson_form(services.own_course(db_session(), me(), course_id), {}, {})


@bp.post("/courses/<int:course_id>/lessons/new")
@login_required
def new_lesson(course_id: int) -> Any:
    form = request.form
    found = services.own_course(db_session(), me(), course_id)
    return handle_form(
        lambda session: services.add_lesson(
            session,
            me(),
            found,
            title=form.get("title", ""),
            body=form.get("body", ""),
            image=request.files.get("image"),
            attachment=request.files.get("attachment"),
        ),
        again=lambda errors, status: _lesson_form(found, form, errors, status),
        to=url_for("maher.edit_course_form", course_id=course_id),
        done=_l("The lesson is added."),
    )


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>/edit")
@login_required
def edit_lesson_form(course_id: int, lesson_id: int) -> Any:
    session = db_session()
    found = services.own_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    return _lesson_form(found, {"title": item.title, "body": item.body}, {}, lesson=item)


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/edit")
@login_required
def edit_lesson(course_id: int, lesson_id: int) -> Any:
    form = request.form
    session = db_session()
    found = services.own_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    return handle_form(
        lambda s: services.update_lesson(
            s,
            me(),
            item,
            title=form.get("title", ""),
            body=form.get("body", ""),
            image=request.files.get("image"),
            attachment=request.files.get("attachment"),
            remove_image=form.get("remove_image") == "1",
            remove_attachment=form.get("remove_attachment") == "1",
        ),
        again=lambda errors, status: _lesson_form(found, form, errors, status, item),
        to=url_for("maher.edit_course_form", course_id=course_id),
        done=_l("The lesson is saved."),
    )


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/move")
@login_required
def move_lesson(course_id: int, lesson_id: int) -> Any:
    session = db_session()
    found = services.own_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    services.move_lesson(session, me(), item, request.form.get("direction", ""))
    session.commit()
    return redirect(url_for("maher.edit_course_form", course_id=course_id))


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/delete")
@login_required
def delete_lesson(course_id: int, lesson_id: int) -> Any:
    session = db_session()
    found = services.own_course(session, me(), course_id)
    item = services.get_lesson(session, found, lesson_id)
    back = url_for("maher.edit_course_form", course_id=course_id)
    return handle_form(
        lambda s: services.delete_lesson(s, me(), item),
        again=flash_back(back),
        to=back,
        done=_l("The lesson is removed."),
    )


@bp.get("/courses/<int:course_id>/learners")
@login_required
def learners(course_id: int) -> Any:
    """The author sees who is enrolled and how far each has come."""
    session = db_session()
    found = services.own_course(session, me(), course_id)
    page_no, per_page = page_args()
    result = paginate(session, services.learners_query(found.id), page_no, per_page)
    return render_template(
        "maher/learners.html",
        course=found,
        page=result,
        done=services.done_counts(session, [e.id for e in result.items]),
        total=services.lesson_count(session, found),
        **_labels(),
    )


# --- certificates ------------------------------------------------------------------------------


@bp.get("/certificates/<string:code>")
@public
def certificate(code: str) -> Any:
    """Anyone may verify a certificate by its code: name, course, date; a wrong code is a 404 page."""
    try:
        found = services.certificate(db_session(), code)
    except NotFound:
        return render_template("maher/certificate.html", enrolment=None, code=code, **_labels()), 404
    return render_template(
        "maher/certificate.html", enrolment=found, code=found.certificate_code, **_labels()
    )


# --- coaches and profiles ----------------------------------------------------------------------


@bp.get("/coaches")
@login_required
def coaches() -> Any:
    """Find a coach: members' skills by words, field and place (a province brings its places)."""
    session = db_session()
    args = request.args
    page_no, per_page = page_args()
    errors: dict[str, str] = {}
    try:
        filters = services.coach_filters(
            session, field=args.get("field"), region=args.get("region"), q=args.get("q")
        )
        stmt = services.coaches_query(
            field=filters["field"],
            region_ids=filters["region_ids"],
            q=filters["q"],
            mentoring_only=args.get("mentoring") == "1",
        )
        result = paginate(session, stmt, page_no, per_page)
    except BadInput as exc:
        errors, result = _bad_search(exc, per_page)
    return render_template(
        "maher/coaches.html",
        page=result,
        errors=errors,
        args=args,
        fields=_fields(session),
        places=cores.provinces_and_places(session),
        **_labels(),
    ), (400 if errors else 200)


@bp.get("/members/<int:member_id>")
@login_required
def profile(member_id: int) -> Any:
    """A member's skills, the courses they teach and their mentoring offers."""
    session = db_session()
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(_("No such member."), code="unknown_member")
    skills = services.skills_of(session, member.id)
    taught = list(session.scalars(services.taught_by_query(member.id).limit(50)).unique())
    return render_template(
        "maher/profile.html",
        member=member,
        skills=skills,
        courses=taught,
        lesson_counts=services.lesson_counts(session, [c.id for c in taught]),
        mine=member.id == me().id,
        **_labels(),
    )


# --- mentoring ---------------------------------------------------------------------------------


@bp.get("/mentoring")
@login_required
def mentoring() -> Any:
    session = db_session()
    page_no, per_page = page_args()
    result = paginate(session, services.requests_query(me().id), page_no, per_page)
    return render_template("maher/mentoring.html", page=result, me_id=me().id, **_labels())


def _ask_page(skill: Any, values: Any, errors: dict[str, str], status: int = 200) -> Any:
    return render_template("maher/ask.html", skill=skill, values=values, errors=errors, **_labels()), status


@bp.get("/mentoring/ask/<int:skill_id>")
@login_required
def ask_form(skill_id: int) -> Any:
    return _ask_page(services.get_skill(db_session(), skill_id), {}, {})


@bp.post("/mentoring/ask/<int:skill_id>")
@login_required
def ask(skill_id: int) -> Any:
    form = request.form
    skill = services.get_skill(db_session(), skill_id)
    return handle_form(
        lambda session: services.ask_mentoring(session, me(), skill, form.get("message", "")),
        again=lambda errors, status: _ask_page(skill, form, errors, status),
        to=url_for("maher.mentoring"),
        done=_l("Your request is sent. The mentor's answer will reach you here."),
    )


@bp.post("/mentoring/<int:request_id>/answer")
@login_required
def answer(request_id: int) -> Any:
    found = services.get_request(db_session(), me(), request_id)
    accept = request.form.get("answer") == "accept"
    return handle_form(
        lambda s: services.answer_mentoring(s, me(), found, accept),
        again=flash_back(url_for("maher.mentoring")),
        to=url_for("maher.mentoring"),
        done=_l("Your answer is sent."),
    )


# --- a guide's recommendation ------------------------------------------------------------------


def _recommend_page(values: Any, errors: dict[str, str], status: int = 200) -> Any:
    session = db_session()
    page_no, per_page = page_args()
    return render_template(
        "maher/recommend.html",
        values=values,
        errors=errors,
        course_options=[
            (str(c.id), c.title) for c in session.scalars(services.catalogue_query().limit(100)).unique()
        ],
        sent=paginate(session, services.recommended_by_query(me().id), page_no, per_page),
        **_labels(),
    ), status


@bp.get("/recommend")
@permission_required(services.RECOMMEND)
def recommend_form() -> Any:
    return _recommend_page({"who": request.args.get("who", ""), "course": request.args.get("course", "")}, {})


@bp.post("/recommend")
@permission_required(services.RECOMMEND)
def recommend() -> Any:
    form = request.form

    def act(session: Session) -> Any:
        course_id = read_count(form.get("course", ""), field="course", minimum=1, maximum=2**31 - 1)
        found = session.get(Course, course_id or 0)
        if found is None:
            message = _("Choose a published course.")
            raise BadInput(message, fields={"course": message})
        return services.recommend(
            session, me(), who=form.get("who", ""), course=found, note=form.get("note", "")
        )

    try:
        return handle_form(
            act,
            again=lambda errors, status: _recommend_page(form, errors, status),
            to=url_for("maher.recommend_form"),
            done=_l("Your recommendation is sent."),
        )
    except NotAllowed as exc:
        # A member outside the guide's area: the form stays, with the reason, and nothing is sent.
        db_session().rollback()
        return _recommend_page(form, {"_form": str(exc.message)}, exc.status)
