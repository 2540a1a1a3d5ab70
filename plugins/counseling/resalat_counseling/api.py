"""The counselling JSON API: counsellors and their free slots, booking (idempotent), my bookings,
cancel and move, a booking's messages, summary and rating, and the counsellor's hours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    BadInput,
    _l,
    api_doc,
    can,
    db_session,
    dump,
    idempotent,
    load,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
)

from . import BOOK_FOR, COUNSEL, plugin, services
from .models import Booking, CounselNote, Counselor
from .schemas import (
    BookingSchema,
    CancelSchema,
    CounselorSchema,
    HoursSchema,
    MoveSchema,
    NewBookingSchema,
    NewNoteSchema,
    NewTopicSchema,
    NoteSchema,
    ProfileSchema,
    RatingSchema,
    SlotSchema,
    SummarySchema,
    TopicSchema,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


def _counselor(c: Counselor) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.member.name,
        "region": c.member.region.code,
        "bio": c.bio,
        "languages": c.languages,
        "rating": c.rating,
        "rating_count": c.rating_count,
        "topics": [{"id": t.id, "title": t.title, "description": t.description} for t in c.topics],
    }


def _booking(b: Booking) -> dict[str, Any]:
    return {
        "id": b.id,
        "counselor_id": b.counselor_id,
        "counselor_name": b.counselor.member.name,
        "member_id": b.member_id,
        "member_name": b.member.name,
        "booked_by_id": b.booked_by_id,
        "topic_id": b.topic_id,
        "topic": b.topic.title,
        "starts_at": b.starts_at,
        "ends_at": b.ends_at,
        "mode": b.mode,
        "status": b.status,
        "need": b.need,
        "cancel_reason": b.cancel_reason,
        "summary": b.summary,
        "rating": b.rating,
        "rating_comment": b.rating_comment,
        "created_at": b.created_at,
    }


def _note(n: CounselNote) -> dict[str, Any]:
    return {
        "id": n.id,
        "author_id": n.author_id,
        "author_name": n.author.name,
        "body": n.body,
        "created_at": n.created_at,
    }


def _naive_utc(moment: datetime) -> datetime:
    """An RFC 3339 time as stored: naive UTC (a slot's start matches exactly or not at all)."""
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):  # the first or last moment of the calendar, shifted off it
        message = _l("Choose one of the free times.")
        raise BadInput(message, fields={"starts_at": [message]}) from None


@bp.get("/counselors")
@api_doc(
    summary="Counsellors: those of my province first, then the best rated",
    response=CounselorSchema,
    paginated=True,
    query={"topic": "words of a topic to search for"},
)
@login_required
def counselors() -> Any:
    page, per_page = page_args()
    topic = request.args.get("topic", "")[:100]
    found = paginate(db_session(), services.counselors_query(me(), topic), page, per_page)
    return {
        "items": dump(CounselorSchema, [_counselor(c) for c in found.items], many=True),
        "meta": found.meta(),
    }


@bp.get("/counselors/<int:counselor_id>")
@api_doc(summary="A counsellor's profile", response=CounselorSchema)
@login_required
def counselor(counselor_id: int) -> Any:
    return dump(CounselorSchema, _counselor(services.get_counselor(db_session(), counselor_id)))


