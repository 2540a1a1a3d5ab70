"""The notifications plugin's part of the demo world: a little of everything the inbox shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from resalat_core.sdk import utcnow
from resalat_notifications import services
from resalat_notifications.messages import ANNOUNCEMENT, WELCOME
from resalat_notifications.models import Notification

# (persona, message, already read?): the welcome comes from joining; the rest are announcements.
DEMO = (
    ("member", None, True),  # the welcome every member got on joining
    (
        "member",
        ANNOUNCEMENT(
            title_fa="جشنواره‌ی محلی گرگ‌تپه هفته‌ی آینده",
            title_en="Gorg-Tappeh's local festival is next week",
            body_fa="هسته‌ها می‌توانند تا پایان هفته برای غرفه ثبت‌نام کنند.",
            body_en="Cores can sign up for a booth until the end of the week.",
        ),
        False,
    ),
    (
        "guide",
        ANNOUNCEMENT(
            title_fa="یادآوری: گزارش ماهانه‌ی مشاوره",
            title_en="Reminder: this month's advice log",
            body_fa="لطفاً گزارش دیدارهای این ماه با هسته‌ها را ثبت کنید.",
            body_en="Please record this month's visits to the cores you guide.",
        ),
        False,
    ),
)


def load(session: Session, world: Any) -> None:
    """Announcements for the demo member and guide; the member's welcome is already read."""
    delivered = []
    for persona, message, read in DEMO:
        member = world.members.get(persona)
        if member is None:
            continue
        if message is None:
            notification = services.inbox(session, member, page=1, per_page=1).items[0]
        else:
            notification = services.deliver(session, member, message)
        if read:
            services.open_notification(session, member, notification.id)
        delivered.append(notification)
    world.extras["notifications"] = delivered


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more notifications in every persona's inbox, the newest of it, every other one unread:
    announcements that open a page and welcomes, as delivered (one bulk insert per persona)."""
    announcement = services.check_message(
        ANNOUNCEMENT(
            title_fa="برنامه‌ی هفتگی بازارچه‌ی محله",
            title_en="The neighbourhood market's weekly programme",
            body_fa="غرفه‌ها از شنبه تا چهارشنبه، ساعت ۹ تا ۱۳ باز هستند.",
            body_en="Booths are open Saturday to Wednesday, 9 to 13.",
            url="/notifications/",
        )
    )
    welcome = services.check_message(WELCOME())
    now = utcnow()
    for member in world.members.values():
        batch = [
            {
                **(announcement if n % 2 else welcome),
                "member_id": member.id,
                "created_at": now,
                "read_at": None if n % 2 else now,
            }
            for n in range(rows)
        ]
        session.execute(insert(Notification), batch)
