"""Every counselling rule, without Flask: free slots, booking, moving, cancelling, messages,
summaries, ratings, reminders and the counsellor's hours. Services never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defaultload, joinedload, lazyload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Moment,
    NotAllowed,
    NotFound,
    Region,
    TooManyAttempts,
    _l,
    area_of,
    can,
    find_member,
    normalize_text,
    notify,
    split_ids,
    utcnow,
)
from resalat_core.sdk import Text as Words_

from . import BOOK_FOR, COUNSEL, messages, setting
from .models import (
    BIO_MAX,
    BOOKED,
    CANCELLED,
    IN_PERSON,
    KEY_MAX,
    LANGUAGES_MAX,
    MODES,
    ONLINE,
    TEXT_MAX,
    TITLE_MAX,
    Booking,
    CounselNote,
    Counselor,
    CounselTopic,
    DayOff,
    Hours,
)

TEHRAN = ZoneInfo("Asia/Tehran")
# What a form shows beside its fields (a 403 or 404 is a page of its own).
FORM_ERRORS = (BadInput, Conflict, TooManyAttempts)
UTC = ZoneInfo("UTC")

MODE_LABELS: dict[str, Words_] = {ONLINE: _l("Online"), IN_PERSON: _l("In person")}
STATUS_LABELS: dict[str, Words_] = {BOOKED: _l("Booked"), CANCELLED: _l("Cancelled")}
# Saturday first, as the Iranian week runs; Python's weekday numbers.
WEEK = (5, 6, 0, 1, 2, 3, 4)
WEEKDAY_LABELS: dict[int, Words_] = {
    5: _l("Saturday"),
    6: _l("Sunday"),
    0: _l("Monday"),
    1: _l("Tuesday"),
    2: _l("Wednesday"),
    3: _l("Thursday"),
    4: _l("Friday"),
}


# --- time -----------------------------------------------------------------------------------


def now() -> datetime:
    """Naive UTC now, as stored."""
    return utcnow()


def to_utc(day: date, at: time) -> datetime:
    """Tehran's wall-clock ``at`` on ``day`` as naive UTC."""
    return datetime.combine(day, at, tzinfo=TEHRAN).astimezone(UTC).replace(tzinfo=None)


def in_tehran(moment: datetime) -> datetime:
    """A stored (naive UTC) moment on Tehran's clock."""
    return moment.replace(tzinfo=UTC).astimezone(TEHRAN)


def tehran_day(moment: datetime) -> date:
    return in_tehran(moment).date()


def is_over(booking: Booking, at: datetime | None = None) -> bool:
    return booking.ends_at <= (at or now())


def has_started(booking: Booking, at: datetime | None = None) -> bool:
    return booking.starts_at <= (at or now())


# --- who is who ------------------------------------------------------------------------------


def is_counselor(member: Member) -> bool:
    """Holds the counsellor's permission somewhere (a counsellor serves members anywhere)."""
    return can(COUNSEL, member=member)


def counselor_of(session: Session, member: Member) -> Counselor | None:
    """The member's counsellor profile, if they have one."""
    return session.scalar(select(Counselor).where(Counselor.member_id == member.id))


def own_profile(session: Session, member: Member) -> Counselor:
    """The counsellor's profile, made on first use; refused to a member who does not counsel."""
    if not is_counselor(member):
        raise NotAllowed(_l("Only counsellors have hours and topics."))
    found = counselor_of(session, member)
    if found is None:
        found = Counselor(member_id=member.id, region_id=member.region_id, bio="", languages="")
        session.add(found)
        session.flush()
    return found


def get_counselor(session: Session, counselor_id: int) -> Counselor:
    found = session.get(Counselor, counselor_id)
    if found is None:
        raise NotFound(_l("There is no such counsellor."))
    return found


