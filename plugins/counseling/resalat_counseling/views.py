"""Counselling pages: counsellors, a counsellor's free times, booking (confirmed first), my
bookings, a booking's page (messages, summary, rating, cancel, move), the counsellor's calendar
and hours, and the guide's book-for page."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    BadInput,
    _,
    _l,
    can,
    chosen_id,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    parse_jalali_date,
    permission_required,
    read_count,
)

from . import BOOK_FOR, COUNSEL, plugin, services
from .models import BOOKED, MODES

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "clock": lambda moment: services.in_tehran(moment).strftime("%H:%M"),
        "local_day": services.tehran_day,
        "weekday": lambda day: services.WEEKDAY_LABELS[day.weekday()],
        "weekday_label": services.WEEKDAY_LABELS,
        "mode_label": services.MODE_LABELS,
        "status_label": services.STATUS_LABELS,
        "BOOKED": BOOKED,
        "stamp": lambda moment: moment.strftime("%Y-%m-%dT%H:%M"),
    }


def read_moment(value: Any, field: str = "starts_at") -> datetime:
    """A slot's start as the pages carry it (naive UTC, minutes), or BadInput."""
    try:
        moment = datetime.strptime(str(value or ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        message = _l("Choose one of the free times.")
        raise BadInput(message, fields={field: [message]}) from None
    return moment


def _read_time(value: str, field: str) -> time:
    from resalat_core.sdk import to_latin_digits

    try:
        return datetime.strptime(to_latin_digits(value or "").strip(), "%H:%M").time()
    except ValueError:
        message = _l("Enter a time like 09:30.")
        raise BadInput(message, fields={field: [message]}) from None


# --- counsellors -----------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """Counsellors, those of my province first, then the best rated; search by topic."""
    session = db_session()
    member = me()
    topic = request.args.get("topic", "")[:100]
    return render_template(
        "counseling/index.html",
        page=paginate(session, services.counselors_query(member, topic)),
        topic=topic,
        counselor=services.is_counselor(member),
        book_for=can(BOOK_FOR),
    )


@bp.get("/counselors/<int:counselor_id>")
@login_required
def counselor(counselor_id: int) -> Any:
    """A counsellor's profile, topics, rating and free times by day."""
    session = db_session()
    found = services.get_counselor(session, counselor_id)
    slots = services.free_slots(session, found)
    return render_template(
        "counseling/counselor.html",
        counselor=found,
        days=services.slots_by_day(slots),
        member_for=request.args.get("for", "")[:20],
        own=found.member_id == me().id,
    )


def _book_page(counselor_id: int, errors: dict[str, str], status: int, ready: Any = None) -> Any:
    session = db_session()
    found = services.get_counselor(session, counselor_id)
    values = request.form if request.method == "POST" else request.args
    try:
        at = read_moment(values.get("at"))
    except BadInput:
        flash(_("Choose one of the free times."), "warning")
        return redirect(url_for(".counselor", counselor_id=counselor_id))
    return render_template(
        "counseling/book.html",
        counselor=found,
        at=at,
        ends_at=None,
        errors=errors,
        topic_id=chosen_id(values.get("topic_id")),
        need=values.get("need", ""),
        member_for=values.get("for", ""),
        book_for=can(BOOK_FOR),
        key=values.get("key") or uuid.uuid4().hex,
        ready=ready,
    ), status


@bp.get("/counselors/<int:counselor_id>/book")
@login_required
def book_form(counselor_id: int) -> Any:
    """Step one: the time chosen; pick a topic and say what you need."""
    return _book_page(counselor_id, {}, 200)


def _plan_args(session: Any, counselor_id: int) -> dict[str, Any]:
    form = request.form
    member = None
    if form.get("for", "").strip():
        if not can(BOOK_FOR):
            message = _l("Only a guide books a session for another member.")
            raise BadInput(message, fields={"for": [message]})
        member = services.for_whom(session, me(), form["for"])
    topic_id = chosen_id(form.get("topic_id"))
    if topic_id is None:
        message = _l("Choose one of the counsellor's topics.")
        raise BadInput(message, fields={"topic_id": [message]})
    return {
        "counselor_id": counselor_id,
        "topic_id": topic_id,
        "starts_at": read_moment(form.get("at")),
        "need": form.get("need", ""),
        "member": member,
    }


@bp.post("/counselors/<int:counselor_id>/book")
@login_required
def book(counselor_id: int) -> Any:
    """Step two (``review``): the confirmation page, nothing written; step three: book."""
    session = db_session()
    if request.form.get("step") != "confirm":
        try:
            ready = services.plan(session, me(), **_plan_args(session, counselor_id))
        except services.FORM_ERRORS as exc:
            session.rollback()
            return _book_page(counselor_id, exc.form_errors(), exc.status)
        return _book_page(counselor_id, {}, 200, ready=ready)
    return handle_form(
        lambda s: services.book(s, me(), key=request.form.get("key", ""), **_plan_args(s, counselor_id)),
        again=lambda errors, status: _book_page(counselor_id, errors, status),
        to=lambda booking: url_for(".booking", booking_id=booking.id),
        done=_l("Booked. The counsellor has been told."),
    )


# --- bookings --------------------------------------------------------------------------------


@bp.get("/bookings")
@login_required
def mine() -> Any:
    """My bookings (and those I made for members of my area), latest first."""
    session = db_session()
    return render_template(
        "counseling/mine.html",
        page=paginate(session, services.my_bookings_query(me())),
        now=services.now(),
    )


def _booking_page(booking_id: int, errors: dict[str, str], status: int) -> Any:
    session = db_session()
    member = me()
    found = services.visible_booking(session, member, booking_id)
    party = member.id in (found.member_id, found.counselor.member_id)
    page_no, per_page = page_args()
    notes = paginate(session, services.notes_query(found), page_no, per_page) if party else None
    return render_template(
        "counseling/booking.html",
        booking=found,
        notes=notes,
        party=party,
        is_counselor=member.id == found.counselor.member_id,
        is_member=member.id == found.member_id,
        over=services.is_over(found),
        started=services.has_started(found),
        can_change=found.status == BOOKED
        and found.starts_at - timedelta(hours=int(plugin.setting("cancel_hours"))) >= services.now(),
        cancel_hours=int(plugin.setting("cancel_hours")),
        errors=errors,
        form=request.form if request.method == "POST" else {},
    ), status


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int) -> Any:
    """Its status, what the member needs, messages, summary and rating, and what I may do."""
    return _booking_page(booking_id, {}, 200)


def _act(booking_id: int, act: Any, done: Any, anchor: str = "") -> Any:
    return handle_form(
        act,
        again=lambda errors, status: _booking_page(booking_id, errors, status),
        to=url_for(".booking", booking_id=booking_id) + anchor,
        done=done,
    )


@bp.post("/bookings/<int:booking_id>/notes")
@login_required
def add_note(booking_id: int) -> Any:
    return _act(
        booking_id,
        lambda s: services.add_note(s, me(), booking_id, request.form.get("body", "")),
        _l("Sent."),
        "#notes",
    )


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int) -> Any:
    return _act(
        booking_id,
        lambda s: services.cancel(s, me(), booking_id, request.form.get("reason", "")),
        _l("Cancelled. The other side has been told."),
    )


