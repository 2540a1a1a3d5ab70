"""Fixtures for counselling's tests: a counsellor with topics and hours every day, slots at
known Tehran times, bookings made as another request would, and time passing.

Each helper works in its own app context and transaction, committed before it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from resalat_counseling import services
from resalat_counseling.models import Booking

from resalat_core.sdk import Member
from resalat_core.testing import work


@dataclass(frozen=True)
class Counsel:
    member_id: int
    id: int
    topic_ids: list[int]


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Tehran's ``hour:minute``, ``days`` after today (Tehran's), as stored (naive UTC)."""
    return services.to_utc(services.tehran_day(services.now()) + timedelta(days=days), time(hour, minute))


@pytest.fixture
def make_counselor(app: Flask, make_member: Any) -> Callable[..., Counsel]:
    """``make_counselor()``: a counsellor in Ardakan with two topics and hours every day, 08–20
    Tehran time in sessions of an hour (online)."""

    def build(region: str = "yazd/ardakan", name: str = "مشاور آزمایشی", hours: bool = True) -> Counsel:
        member_id = make_member("counselor", region=region, name=name)
        with work(app) as s:
            member = s.get(Member, member_id)
            topics = [
                services.add_topic(s, member, "بازاریابی صنایع دستی", "قیمت و فروش"),
                services.add_topic(s, member, "حسابداری خانوادگی", ""),
            ]
            if hours:
                for weekday in range(7):
                    services.add_hours(s, member, weekday, time(8), time(20), 60, "online")
            profile = services.counselor_of(s, member)
            assert profile is not None
            return Counsel(member_id, profile.id, [t.id for t in topics])

    return build


@pytest.fixture
def counselor(make_counselor: Callable[..., Counsel]) -> Counsel:
    return make_counselor()


@pytest.fixture
def book(app: Flask) -> Callable[..., int]:
    """``book(actor_id, counsel, starts_at, member_id=None)``: a booking's id (or the refusal raised)."""

    def run(
        actor_id: int, counsel: Counsel, starts_at: datetime, *, member_id: int | None = None, key: str = ""
    ) -> int:
        with work(app) as s:
            actor = s.get(Member, actor_id)
            booking = services.book(
                s,
                actor,
                counselor_id=counsel.id,
                topic_id=counsel.topic_ids[0],
                starts_at=starts_at,
                need="",
                key=key or f"k-{actor_id}-{counsel.id}-{starts_at.isoformat()}",
                member=s.get(Member, member_id) if member_id else None,
            )
            return booking.id

    return run


@pytest.fixture
def starts_in(app: Flask) -> Callable[[int, float], None]:
    """``starts_in(booking_id, hours)``: the session now starts ``hours`` from now (negative: it
    started that long ago), as if time had passed. Counted from the clock, not from the day's
    date, so that a test means the same at any hour of Tehran's day."""

    def run(booking_id: int, hours: float) -> None:
        with work(app) as s:
            # Read and written back in Python: SQLite has no arithmetic on stored datetimes.
            b = s.get(Booking, booking_id)
            length = b.ends_at - b.starts_at
            b.starts_at = services.now() + timedelta(hours=hours)
            b.ends_at = b.starts_at + length

    return run


@pytest.fixture
def booking_of(app: Flask) -> Callable[[int], dict[str, Any]]:
    def read(booking_id: int) -> dict[str, Any]:
        with work(app) as s:
            b = s.get(Booking, booking_id)
            return {
                "status": b.status,
                "starts_at": b.starts_at,
                "summary": b.summary,
                "rating": b.rating,
                "reminded_at": b.reminded_at,
                "member_id": b.member_id,
            }

    return read


@pytest.fixture
def place(app: Flask) -> Callable[[int, datetime], None]:
    """``place(booking_id, starts_at)``: the session now starts then (keeping its length)."""

    def run(booking_id: int, starts_at: datetime) -> None:
        with work(app) as s:
            b = s.get(Booking, booking_id)
            b.starts_at, b.ends_at = starts_at, starts_at + (b.ends_at - b.starts_at)

    return run


@pytest.fixture
def guide_role(app: Flask) -> str:
    """The role that books for members of its area: ``guide`` when the guides plugin is installed,
    else a regional ``admin`` (who holds every permission in their region)."""
    from resalat_core.sdk import vocabulary

    with app.app_context():
        return "guide" if vocabulary().role("guide") else "admin"