def counselors_query(viewer: Member | None, topic: str = "") -> Select[Counselor]:
    """Counsellors, those of the viewer's province first, then the best rated, then the oldest."""
    # Each names its place with its province: loaded here, not one province at a time.
    stmt = select(Counselor).options(
        joinedload(Counselor.member).joinedload(Member.region).joinedload(Region.parent)
    )
    words = normalize_text(topic or "").strip()
    if words:
        pattern = f"%{words}%"
        stmt = stmt.where(
            exists().where(
                CounselTopic.counselor_id == Counselor.id,
                CounselTopic.active,
                or_(CounselTopic.title.ilike(pattern), CounselTopic.description.ilike(pattern)),
            )
        )
    order: list[Any] = []
    if viewer is not None and getattr(viewer, "region", None) is not None:
        province = viewer.region.parent_id or viewer.region_id
        in_province = select(Region.id).where(or_(Region.id == province, Region.parent_id == province))
        order.append(case((Counselor.region_id.in_(in_province), 0), else_=1))
    average = case((Counselor.rating_count > 0, Counselor.rating_sum * 100 / Counselor.rating_count), else_=0)
    order += [average.desc(), Counselor.id]
    return stmt.order_by(*order)


# --- the counsellor's profile and hours ------------------------------------------------------


def _clean(value: str, field: str, limit: int, *, required: bool = False) -> str:
    cleaned = normalize_text(value or "").strip()
    if required and not cleaned:
        raise BadInput(_l("Please fill this in."), fields={field: [_l("Please fill this in.")]})
    if len(cleaned) > limit:
        message = _l("At most %(count)s characters.", count=limit)
        raise BadInput(message, fields={field: [message]})
    return cleaned


def update_profile(session: Session, member: Member, bio: str, languages: str) -> Counselor:
    profile = own_profile(session, member)
    profile.bio = _clean(bio, "bio", BIO_MAX)
    profile.languages = _clean(languages, "languages", LANGUAGES_MAX)
    return profile


def add_topic(session: Session, member: Member, title: str, description: str) -> CounselTopic:
    profile = own_profile(session, member)
    topic = CounselTopic(
        counselor_id=profile.id,
        title=_clean(title, "title", TITLE_MAX, required=True),
        description=_clean(description, "description", TEXT_MAX),
    )
    session.add(topic)
    session.flush()
    return topic


def remove_topic(session: Session, member: Member, topic_id: int) -> None:
    profile = own_profile(session, member)
    topic = session.get(CounselTopic, topic_id)
    if topic is None or topic.counselor_id != profile.id or not topic.active:
        raise NotFound(_l("There is no such topic."))
    topic.active = False


def add_hours(
    session: Session, member: Member, weekday: int, starts: time, ends: time, slot_minutes: int, mode: str
) -> Hours:
    """A weekly block; refused when it is empty, shorter than a slot, or overlaps another."""
    profile = own_profile(session, member)
    if weekday not in WEEK:
        raise BadInput(_l("Choose a day of the week."), fields={"weekday": [_l("Choose a day of the week.")]})
    if mode not in MODES:
        raise BadInput(
            _l("Choose online or in person."), fields={"mode": [_l("Choose online or in person.")]}
        )
    if not 15 <= slot_minutes <= 240:
        message = _l("A session lasts from %(low)s to %(high)s minutes.", low=15, high=240)
        raise BadInput(message, fields={"slot_minutes": [message]})
    length = (datetime.combine(date.min, ends) - datetime.combine(date.min, starts)).total_seconds() / 60
    if length < slot_minutes:
        message = _l("The hours must end after the start, with room for one session at least.")
        raise BadInput(message, fields={"ends": [message]})
    clash = session.scalar(
        select(Hours.id).where(
            Hours.counselor_id == profile.id,
            Hours.weekday == weekday,
            Hours.starts < ends,
            Hours.ends > starts,
        )
    )
    if clash:
        message = _l("These hours overlap hours you already have on that day.")
        raise BadInput(message, fields={"starts": [message]})
    hours = Hours(
        counselor_id=profile.id,
        weekday=weekday,
        starts=starts,
        ends=ends,
        slot_minutes=slot_minutes,
        mode=mode,
    )
    session.add(hours)
    session.flush()
    return hours


def remove_hours(session: Session, member: Member, hours_id: int) -> None:
    """Booked sessions stay booked; only new bookings stop."""
    profile = own_profile(session, member)
    hours = session.get(Hours, hours_id)
    if hours is None or hours.counselor_id != profile.id:
        raise NotFound(_l("There are no such hours."))
    session.delete(hours)


def hours_of(session: Session, counselor: Counselor) -> list[Hours]:
    order = case({d: i for i, d in enumerate(WEEK)}, value=Hours.weekday)
    return list(
        session.scalars(select(Hours).where(Hours.counselor_id == counselor.id).order_by(order, Hours.starts))
    )


