"""Counselling's part of the demo world: the Ardakan counsellor's topics and weekly hours,
Maryam's coming session with its messages, a past session with its summary and rating, and a
session the Zanjan guide booked for a member of Zanjan."""

from __future__ import annotations

import uuid
from datetime import time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    add_demo_members,
    find_member,
    national_code_with_check_digit,
    register_member,
)

from . import plugin, services
from .models import BOOKED, IN_PERSON, ONLINE, Booking, CounselNote, Counselor, CounselTopic, DayOff, Hours

BIO = (
    "مشاور کسب‌وکارهای خانگی و صنایع دستی در اردکان یزد؛ ده سال همراه هسته‌های بافندگی و "
    "خیاطی بوده‌ام تا محصولشان را بهتر بفروشند و حساب‌وکتابشان را سامان دهند."
)
TOPICS = (
    ("بازاریابی صنایع دستی", "قیمت‌گذاری، عکس خوب از محصول، معرفی در ام‌بازار و رسان"),
    ("حسابداری کسب‌وکار خانوادگی", "دفتر درآمد و هزینه، جدا کردن حساب خانه و کار، آماده شدن برای وام"),
    ("برنامه‌ی کسب‌وکار هسته", "از ایده تا نخستین فروش: چه بسازیم، برای چه کسی، با چه سرمایه‌ای"),
)
# (weekday, from, to, minutes a session, how): Saturday to Wednesday mornings online, Thursday
# afternoons in person in Ardakan.
HOURS = (
    (5, time(9), time(12), 45, ONLINE),
    (6, time(9), time(12), 45, ONLINE),
    (0, time(9), time(12), 45, ONLINE),
    (1, time(16), time(19), 60, ONLINE),
    (2, time(9), time(12), 45, ONLINE),
    (3, time(16), time(18), 60, IN_PERSON),
)
DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' published password)
ZANJAN_MEMBER = ("سکینه کریمی", "001600161", "09135550161", "zanjan/abhar")


def load(session: Session, world: Any) -> None:
    counselor_member = world.members.get("counselor")
    if counselor_member is None:
        return
    profile = services.counselor_of(session, counselor_member)
    if profile is not None and profile.topics:
        return  # loaded already: `resalat demo` runs again without --reset
    profile = services.update_profile(session, counselor_member, BIO, "فارسی، انگلیسی")
    topics = [services.add_topic(session, counselor_member, title, text) for title, text in TOPICS]
    for weekday, starts, ends, minutes, mode in HOURS:
        services.add_hours(session, counselor_member, weekday, starts, ends, minutes, mode)
    slots = services.free_slots(session, profile)
    maryam = world.members.get("member")
    if maryam is not None and slots:
        _coming(session, maryam, counselor_member, profile, topics[0], slots)
        _past(session, maryam, counselor_member, profile, topics[1])
    guide = world.members.get("guide")
    if guide is not None and len(slots) > 6:
        member = world.members.get("core_leader") or _zanjan_member(session)
        services.book(
            session,
            guide,
            counselor_id=profile.id,
            topic_id=topics[2].id,
            starts_at=slots[6].starts_at,
            need="برای فروش محصولات هسته در ام‌بازار به برنامه‌ی فروش و قیمت‌گذاری نیاز دارد.",
            key="demo-guide-1",
            member=member,
        )
    session.flush()


def _coming(
    session: Session, maryam: Member, counselor: Member, profile: Any, topic: Any, slots: list[Any]
) -> None:
    # The first free slot from tomorrow on: a session the home page announces.
    tomorrow = services.tehran_day(services.now()) + timedelta(days=1)
    slot = next((s for s in slots if s.day >= tomorrow), slots[0])
    booking = services.book(
        session,
        maryam,
        counselor_id=profile.id,
        topic_id=topic.id,
        starts_at=slot.starts_at,
        need="می‌خواهم فرش‌های دست‌باف گروهمان را در ام‌بازار بفروشم ولی نمی‌دانم قیمت را چطور بگذارم.",
        key="demo-maryam-1",
    )
    services.add_note(session, maryam, booking.id, "سلام، عکس سه فرش را پیش از جلسه می‌فرستم. ممنونم.")
    services.add_note(
        session, counselor, booking.id, "سلام خانم احمدی، حتماً. فهرست هزینه‌ی نخ و دستمزد را هم بیاورید."
    )


def _past(session: Session, maryam: Member, counselor: Member, profile: Any, topic: Any) -> None:
    # A session held a week ago (written directly: booking refuses the past, as it should).
    day = services.tehran_day(services.now()) - timedelta(days=7)
    starts_at = services.to_utc(day, time(10))
    booking = Booking(
        counselor_id=profile.id,
        member_id=maryam.id,
        booked_by_id=maryam.id,
        topic_id=topic.id,
        key="demo-maryam-past",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        mode=ONLINE,
        need="دفتر حساب کارگاه بافندگی‌ام با خرج خانه قاطی شده است.",
        reminded_at=starts_at - timedelta(hours=20),
        created_at=starts_at - timedelta(days=3),
    )
    session.add(booking)
    session.flush()
    session.add(
        CounselNote(
            booking_id=booking.id,
            author_id=maryam.id,
            body="ممنون از جلسه، دفتر را شروع کردم.",
            created_at=starts_at + timedelta(hours=3),
        )
    )
    services.write_summary(
        session,
        counselor,
        booking.id,
        "یک حساب جدا برای کارگاه باز شود؛ هر هفته درآمد و هزینه‌ی نخ و رنگ در دفتر نوشته شود؛ "
        "دستمزد خود خانم احمدی هم هزینه حساب شود. جلسه‌ی بعد: قیمت تمام‌شده‌ی هر متر فرش.",
    )
    services.rate(session, maryam, booking.id, 5, "بسیار کاربردی بود؛ حالا می‌دانم سود واقعی کارم چقدر است.")


