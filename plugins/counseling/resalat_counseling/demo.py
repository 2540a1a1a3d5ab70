"""Counselling's part of the demo world: the Ardakan counsellor's topics and weekly hours,
Maryam's coming session with its messages, a past session with its summary and rating, and a
session the Zanjan guide booked for a member of Zanjan."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    find_member,
    national_code_with_check_digit,
    register_member,
)

from . import services
from .models import IN_PERSON, ONLINE, Booking, CounselNote

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