@bp.post("/bookings/<int:booking_id>/summary")
@login_required
def summary(booking_id: int) -> Any:
    return _act(
        booking_id,
        lambda s: services.write_summary(s, me(), booking_id, request.form.get("summary", "")),
        _l("The summary is saved; the member keeps it on this page."),
    )


@bp.post("/bookings/<int:booking_id>/rating")
@login_required
def rating(booking_id: int) -> Any:
    def act(s: Any) -> Any:
        stars = read_count(request.form.get("rating"), field="rating", minimum=1, maximum=5)
        return services.rate(s, me(), booking_id, int(stars or 0), request.form.get("comment", ""))

    return _act(booking_id, act, _l("Thank you for rating the session."))


@bp.get("/bookings/<int:booking_id>/move")
@login_required
def move_form(booking_id: int) -> Any:
    """The counsellor's other free times to move a booking to."""
    session = db_session()
    found = services.visible_booking(session, me(), booking_id)
    return render_template(
        "counseling/move.html",
        booking=found,
        days=services.slots_by_day(services.free_slots(session, found.counselor)),
    )


@bp.post("/bookings/<int:booking_id>/move")
@login_required
def move(booking_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".booking", booking_id=booking_id))

    return handle_form(
        lambda s: services.reschedule(s, me(), booking_id, read_moment(request.form.get("at"))),
        again=again,
        to=url_for(".booking", booking_id=booking_id),
        done=_l("Moved. The other side has been told."),
    )


