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
    db_session,
    hookimpl,
)
from resalat_notifications import plugin, services
from resalat_notifications.api import bp as api_bp
from resalat_notifications.cli import notifications as notifications_cli
from resalat_notifications.models import Notification
from resalat_notifications.views import bp as pages_bp

WELCOME = Message(
    title_fa="به رسالت خوش آمدید",
    title_en="Welcome to M-Resalat",
    body_fa="از این پس هر خبری که بخش‌های رسالت برای شما دارند، اینجا در صندوق اعلان‌هایتان می‌آید.",
    body_en="From now on, whatever the services of M-Resalat have to tell you arrives here, in your inbox.",
    source=plugin.name,
    kind="welcome",
)


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
            "فرستادن اعلان به همه‌ی اعضای یک منطقه",
            "Send a notification to every member of a region",
            ("admin",),
        )
    ]


@hookimpl
def resalat_nav_items(member: Member) -> list[NavItem]:
    # On every page: the count is the one query this costs.
    unread = services.unread_count(_session_of(member), member)
    return [
        NavItem(
            title_fa=plugin.title_fa,
            title_en=plugin.title_en,
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
            title_fa=plugin.title_fa,
            title_en=plugin.title_en,
            url=url_for("notifications.inbox"),
            icon="bell",
            description_fa="پیام‌هایی که بخش‌های رسالت برای شما فرستاده‌اند",
            description_en="What the services of M-Resalat have told you",
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
    services.deliver(_session_of(member), member, WELCOME)


# --- demo --------------------------------------------------------------------------------------

# (persona, message, already read?): a little of everything the inbox shows.
DEMO = (
    ("member", WELCOME, True),
    (
        "member",
        Message(
            title_fa="رهیار منطقه‌ی شما معرفی شد",
            title_en="Your area's guide has been introduced",
            body_fa="علی رهیار زنجانی رهیار گرگ‌تپه است و برای آشنایی با هسته‌ی شما تماس می‌گیرد.",
            body_en="Ali Rahyar Zanjani is the guide for Gorg-Tappeh and will call to get to know your core.",
            source="guides",
            kind="guide.assigned",
        ),
        False,
    ),
    (
        "member",
        Message(
            title_fa="جشنواره‌ی محلی گرگ‌تپه هفته‌ی آینده",
            title_en="Gorg-Tappeh's local festival is next week",
            body_fa="هسته‌ها می‌توانند تا پایان هفته برای غرفه ثبت‌نام کنند.",
            body_en="Cores can sign up for a booth until the end of the week.",
            source="festivals",
            kind="festival.announced",
        ),
        False,
    ),
    (
        "core_leader",
        Message(
            title_fa="یک عضو تازه به منطقه‌ی شما پیوست",
            title_en="A new member joined your area",
            body_fa="مریم احمدی در گرگ‌تپه عضو رسالت شد.",
            body_en="Maryam Ahmadi joined M-Resalat in Gorg-Tappeh.",
            source="cores",
            kind="member.nearby",
        ),
        False,
    ),
    (
        "guide",
        Message(
            title_fa="یادآوری: گزارش ماهانه‌ی مشاوره",
            title_en="Reminder: this month's advice log",
            body_fa="لطفاً گزارش دیدارهای این ماه با هسته‌ها را ثبت کنید.",
            body_en="Please record this month's visits to the cores you guide.",
            source="guides",
            kind="advice.reminder",
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
        notification = services.deliver(session, member, message)
        if read:
            services.open_notification(session, member, notification.id)
        delivered.append(notification)
    world.extras["notifications"] = delivered
