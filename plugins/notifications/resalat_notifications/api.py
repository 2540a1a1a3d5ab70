"""The notifications JSON API: a member's inbox, unread count and marking read; admins' broadcasts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    BadInput,
    NotFound,
    api_doc,
    db_session,
    dump,
    get_region,
    idempotent,
    load,
    login_required,
    me,
    module_active,
    page_args,
    permission_required,
    require,
)
from resalat_notifications import plugin, services
from resalat_notifications.messages import ANNOUNCEMENT
from resalat_notifications.schemas import (
    BroadcastResultSchema,
    BroadcastSchema,
    InboxQuerySchema,
    MarkReadResultSchema,
    MarkReadSchema,
    NotificationSchema,
    ReadAllResultSchema,
    UnreadCountSchema,
)

bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1/notifications")


@bp.get("")
@api_doc(
    summary="My notifications, newest first",
    response=NotificationSchema,
    paginated=True,
    query={"unread": "1 (or true) for unread notifications only"},
)
@login_required
def list_notifications() -> Any:
    args = load(InboxQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    result = services.inbox(db_session(), me(), unread_only=args["unread"], page=page, per_page=per_page)
    return {"items": dump(NotificationSchema, result.items, many=True), "meta": result.meta()}


@bp.get("/unread-count")
@api_doc(summary="How many of my notifications are unread", response=UnreadCountSchema)
@login_required
def unread_count() -> Any:
    return dump(UnreadCountSchema, {"unread": services.unread_count(db_session(), me())})


@bp.get("/<int:notification_id>")
@api_doc(summary="One of my notifications", response=NotificationSchema)
@login_required
def show(notification_id: int) -> Any:
    """Reading it here does not mark it read; another member's id answers 404."""
    return dump(NotificationSchema, services.get_notification(db_session(), me(), notification_id))


@bp.post("/mark-read")
@api_doc(summary="Mark some of my notifications read", body=MarkReadSchema, response=MarkReadResultSchema)
@login_required
def mark_read() -> Any:
    """Ids that are not in my inbox are left untouched and listed in ``not_found``."""
    data = load(MarkReadSchema)
    session = db_session()
    member = me()
    result = services.mark_read(session, member, data["ids"])
    session.commit()
    return dump(
        MarkReadResultSchema,
        {
            "read": result.read,
            "not_found": result.not_found,
            "unread": services.unread_count(session, member),
        },
    )


@bp.post("/read-all")
@api_doc(summary="Mark all my notifications read", response=ReadAllResultSchema)
@login_required
def read_all() -> Any:
    session = db_session()
    marked = services.mark_all_read(session, me())
    session.commit()
    return dump(ReadAllResultSchema, {"marked": marked, "unread": 0})


@bp.post("/broadcast")
@api_doc(
    summary="Send a notification to every member of a region",
    body=BroadcastSchema,
    response=BroadcastResultSchema,
    status=201,
)
@permission_required("notifications.broadcast")
@idempotent
def broadcast() -> Any:
    """Needs notifications.broadcast in that region; members where notifications are off are skipped."""
    data = load(BroadcastSchema)
    session = db_session()
    try:
        region = get_region(session, data.pop("region"))
    except NotFound as exc:
        raise BadInput(exc.message, fields={"region": exc.message}) from None
    require("notifications.broadcast", region)
    message = ANNOUNCEMENT(**data)
    delivered = services.broadcast(
        session, message, region=region, reaches=lambda place: module_active(plugin.name, place)
    )
    session.commit()
    return dump(BroadcastResultSchema, {"delivered": delivered, "region": region.code}), 201