def _zanjan_member(session: Session) -> Member:
    name, body, mobile, region = ZANJAN_MEMBER
    found = find_member(session, mobile)
    if found is not None:
        return found
    return register_member(
        session,
        Registration(
            national_code=national_code_with_check_digit(body),
            mobile=mobile,
            name=name,
            region=region,
            password=DEMO_PASSWORD,
        ),
    )


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more entries in every counselling list the demo's people see.

    Counsellors (members of the administrator's and the guide's regions, rated, with topics and
    hours) for the list; the administrator's and Maryam's bookings with the demo counsellor, half
    coming this week (the counsellor's calendar) and half past without a summary (what to
    summarise); messages in the demo's bookings; the demo counsellor's topics and days off (after
    the days the booking page offers, so the free times stay as they were).
    """
    counselor_member = world.members.get("counselor")
    profile = services.counselor_of(session, counselor_member) if counselor_member is not None else None
    if profile is None:
        return
    # Seven seconds past the minute: never the start of a real slot, so no demo booking clashes.
    at = services.now().replace(second=7, microsecond=0)
    regions = sorted({m.region_id for k in ("admin", "guide") if (m := world.members.get(k))})
    like = next(iter(world.members.values()))
    members = add_demo_members(
        session,
        like,
        rows,
        mobiles="091591",
        codes="891",
        name="مشاور",
        regions=regions or [profile.region_id],
    )
    counselors = list(
        session.scalars(
            insert(Counselor).returning(Counselor.id),
            [
                {
                    "member_id": m,
                    "region_id": regions[n % len(regions)] if regions else profile.region_id,
                    "bio": "مشاور کسب‌وکارهای خانگی؛ همراه هسته‌ها از ایده تا فروش.",
                    "languages": "فارسی",
                    "rating_sum": 4 + n % 2,
                    "rating_count": 1,
                }
                for n, m in enumerate(members)
            ],
        )
    )
    topics = [
        {"counselor_id": c, "title": title, "description": text}
        for c in counselors
        for title, text in TOPICS[:2]
    ] + [
        {"counselor_id": profile.id, "title": f"پرسش و پاسخ {n + 1}", "description": "گفت‌وگوی کوتاه"}
        for n in range(rows)
    ]
    session.execute(insert(CounselTopic), topics)
    session.execute(
        insert(Hours),
        [
            {"counselor_id": c, "weekday": 5, "starts": time(9), "ends": time(12), "slot_minutes": 45}
            for c in counselors
        ],
    )
    ahead = int(plugin.setting("days_ahead"))
    first_off = services.tehran_day(at) + timedelta(days=ahead + 1)
    taken = set(session.scalars(select(DayOff.day).where(DayOff.counselor_id == profile.id)))
    # A further run adds the days after the last one's.
    first_off = max([first_off, *(day + timedelta(days=1) for day in taken)])
    session.execute(
        insert(DayOff),
        [{"counselor_id": profile.id, "day": first_off + timedelta(days=n)} for n in range(rows)],
    )
    topic = profile.topics[0].id
    bookings = []
    # A further run starts after the last one's bookings, so no start is taken twice.
    done = session.scalar(select(func.count(Booking.id)).where(Booking.key.like("demo-rows-%"))) or 0
    for who in [m for k in ("admin", "member") if (m := world.members.get(k))]:
        for n in range(rows):
            coming = n % 2 == 0
            # Minutes apart: a booking per counsellor and start, whoever booked it.
            step = (done + n) * 2
            offset = timedelta(minutes=step + (1 if who.id == world.members.get("member", who).id else 0))
            starts_at = (at + timedelta(days=1) if coming else at - timedelta(days=2)) + offset
            bookings.append(
                {
                    "counselor_id": profile.id,
                    "member_id": who.id,
                    "booked_by_id": who.id,
                    "topic_id": topic,
                    "key": f"demo-rows-{uuid.uuid4().hex}",
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=45),
                    "mode": ONLINE,
                    "need": "برای قیمت‌گذاری محصولات خانگی راهنمایی می‌خواهم.",
                    "status": BOOKED,
                }
            )
    session.execute(insert(Booking), bookings)
    demo_bookings = session.scalars(
        select(Booking).where(Booking.key.like("demo-%"), ~Booking.key.like("demo-rows-%"))
    )
    notes = [
        {
            "booking_id": b.id,
            "author_id": b.member_id if n % 2 else counselor_member.id,
            "body": f"پیام {n + 1}: پیش از جلسه فهرست هزینه‌ها را می‌فرستم.",
        }
        for b in demo_bookings
        for n in range(rows)
    ]
    if notes:
        session.execute(insert(CounselNote), notes)