def add_day_off(session: Session, member: Member, day: date) -> DayOff:
    """A day off in Tehran's calendar; a day with sessions booked must be cleared first."""
    profile = own_profile(session, member)
    if day < tehran_day(now()):
        raise BadInput(_l("That day has passed."), fields={"day": [_l("That day has passed.")]})
    start, end = to_utc(day, time(0)), to_utc(day + timedelta(days=1), time(0))
    booked = session.scalar(
        select(func.count(Booking.id)).where(
            Booking.counselor_id == profile.id,
            Booking.status == BOOKED,
            Booking.starts_at >= start,
            Booking.starts_at < end,
        )
    )
    if booked:
        message = _l("You have sessions booked that day: move or cancel them first.")
        raise BadInput(message, fields={"day": [message]})
    if session.scalar(select(DayOff.id).where(DayOff.counselor_id == profile.id, DayOff.day == day)):
        return session.scalars(
            select(DayOff).where(DayOff.counselor_id == profile.id, DayOff.day == day)
        ).one()
    off = DayOff(counselor_id=profile.id, day=day)
    session.add(off)
    session.flush()
    return off


def remove_day_off(session: Session, member: Member, off_id: int) -> None:
    profile = own_profile(session, member)
    off = session.get(DayOff, off_id)
    if off is None or off.counselor_id != profile.id:
        raise NotFound(_l("There is no such day off."))
    session.delete(off)


def days_off_query(counselor: Counselor, since: date | None = None) -> Select[DayOff]:
    """The counsellor's days off from ``since`` (today) on, the nearest first."""
    since = since or tehran_day(now())
    return select(DayOff).where(DayOff.counselor_id == counselor.id, DayOff.day >= since).order_by(DayOff.day)


# --- slots -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A free time to book, in naive UTC."""

    starts_at: datetime
    ends_at: datetime
    mode: str

    @property
    def day(self) -> date:
        return tehran_day(self.starts_at)


def free_slots(
    session: Session, counselor: Counselor, *, at: datetime | None = None, days: int | None = None
) -> list[Slot]:
    """The counsellor's free slots for the next ``days`` days (Tehran's days, today included):
    the weekly hours minus days off, booked sessions and what starts too soon. Three queries."""
    at = at or now()
    days = int(setting("days_ahead")) if days is None else days
    first = tehran_day(at)
    last = first + timedelta(days=days - 1)
    earliest = at + timedelta(minutes=int(setting("notice_minutes")))
    hours = hours_of(session, counselor)
    off = set(
        session.scalars(
            select(DayOff.day).where(
                DayOff.counselor_id == counselor.id, DayOff.day >= first, DayOff.day <= last
            )
        )
    )
    taken = set(
        session.scalars(
            select(Booking.starts_at).where(
                Booking.counselor_id == counselor.id,
                Booking.status == BOOKED,
                Booking.starts_at >= to_utc(first, time(0)),
                Booking.starts_at < to_utc(last + timedelta(days=1), time(0)),
            )
        )
    )
    slots: list[Slot] = []
    for n in range(days):
        day = first + timedelta(days=n)
        if day in off:
            continue
        for block in (h for h in hours if h.weekday == day.weekday()):
            start = datetime.combine(day, block.starts)
            end = datetime.combine(day, block.ends)
            step = timedelta(minutes=block.slot_minutes)
            while start + step <= end:
                starts_at = to_utc(day, start.time())
                ends_at = starts_at + step
                if starts_at >= earliest and starts_at not in taken:
                    slots.append(Slot(starts_at, ends_at, block.mode))
                start += step
    slots.sort(key=lambda s: s.starts_at)
    return slots


def slots_by_day(slots: Sequence[Slot]) -> list[tuple[date, list[Slot]]]:
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.day, []).append(slot)
    return list(days.items())


