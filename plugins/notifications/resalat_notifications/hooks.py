"""How the notifications plugin plugs into the host: wiring, the notify answer, and its events."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    Message,
    NavItem,
    Permission,
    Tile,
    _l,
    db_session,
    hookimpl,
)
from resalat_notifications import demo, plugin, services
from resalat_notifications.api import bp as api_bp
from resalat_notifications.cli import notifications as notifications_cli
from resalat_notifications.messages import WELCOME
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


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    return [
        Figure(_l("Notifications delivered"), services.delivered_count(session, area)),
        Figure(_l("Unread notifications"), services.delivered_count(session, area, unread_only=True)),
    ]


# --- questions and events ----------------------------------------------------------------------


@hookimpl
def resalat_notify(member: Member, message: Message) -> Notification:
    # Written with the caller's next flush (at the latest its commit), not one round trip each:
    # a periodic job's chunk tells a thousand members in a few batched INSERTs.
    return services.deliver(_session_of(member), member, message, flush=False)


@hookimpl
def resalat_member_joined(member: Member) -> None:
    services.deliver(_session_of(member), member, WELCOME())


# --- demo --------------------------------------------------------------------------------------


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)