# --- the counsellor --------------------------------------------------------------------------


@bp.get("/calendar")
@permission_required(COUNSEL)
def calendar() -> Any:
    """The counsellor's week, a list by day that reads on a phone; ``?week=1`` the next one."""
    session = db_session()
    week = read_count(request.args.get("week", "0"), field="week", minimum=0, maximum=52) or 0
    profile = services.counselor_of(session, me())
    first = services.tehran_day(services.now()) + timedelta(days=7 * week)
    return render_template(
        "counseling/calendar.html",
        profile=profile,
        week=week,
        days=services.calendar(session, profile, first) if profile else [],
        to_summarise=paginate(session, services.to_summarise_query(profile), 1, 5) if profile else None,
    )


def _hours_page(errors: dict[str, str], status: int) -> Any:
    session = db_session()
    profile = services.counselor_of(session, me())
    return render_template(
        "counseling/hours.html",
        profile=profile,
        hours=services.hours_of(session, profile) if profile else [],
        # Days off can be set far ahead: the nearest first, a page at a time.
        days_off=paginate(session, services.days_off_query(profile)) if profile else None,
        week=services.WEEK,
        modes=MODES,
        errors=errors,
        form=request.form if request.method == "POST" else {},
    ), status


@bp.get("/hours")
@permission_required(COUNSEL)
def hours() -> Any:
    """My profile, topics, weekly hours and days off."""
    return _hours_page({}, 200)


def _edit(act: Any, done: Any) -> Any:
    return handle_form(act, again=_hours_page, to=url_for(".hours"), done=done)


@bp.post("/hours/profile")
@permission_required(COUNSEL)
def save_profile() -> Any:
    form = request.form
    return _edit(
        lambda s: services.update_profile(s, me(), form.get("bio", ""), form.get("languages", "")),
        _l("Saved."),
    )


@bp.post("/hours/topics")
@permission_required(COUNSEL)
def add_topic() -> Any:
    form = request.form
    return _edit(
        lambda s: services.add_topic(s, me(), form.get("title", ""), form.get("description", "")),
        _l("Saved."),
    )


@bp.post("/hours/topics/<int:topic_id>/remove")
@permission_required(COUNSEL)
def remove_topic(topic_id: int) -> Any:
    return _edit(lambda s: services.remove_topic(s, me(), topic_id), _l("Removed."))


@bp.post("/hours/add")
@permission_required(COUNSEL)
def add_hours() -> Any:
    form = request.form

    def act(s: Any) -> Any:
        weekday = read_count(form.get("weekday"), field="weekday", minimum=0, maximum=6)
        minutes = read_count(form.get("slot_minutes"), field="slot_minutes", minimum=15, maximum=240)
        return services.add_hours(
            s,
            me(),
            int(weekday or 0),
            _read_time(form.get("starts", ""), "starts"),
            _read_time(form.get("ends", ""), "ends"),
            int(minutes or 0),
            form.get("mode", ""),
        )

    return _edit(act, _l("Saved."))


@bp.post("/hours/<int:hours_id>/remove")
@permission_required(COUNSEL)
def remove_hours(hours_id: int) -> Any:
    return _edit(lambda s: services.remove_hours(s, me(), hours_id), _l("Removed."))


@bp.post("/hours/days-off")
@permission_required(COUNSEL)
def add_day_off() -> Any:
    return _edit(
        lambda s: services.add_day_off(s, me(), parse_jalali_date(request.form.get("day", ""), "day")),
        _l("Saved."),
    )


@bp.post("/hours/days-off/<int:off_id>/remove")
@permission_required(COUNSEL)
def remove_day_off(off_id: int) -> Any:
    return _edit(lambda s: services.remove_day_off(s, me(), off_id), _l("Removed."))


# --- the guide -------------------------------------------------------------------------------


@bp.get("/book-for")
@permission_required(BOOK_FOR)
def book_for() -> Any:
    """Find a member of my area by mobile or national code, then choose a counsellor for them."""
    session = db_session()
    identifier = request.args.get("member", "").strip()[:20]
    found, errors = None, {}
    if identifier:
        try:
            found = services.for_whom(session, me(), identifier)
        except BadInput as exc:
            errors = exc.form_errors()
    return render_template(
        "counseling/book_for.html",
        identifier=identifier,
        found=found,
        errors=errors,
        page=paginate(session, services.counselors_query(found)) if found else None,
    ), (400 if errors else 200)