def find_slot(
    session: Session, counselor: Counselor, starts_at: datetime, at: datetime | None = None
) -> Slot:
    """The free slot starting at ``starts_at``, or a clear reason why there is none."""
    at = at or now()
    if starts_at <= at + timedelta(minutes=int(setting("notice_minutes"))):
        message = _l("That time has passed or is too soon: choose a later one.")
        raise BadInput(message, fields={"starts_at": [message]}, code="past_slot")
    days = int(setting("days_ahead"))
    for slot in free_slots(session, counselor, at=at, days=days):
        if slot.starts_at == starts_at:
            return slot
    taken = session.scalar(
        select(Booking.id).where(
            Booking.counselor_id == counselor.id, Booking.status == BOOKED, Booking.starts_at == starts_at
        )
    )
    if taken:
        raise Conflict(_l("Someone has just booked this time: please choose another."), code="slot_taken")
    message = _l("The counsellor does not take sessions at that time: choose one of the free times.")
    raise BadInput(message, fields={"starts_at": [message]}, code="not_available")


# --- booking ---------------------------------------------------------------------------------


def _member_free(
    session: Session, member: Member, starts_at: datetime, ends_at: datetime, but: int = 0
) -> None:
    clash = session.scalar(
        select(Booking.id).where(
            Booking.member_id == member.id,
            Booking.status == BOOKED,
            Booking.id != but,
            Booking.starts_at < ends_at,
            Booking.ends_at > starts_at,
        )
    )
    if clash:
        raise BadInput(
            _l("You already have a session at that time."),
            fields={"starts_at": [_l("You already have a session at that time.")]},
            code="member_busy",
        )


def for_whom(session: Session, actor: Member, identifier: str) -> Member:
    """The member a guide books for: found by mobile or national code, and in the guide's area."""
    member = find_member(session, identifier or "")
    if member is None:
        message = _l("No member has that mobile or national code.")
        raise BadInput(message, fields={"member": [message]}, code="unknown_member")
    if member.id == actor.id:
        return member
    area = area_of(session, actor, BOOK_FOR)
    if area is not None and member.region_id not in area:
        message = _l("This member lives outside your area: only their own guide can book for them.")
        raise BadInput(message, fields={"member": [message]}, code="outside_area")
    return member


@dataclass(frozen=True)
class Plan:
    """A booking checked and ready: what the confirmation page shows before anything is written."""

    counselor: Counselor
    topic: CounselTopic
    slot: Slot
    member: Member
    need: str


def plan(
    session: Session,
    actor: Member,
    *,
    counselor_id: int,
    topic_id: int,
    starts_at: datetime,
    need: str,
    member: Member | None = None,
) -> Plan:
    """Every check of a booking, writing nothing: the slot is free, the member is free then."""
    member = member or actor
    counselor = get_counselor(session, counselor_id)
    if counselor.member_id == member.id:
        raise BadInput(_l("You cannot book a session with yourself."), code="self")
    topic = session.get(CounselTopic, topic_id)
    if topic is None or topic.counselor_id != counselor.id or not topic.active:
        message = _l("Choose one of the counsellor's topics.")
        raise BadInput(message, fields={"topic_id": [message]})
    need = _clean(need, "need", TEXT_MAX)
    slot = find_slot(session, counselor, starts_at)
    _member_free(session, member, slot.starts_at, slot.ends_at)
    return Plan(counselor, topic, slot, member, need)


def book(
    session: Session,
    actor: Member,
    *,
    counselor_id: int,
    topic_id: int,
    starts_at: datetime,
    need: str,
    key: str,
    member: Member | None = None,
) -> Booking:
    """Book a free slot for ``member`` (default: the actor). Same key → the same booking.

    A slot someone else won a moment earlier is a 409 (``slot_taken``); nothing is written.
    """
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise BadInput(_l("The form has expired: please try again."), code="bad_key")
    earlier = session.scalar(select(Booking).where(Booking.booked_by_id == actor.id, Booking.key == key))
    if earlier is not None:
        return earlier
    ready = plan(
        session,
        actor,
        counselor_id=counselor_id,
        topic_id=topic_id,
        starts_at=starts_at,
        need=need,
        member=member,
    )
    member, counselor, topic, slot = ready.member, ready.counselor, ready.topic, ready.slot
    booking = Booking(
        counselor_id=counselor.id,
        member_id=member.id,
        booked_by_id=actor.id,
        topic_id=topic.id,
        key=key,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        mode=slot.mode,
        need=ready.need,
    )
    _insert(session, booking)
    when = Moment(booking.starts_at)
    if actor.id != member.id:
        notify(
            member,
            messages.BOOKED_FOR_YOU(
                guide=actor.name,
                counselor=counselor.member.name,
                when=when,
                topic=topic.title,
                url=_url(booking),
            ),
        )
    notify(
        counselor.member,
        messages.BOOKED(
            member=member.name,
            counselor=counselor.member.name,
            when=when,
            topic=topic.title,
            url=_url(booking),
        ),
    )
    return booking