@bp.get("/counselors/<int:counselor_id>/slots")
@api_doc(summary="A counsellor's free slots for the coming days", response=SlotSchema, paginated=True)
@login_required
def slots(counselor_id: int) -> Any:
    """Weekly hours minus days off and booked sessions, soonest first (a page of them)."""
    page, per_page = page_args()
    session = db_session()
    found = services.free_slots(session, services.get_counselor(session, counselor_id))
    total = len(found)
    chunk = found[(page - 1) * per_page : page * per_page]
    meta = {"page": page, "per_page": per_page, "total": total, "pages": max(1, -(-total // per_page))}
    items = [{"starts_at": s.starts_at, "ends_at": s.ends_at, "mode": s.mode} for s in chunk]
    return {"items": dump(SlotSchema, items, many=True), "meta": meta}


@bp.post("/bookings")
@api_doc(
    summary="Book a free slot (a guide: for a member of their area)",
    body=NewBookingSchema,
    response=BookingSchema,
    status=201,
)
@login_required
@idempotent
def book() -> Any:
    """A slot someone else has just booked is a 409 (``slot_taken``); a slot in the past or
    outside the counsellor's hours, or a member busy then, is a 400. Nothing is written."""
    data = load(NewBookingSchema)
    session = db_session()
    actor = me()
    member = None
    if data["member"]:
        if not can(BOOK_FOR, member=actor):
            message = _l("Only a guide books a session for another member.")
            raise BadInput(message, fields={"member": [message]})
        member = services.for_whom(session, actor, data["member"])
    found = services.book(
        session,
        actor,
        counselor_id=data["counselor_id"],
        topic_id=data["topic_id"],
        starts_at=_naive_utc(data["starts_at"]),
        need=data["need"],
        key=request.headers["Idempotency-Key"].strip(),
        member=member,
    )
    session.commit()
    return dump(BookingSchema, _booking(found)), 201


@bp.get("/bookings")
@api_doc(
    summary="My bookings (and those I made for others), latest first", response=BookingSchema, paginated=True
)
@login_required
def bookings() -> Any:
    page, per_page = page_args()
    found = paginate(db_session(), services.my_bookings_query(me()), page, per_page)
    return {"items": dump(BookingSchema, [_booking(b) for b in found.items], many=True), "meta": found.meta()}


@bp.get("/bookings/<int:booking_id>")
@api_doc(summary="One of my bookings", response=BookingSchema)
@login_required
def booking(booking_id: int) -> Any:
    return dump(BookingSchema, _booking(services.visible_booking(db_session(), me(), booking_id)))


@bp.post("/bookings/<int:booking_id>/cancel")
@api_doc(
    summary="Cancel a booking before the cut-off, with a reason", body=CancelSchema, response=BookingSchema
)
@login_required
def cancel(booking_id: int) -> Any:
    """Either side may cancel; the other is told. Too late is a 400, already cancelled a 409."""
    data = load(CancelSchema)
    session = db_session()
    found = services.cancel(session, me(), booking_id, data["reason"])
    session.commit()
    return dump(BookingSchema, _booking(found))


@bp.post("/bookings/<int:booking_id>/move")
@api_doc(
    summary="Move a booking to another free slot before the cut-off", body=MoveSchema, response=BookingSchema
)
@login_required
def move(booking_id: int) -> Any:
    data = load(MoveSchema)
    session = db_session()
    found = services.reschedule(session, me(), booking_id, _naive_utc(data["starts_at"]))
    session.commit()
    return dump(BookingSchema, _booking(found))


@bp.get("/bookings/<int:booking_id>/messages")
@api_doc(
    summary="A booking's messages, newest first (its member and counsellor only)",
    response=NoteSchema,
    paginated=True,
)
@login_required
def notes(booking_id: int) -> Any:
    session = db_session()
    found = services.party_booking(session, me(), booking_id)
    page, per_page = page_args()
    rows = paginate(session, services.notes_query(found), page, per_page)
    return {"items": dump(NoteSchema, [_note(n) for n in rows.items], many=True), "meta": rows.meta()}


@bp.post("/bookings/<int:booking_id>/messages")
@api_doc(summary="Write in a booking's thread", body=NewNoteSchema, response=NoteSchema, status=201)
@login_required
def add_note(booking_id: int) -> Any:
    data = load(NewNoteSchema)
    session = db_session()
    note = services.add_note(session, me(), booking_id, data["body"])
    session.commit()
    return dump(NoteSchema, _note(note)), 201


@bp.put("/bookings/<int:booking_id>/summary")
@api_doc(
    summary="Write the session's summary (its counsellor, once it has started)",
    body=SummarySchema,
    response=BookingSchema,
)
@login_required
def summary(booking_id: int) -> Any:
    data = load(SummarySchema)
    session = db_session()
    found = services.write_summary(session, me(), booking_id, data["summary"])
    session.commit()
    return dump(BookingSchema, _booking(found))


@bp.post("/bookings/<int:booking_id>/rating")
@api_doc(
    summary="Rate the session, once, after it is over (its member)", body=RatingSchema, response=BookingSchema
)
@login_required
def rating(booking_id: int) -> Any:
    data = load(RatingSchema)
    session = db_session()
    found = services.rate(session, me(), booking_id, data["rating"], data["comment"])
    session.commit()
    return dump(BookingSchema, _booking(found))


@bp.get("/availability")
@api_doc(summary="My weekly hours (a counsellor)", response=HoursSchema, many=True)
@permission_required(COUNSEL)
def availability() -> Any:
    session = db_session()
    profile = services.counselor_of(session, me())
    rows = services.hours_of(session, profile) if profile else []
    return dump(HoursSchema, rows, many=True)


@bp.post("/availability")
@api_doc(summary="Add weekly hours (a counsellor)", body=HoursSchema, response=HoursSchema, status=201)
@permission_required(COUNSEL)
def add_availability() -> Any:
    data = load(HoursSchema)
    session = db_session()
    hours = services.add_hours(
        session, me(), data["weekday"], data["starts"], data["ends"], data["slot_minutes"], data["mode"]
    )
    session.commit()
    return dump(HoursSchema, hours), 201


@bp.delete("/availability/<int:hours_id>")
@api_doc(summary="Remove weekly hours (booked sessions stay)", status=204)
@permission_required(COUNSEL)
def remove_availability(hours_id: int) -> Any:
    session = db_session()
    services.remove_hours(session, me(), hours_id)
    session.commit()
    return "", 204


@bp.post("/topics")
@api_doc(summary="Add a topic (a counsellor)", body=NewTopicSchema, response=TopicSchema, status=201)
@permission_required(COUNSEL)
def add_topic() -> Any:
    data = load(NewTopicSchema)
    session = db_session()
    topic = services.add_topic(session, me(), data["title"], data["description"])
    session.commit()
    return dump(TopicSchema, topic), 201


@bp.put("/profile")
@api_doc(summary="Write my bio and languages (a counsellor)", body=ProfileSchema, response=CounselorSchema)
@permission_required(COUNSEL)
def profile() -> Any:
    data = load(ProfileSchema)
    session = db_session()
    found = services.update_profile(session, me(), data["bio"], data["languages"])
    session.commit()
    return dump(CounselorSchema, _counselor(found))
