"""The inbox page: a member's notifications, newest first, and marking them read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    _,
    db_session,
    login_required,
    me,
    page_args,
)
from resalat_notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _back_to_inbox() -> Any:
    """Back to the inbox page the form was on (its page number and filter, checked, nothing else)."""
    raw_page = request.form.get("page", "")
    page = int(raw_page) if raw_page.isdecimal() and int(raw_page) > 0 else None
    unread = 1 if request.form.get("unread") == "1" else None
    return redirect(url_for("notifications.inbox", page=page, unread=unread))


@bp.get("/")
@login_required
def inbox() -> Any:
    session = db_session()
    member = me()
    unread_only = request.args.get("unread") == "1"
    page, per_page = page_args()
    result = services.inbox(session, member, unread_only=unread_only, page=page, per_page=per_page)
    return render_template(
        "notifications/inbox.html",
        page=result,
        text=services.text,
        unread_only=unread_only,
        unread=services.unread_count(session, member),
    )


@bp.get("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int) -> Any:
    """Follow a notification's link; following it is reading it.

    A GET, so the link behaves like any link (new tab, long-press on a phone). The only effect a
    forged request could have is marking one of the member's own notifications read.
    """
    session = db_session()
    notification = services.open_notification(session, me(), notification_id)
    session.commit()
    # Checked again at the door: only paths on this site, whatever got stored.
    if notification.url and services.is_local_path(notification.url):
        return redirect(notification.url)
    return redirect(url_for("notifications.inbox"))


@bp.post("/<int:notification_id>/read")
@login_required
def read_one(notification_id: int) -> Any:
    session = db_session()
    services.open_notification(session, me(), notification_id)
    session.commit()
    flash(_("Marked as read."), "success")
    return _back_to_inbox()


@bp.post("/read-all")
@login_required
def read_all() -> Any:
    session = db_session()
    marked = services.mark_all_read(session, me())
    session.commit()
    if marked:
        # No count in the text: one message, no plural forms to translate.
        flash(_("All your notifications are marked as read."), "success")
    return _back_to_inbox()