def _url(booking: Booking) -> str:
    return f"/counseling/bookings/{booking.id}"


def _insert(session: Session, booking: Booking) -> None:
    """Write the booking in a savepoint: the partial unique indexes decide a race, and the loser
    gets a clear 409 with nothing written."""
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
    except IntegrityError:
        raise Conflict(
            _l("Someone has just booked this time: please choose another."), code="slot_taken"
        ) from None


def _moved_clash(session: Session, booking: Booking) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            _l("Someone has just booked this time: please choose another."), code="slot_taken"
        ) from None


# --- reading bookings ------------------------------------------------------------------------


def visible_booking(session: Session, viewer: Member, booking_id: int) -> Booking:
    """A booking its member, its counsellor or the guide who booked it may read; 404 to others."""
    booking = session.get(Booking, booking_id)
    if booking is None or viewer.id not in (
        booking.member_id,
        booking.counselor.member_id,
        booking.booked_by_id,
    ):
        raise NotFound(_l("There is no such booking."))
    return booking


def party_booking(session: Session, viewer: Member, booking_id: int) -> Booking:
    """A booking of which ``viewer`` is one of the two sides (the member or the counsellor)."""
    booking = visible_booking(session, viewer, booking_id)
    if viewer.id not in (booking.member_id, booking.counselor.member_id):
        raise NotFound(_l("There is no such booking."))
    return booking


def my_bookings_query(member: Member) -> Select[Booking]:
    """The member's bookings (and those a guide made for others): the coming ones first."""
    # A booking names its counsellor and member: the counsellor's topics are not read (one query,
    # whether one booking is listed or a thousand); the host reads members' roles only if asked.
    return (
        select(Booking)
        .where(or_(Booking.member_id == member.id, Booking.booked_by_id == member.id))
        .options(defaultload(Booking.counselor).lazyload(Counselor.topics))
        .order_by(Booking.starts_at.desc(), Booking.id.desc())
    )


def calendar(
    session: Session, counselor: Counselor, first: date, days: int = 7
) -> list[tuple[date, list[Booking]]]:
    """The counsellor's booked sessions from ``first`` (Tehran's day), day by day, in one query."""
    start, end = to_utc(first, time(0)), to_utc(first + timedelta(days=days), time(0))
    rows = session.scalars(
        select(Booking)
        .where(
            Booking.counselor_id == counselor.id,
            Booking.status == BOOKED,
            Booking.starts_at >= start,
            Booking.starts_at < end,
        )
        .order_by(Booking.starts_at)
    ).all()
    by_day: dict[date, list[Booking]] = {first + timedelta(days=n): [] for n in range(days)}
    for booking in rows:
        by_day.setdefault(tehran_day(booking.starts_at), []).append(booking)
    return list(by_day.items())


def to_summarise_query(counselor: Counselor, at: datetime | None = None) -> Select[Booking]:
    return select(Booking).where(
        Booking.counselor_id == counselor.id,
        Booking.status == BOOKED,
        Booking.starts_at <= (at or now()),
        Booking.summary.is_(None),
    )


# --- cancel and move -------------------------------------------------------------------------


def _before_cutoff(booking: Booking) -> None:
    if booking.status != BOOKED:
        raise Conflict(_l("This booking is already cancelled."), code="cancelled")
    hours = int(setting("cancel_hours"))
    if booking.starts_at - timedelta(hours=hours) < now():
        raise BadInput(
            _l("A session can be cancelled or moved up to %(hours)s hours before it starts.", hours=hours),
            code="too_late",
        )


def _other_side(booking: Booking, actor: Member) -> list[Member]:
    """Who must hear of what ``actor`` did: the sides (and the booking guide) who are not the actor."""
    people = [booking.member, booking.counselor.member]
    if booking.booked_by_id not in (booking.member_id, booking.counselor.member_id):
        people.append(booking.booked_by)
    return [p for p in people if p.id != actor.id]


