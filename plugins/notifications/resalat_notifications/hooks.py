"""How the notifications plugin plugs into the host: wiring, the notify answer, and its events."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Member,
    Message,
    NavItem,
    Permission,
    Tile,
    _l,
    db_session,
    hookimpl,
)
from resalat_notifications import plugin, services
from resalat_notifications.api import bp as api_bp
from resalat_notifications.cli import notifications as notifications_cli
from resalat_notifications.messages import ANNOUNCEMENT, WELCOME
from resalat_notifications.models import Notification
from resalat_notifications.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so the notification shares its transaction (and its rollback).
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return notifications_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            "notifications.broadcast",
            _l("Send a notification to every member of a region"),
            ("admin",),
        )
    ]


@hookimpl
def resalat_nav_items(member: Member) -> list[NavItem]:
    # On every page: the count is the one query this costs.
    unread = services.unread_count(_session_of(member), member)
    return [
        NavItem(
            title=plugin.title,
            url=url_for("notifications.inbox"),
            badge=unread or None,
            icon="bell",
            order=10,
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    unread = services.unread_count(_session_of(member), member)
    return [
        Tile(
            title=plugin.title,
            url=url_for("notifications.inbox"),
            icon="bell",
            description=_l("What the services of M-Resalat have told you"),
            badge=unread or None,
            order=90,
        )
    ]


# --- questions and events ----------------------------------------------------------------------


@hookimpl
def resalat_notify(member: Member, message: Message) -> Notification:
    return services.deliver(_session_of(member), member, message)


@hookimpl
def resalat_member_joined(member: Member) -> None:
    services.deliver(_session_of(member), member, WELCOME())


# --- demo --------------------------------------------------------------------------------------

# (persona, message, already read?): a little of everything the inbox shows.
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


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
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
