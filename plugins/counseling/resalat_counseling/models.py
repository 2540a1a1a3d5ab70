"""Counselling tables: counsellors' profiles, topics, weekly hours, days off, bookings and messages.

Times of day and weekdays of the weekly hours are Tehran's (a counsellor thinks in local time);
every moment (a booking's start, a message) is stored as naive UTC, like the rest of the host.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

BOOKED = "booked"
CANCELLED = "cancelled"
STATUSES = (BOOKED, CANCELLED)

ONLINE = "online"
IN_PERSON = "in_person"
MODES = (ONLINE, IN_PERSON)

BIO_MAX = 2000
TITLE_MAX = 120
TEXT_MAX = 2000
KEY_MAX = 200
LANGUAGES_MAX = 200


class Counselor(Base):
    """A counsellor's public profile: bio, languages, and the running sum of their ratings."""

    __tablename__ = "counseling_counselors"
    __table_args__ = (
        # The list: those of the reader's province first, then by rating.
        Index("ix_counseling_counselors_region_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    # Where the counsellor is listed first (their own place); they serve members anywhere online.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    bio: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(LANGUAGES_MAX), default="")
    rating_sum: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(lazy="joined")
    # The topics still offered (a removed one stays for the bookings that name it).
    topics: Mapped[list[CounselTopic]] = relationship(
        lazy="selectin",
        order_by="CounselTopic.id",
        primaryjoin="and_(CounselTopic.counselor_id == Counselor.id, CounselTopic.active)",
        viewonly=True,
    )

    @property
    def rating(self) -> float | None:
        """The average rating, or None before the first one."""
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class CounselTopic(Base):
    """Something a counsellor advises on ("marketing handicrafts"), chosen when booking."""

    __tablename__ = "counseling_topics"
    __table_args__ = (Index("ix_counseling_topics_counselor_id", "counselor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counseling_counselors.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # A removed topic stays for the bookings that name it.
    active: Mapped[bool] = mapped_column(default=True)

    counselor: Mapped[Counselor] = relationship(lazy="select")


class Hours(Base):
    """A weekly block of hours in Tehran's time: every ``slot_minutes`` from ``starts`` to ``ends``."""

    __tablename__ = "counseling_hours"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_in_week"),
        CheckConstraint("slot_minutes >= 15 AND slot_minutes <= 240", name="slot_length"),
        CheckConstraint("starts < ends", name="starts_before_ends"),
        Index("ix_counseling_hours_counselor_id", "counselor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counseling_counselors.id", ondelete="CASCADE"))
    # Python's weekday: Monday 0 ... Sunday 6 (Saturday, the Iranian week's first day, is 5).
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[time]
    ends: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(SmallInteger)
    mode: Mapped[str] = mapped_column(String(16), default=ONLINE)


class DayOff(Base):
    """A day (Tehran's calendar) the counsellor takes no sessions."""

    __tablename__ = "counseling_days_off"
    __table_args__ = (UniqueConstraint("counselor_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counseling_counselors.id", ondelete="CASCADE"))
    day: Mapped[date]


_ACTIVE = text("status = 'booked'")


class Booking(Base):
    """One session: a member with a counsellor at a time, on a topic; its summary and rating."""

    __tablename__ = "counseling_bookings"
    __table_args__ = (
        # No double booking: one active booking per counsellor and start, whoever races.
        Index(
            "uq_counseling_bookings_counselor_active",
            "counselor_id",
            "starts_at",
            unique=True,
            postgresql_where=_ACTIVE,
            sqlite_where=_ACTIVE,
        ),
        # A member's own two bookings at the same start, raced from two phones.
        Index(
            "uq_counseling_bookings_member_active",
            "member_id",
            "starts_at",
            unique=True,
            postgresql_where=_ACTIVE,
            sqlite_where=_ACTIVE,
        ),
        # A retried request with the same key books once.
        UniqueConstraint("booked_by_id", "key"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        # My bookings; the counsellor's calendar; the reminder run.
        Index("ix_counseling_bookings_member_id_starts_at", "member_id", "starts_at"),
        Index("ix_counseling_bookings_counselor_id_starts_at", "counselor_id", "starts_at"),
        Index("ix_counseling_bookings_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counseling_counselors.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # Who booked it: the member, or a guide for them.
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("counseling_topics.id"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(16), default=ONLINE)
    need: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=BOOKED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    cancelled_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)
    summary_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None]
    # Set once the reminder went to both sides: the cron job never sends it twice.
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    counselor: Mapped[Counselor] = relationship(lazy="joined")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="joined")
    booked_by: Mapped[Member] = relationship(foreign_keys=[booked_by_id], lazy="select")
    topic: Mapped[CounselTopic] = relationship(lazy="joined")


class CounselNote(Base):
    """A message in a booking's thread, between its member and its counsellor only."""

    __tablename__ = "counseling_notes"
    __table_args__ = (Index("ix_counseling_notes_booking_id_id", "booking_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    booking_id: Mapped[int] = mapped_column(BigId, ForeignKey("counseling_bookings.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[Member] = relationship(lazy="joined")