def cancel(session: Session, actor: Member, booking_id: int, reason: str) -> Booking:
    """Either side (or the guide who booked it) cancels, with a reason, before the cut-off."""
    booking = visible_booking(session, actor, booking_id)
    reason = _clean(reason, "reason", TEXT_MAX, required=True)
    _before_cutoff(booking)
    booking.status = CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_by_id = actor.id
    booking.cancelled_at = now()
    for person in _other_side(booking, actor):
        notify(
            person,
            messages.CANCELLED(
                when=Moment(booking.starts_at), by=actor.name, reason=reason, url=_url(booking)
            ),
        )
    return booking


def reschedule(session: Session, actor: Member, booking_id: int, starts_at: datetime) -> Booking:
    """Move a booking to another free slot of the same counsellor, before the cut-off."""
    booking = visible_booking(session, actor, booking_id)
    _before_cutoff(booking)
    slot = find_slot(session, booking.counselor, starts_at)
    _member_free(session, booking.member, slot.starts_at, slot.ends_at, but=booking.id)
    was = booking.starts_at
    booking.starts_at, booking.ends_at, booking.mode = slot.starts_at, slot.ends_at, slot.mode
    booking.reminded_at = None
    _moved_clash(session, booking)
    for person in _other_side(booking, actor):
        notify(
            person,
            messages.MOVED(by=actor.name, was=Moment(was), when=Moment(booking.starts_at), url=_url(booking)),
        )
    return booking


# --- messages, summary, rating ---------------------------------------------------------------


def notes_query(booking: Booking) -> Select[CounselNote]:
    # Each author is the booking's member or counsellor, already read with the booking.
    return (
        select(CounselNote)
        .where(CounselNote.booking_id == booking.id)
        .options(lazyload(CounselNote.author))
        .order_by(CounselNote.id.desc())
    )


def add_note(session: Session, author: Member, booking_id: int, body: str) -> CounselNote:
    """Only the member and the counsellor write in a booking's thread (a cancelled one is closed)."""
    booking = party_booking(session, author, booking_id)
    body = _clean(body, "body", TEXT_MAX, required=True)
    if booking.status != BOOKED:
        raise Conflict(_l("This booking is cancelled: its messages are closed."), code="cancelled")
    note = CounselNote(booking_id=booking.id, author_id=author.id, body=body)
    session.add(note)
    session.flush()
    other = booking.counselor.member if author.id == booking.member_id else booking.member
    notify(other, messages.NEW_NOTE(author=author.name, when=Moment(booking.starts_at), url=_url(booking)))
    return note


def write_summary(session: Session, author: Member, booking_id: int, summary: str) -> Booking:
    """The counsellor's summary, once the session has started; they may correct it later."""
    booking = visible_booking(session, author, booking_id)
    if author.id != booking.counselor.member_id:
        raise NotAllowed(_l("Only the counsellor writes the summary."))
    if booking.status != BOOKED:
        raise Conflict(_l("This booking is cancelled."), code="cancelled")
    if not has_started(booking):
        raise BadInput(_l("The summary is written once the session has started."), code="not_started")
    booking.summary = _clean(summary, "summary", TEXT_MAX * 2, required=True)
    first = booking.summary_at is None
    booking.summary_at = now()
    if first:
        notify(
            booking.member,
            messages.SUMMARY(counselor=author.name, when=Moment(booking.starts_at), url=_url(booking)),
        )
    return booking


def rate(session: Session, member: Member, booking_id: int, stars: int, comment: str) -> Booking:
    """The member rates a session once, after it is over; the counsellor's average follows."""
    booking = visible_booking(session, member, booking_id)
    if member.id != booking.member_id:
        raise NotAllowed(_l("Only the member who had the session rates it."))
    if booking.status != BOOKED:
        raise Conflict(_l("This booking is cancelled."), code="cancelled")
    if not is_over(booking):
        raise BadInput(_l("You can rate the session once it is over."), code="not_over")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        message = _l("Choose from one to five stars.")
        raise BadInput(message, fields={"rating": [message]})
    comment = _clean(comment, "comment", TEXT_MAX)
    if booking.rating is not None:
        raise Conflict(_l("You have already rated this session."), code="already_rated")
    booking.rating, booking.rating_comment, booking.rated_at = stars, comment, now()
    # One UPDATE of the sums: two ratings of two sessions at once both count.
    session.execute(
        update(Counselor)
        .where(Counselor.id == booking.counselor_id)
        .values(rating_sum=Counselor.rating_sum + stars, rating_count=Counselor.rating_count + 1)
    )
    session.flush()
    session.expire(booking.counselor, ["rating_sum", "rating_count"])
    return booking


