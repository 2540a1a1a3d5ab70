"""Counselling's part of a member's own data, what stops closing the account, and what closing removes.

A session still to come stops the closing, for the member who booked it and for the counsellor
who gives it: cancel it first, so nobody waits for someone who has left. Closing blanks what the
member wrote and what was written about them (the need, the counsellor's summary, the rating's
comment, the session's notes), keeping each session's date and state; a counsellor's profile
loses its text, topics and hours, so nobody can book them again.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from resalat_core.sdk import DataRow, DataSection, Member, Moment, _, _l, hookimpl, utcnow

from .models import BOOKED, Booking, CounselNote, Counselor, CounselTopic, Hours


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    # Of each session only its topic's title is read: not its people (each member with their roles,
    # one more query) nor its counsellor's topics; of the profile, its topics.
    bookings = list(
        session.scalars(
            select(Booking)
            .where(Booking.member_id == member.id)
            .order_by(Booking.id)
            .options(lazyload("*"), joinedload(Booking.topic).lazyload("*"))
        )
    )
    profile = session.scalar(
        select(Counselor)
        .where(Counselor.member_id == member.id)
        .options(lazyload("*"), selectinload(Counselor.topics).lazyload("*"))
    )
    if not bookings and profile is None:
        return []
    # Every session's notes in one query (not one per session), in each thread's order.
    notes: dict[int, list[dict[str, object]]] = {}
    for booking_id, body, author_id, created_at in session.execute(
        select(CounselNote.booking_id, CounselNote.body, CounselNote.author_id, CounselNote.created_at)
        .where(CounselNote.booking_id.in_(select(Booking.id).where(Booking.member_id == member.id)))
        .order_by(CounselNote.booking_id, CounselNote.id)
    ):
        notes.setdefault(booking_id, []).append(
            {"body": body, "mine": author_id == member.id, "created_at": created_at.isoformat()}
        )
    rows = [
        DataRow(_l("Counselling session of %(moment)s", moment=Moment(b.starts_at)), b.topic.title)
        for b in bookings
    ]
    rows += [DataRow(_l("Your need"), b.need) for b in bookings if b.need]
    rows += [DataRow(_l("The counsellor's summary"), b.summary) for b in bookings if b.summary]
    if profile is not None:
        rows.append(DataRow(_l("Your counsellor's profile"), profile.bio or "—"))
    data = {
        "sessions": [
            {
                "id": b.id,
                "topic": b.topic.title,
                "starts_at": b.starts_at.isoformat(),
                "mode": b.mode,
                "status": b.status,
                "need": b.need,
                "summary": b.summary,
                "rating": b.rating,
                "rating_comment": b.rating_comment,
                "notes": notes.get(b.id, []),
            }
            for b in bookings
        ],
        "counsellor": (
            {
                "bio": profile.bio,
                "languages": profile.languages,
                "topics": [t.title for t in profile.topics],
            }
            if profile is not None
            else None
        ),
    }
    return [DataSection("counseling", _l("Counselling"), rows, data)]


@hookimpl
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    coming = (
        select(Booking)
        .where(Booking.status == BOOKED, Booking.ends_at > utcnow())
        .order_by(Booking.starts_at)
    )
    reasons = [
        _(
            "A counselling session of %(moment)s is booked for you: cancel it first.",
            moment=Moment(b.starts_at),
        )
        for b in session.scalars(coming.where(Booking.member_id == member.id))
    ]
    profile = session.scalar(select(Counselor.id).where(Counselor.member_id == member.id))
    if profile is not None:
        reasons += [
            _("You give a counselling session of %(moment)s: cancel it first.", moment=Moment(b.starts_at))
            for b in session.scalars(coming.where(Booking.counselor_id == profile))
        ]
    return reasons


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    mine = select(Booking.id).where(Booking.member_id == member.id)
    session.execute(delete(CounselNote).where(CounselNote.booking_id.in_(mine)))
    session.execute(
        update(Booking)
        .where(Booking.member_id == member.id)
        .values(need="", summary=None, rating_comment=None, cancel_reason=None)
    )
    profile = session.scalar(select(Counselor).where(Counselor.member_id == member.id))
    if profile is not None:
        profile.bio = ""
        profile.languages = ""
        session.execute(
            update(CounselTopic).where(CounselTopic.counselor_id == profile.id).values(active=False)
        )
        session.execute(delete(Hours).where(Hours.counselor_id == profile.id))
    session.flush()