# --- reminders -------------------------------------------------------------------------------


def due_reminders_query(at: datetime | None = None) -> Select[Booking]:
    at = at or now()
    return (
        select(Booking)
        .where(
            Booking.status == BOOKED,
            Booking.reminded_at.is_(None),
            Booking.starts_at > at,
            Booking.starts_at <= at + timedelta(hours=int(setting("remind_hours"))),
        )
        .order_by(Booking.starts_at, Booking.id)
    )


def remind(session: Session, booking: Booking, at: datetime | None = None) -> bool:
    """Tell both sides of a coming session, once: a booking already reminded is skipped."""
    claimed = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.reminded_at.is_(None), Booking.status == BOOKED)
        .values(reminded_at=at or now())
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    when = Moment(booking.starts_at)
    notify(
        booking.member, messages.REMINDER(other=booking.counselor.member.name, when=when, url=_url(booking))
    )
    notify(
        booking.counselor.member, messages.REMINDER(other=booking.member.name, when=when, url=_url(booking))
    )
    return True


# --- the periodic job: reminders in chunks of bookings ------------------------------------------

REMIND = "counseling.remind"
CHUNK_BOOKINGS = 200


def plan_reminders(
    session: Session, moment: datetime, *, at: str | None = None, chunk_size: int = CHUNK_BOOKINGS
) -> list[dict[str, Any]]:
    """The bookings to remind of as of ``at`` (ISO, UTC; the run's moment by default), their ids
    cut into ranges, each with that moment."""
    when = datetime.fromisoformat(at) if at else moment
    ids = list(session.scalars(due_reminders_query(when).with_only_columns(Booking.id).order_by(None)))
    return [{**chunk, "at": when.isoformat()} for chunk in split_ids(ids, chunk_size)]


def remind_chunk(session: Session, chunk: dict[str, Any], moment: datetime) -> dict[str, int]:
    """Remind of the chunk's bookings still due; each booking is claimed once (``remind``), so a
    chunk run again tells nobody twice."""
    at = datetime.fromisoformat(chunk["at"])
    due = list(
        session.scalars(
            due_reminders_query(at).where(Booking.id.between(int(chunk["first"]), int(chunk["last"])))
        )
    )
    sent = sum(1 for booking in due if remind(session, booking, at))
    return {"due": len(due), "reminded": sent}


# --- the home page -----------------------------------------------------------------------------


def next_session(session: Session, member: Member, at: datetime | None = None) -> Booking | None:
    """The member's (or counsellor's) next session if it is today or tomorrow (Tehran's days)."""
    at = at or now()
    until = to_utc(tehran_day(at) + timedelta(days=2), time(0))
    whose = Booking.member_id == member.id
    if is_counselor(member):  # a member who does not counsel costs no look at profiles
        whose = or_(
            whose, Booking.counselor_id.in_(select(Counselor.id).where(Counselor.member_id == member.id))
        )
    return session.scalar(
        select(Booking)
        .where(Booking.status == BOOKED, Booking.ends_at > at, Booking.starts_at < until, whose)
        .order_by(Booking.starts_at)
        .limit(1)
    )


def to_rate(session: Session, member: Member, at: datetime | None = None) -> Booking | None:
    return session.scalar(
        select(Booking)
        .where(
            Booking.member_id == member.id,
            Booking.status == BOOKED,
            Booking.ends_at <= (at or now()),
            Booking.rating.is_(None),
        )
        .order_by(Booking.starts_at.desc())
        .limit(1)
    )


def count_bookings(session: Session, area: list[int] | None) -> int:
    stmt = select(func.count(Booking.id)).where(Booking.status == BOOKED)
    if area is not None:
        stmt = stmt.join(Member, Member.id == Booking.member_id).where(Member.region_id.in_(area))
    return session.scalar(stmt) or 0
