"""Notification rules: delivering, listing, counting and marking read. No Flask here.

Pages, the API, the CLI and the hooks all call these, so every rule lives once: a member only
ever sees or changes their own notifications, and a message is checked before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Member,
    Message,
    MessageKind,
    NotFound,
    Page,
    Region,
    _,
    decode_params,
    normalize_text,
    paginate,
    utcnow,
    vocabulary,
)
from resalat_notifications.models import (
    BODY_MAX,
    KIND_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    URL_MAX,
    Notification,
)

# At most this many ids in one mark-read call: keeps the IN list well under SQLite's limit.
MARK_MAX = 500
BROADCAST_BATCH = 1000
_NAME_RE = re.compile(r"^[a-z][a-z0-9_.\-]*$")


@dataclass
class MarkResult:
    """What a mark-read call did: the member's own ids now read, and the ids it did not find."""

    read: list[int] = field(default_factory=list)
    not_found: list[int] = field(default_factory=list)


# --- delivering --------------------------------------------------------------------------------


def deliver(session: Session, member: Member, message: Message, *, flush: bool = True) -> Notification:
    """Store ``message`` in ``member``'s inbox (unread) and return it; BadInput if the message is bad.

    Nothing is committed: the notification belongs to the caller's transaction, so an order that
    rolls back takes its "order placed" notification with it. ``flush=False`` leaves the row to
    the session's next flush (its id comes then): a job that tells thousands of members in one
    transaction writes them in a few batched INSERTs rather than one round trip each.
    """
    values = check_message(message)
    notification = Notification(member_id=member.id, created_at=utcnow(), **values)
    session.add(notification)
    if flush:
        session.flush()
    return notification


def check_message(message: Message) -> dict[str, Any]:
    """The message's columns, cleaned; BadInput naming every bad field (so nothing is stored).

    What is stored is the kind and its variables; a person's own text (an announcement) is
    checked for length and kept as typed, tidied.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, text, limit in (
        ("source", message.kind.source, SOURCE_MAX),
        ("kind", message.kind.kind, KIND_MAX),
    ):
        if not _NAME_RE.match(text or "") or len(text) > limit:
            errors[name] = _(
                "Use lower-case English letters, digits, '.', '_' or '-' (at most %(max)d).", max=limit
            )
        values[name] = text
    params = message.stored_params()
    if message.kind.authored:
        for lang in ("fa", "en"):
            title = normalize_text(str(params.get(f"title_{lang}") or ""))
            body = _normalize_paragraphs(str(params.get(f"body_{lang}") or ""))
            if not title:
                errors[f"title_{lang}"] = _("Required.")
            elif len(title) > TITLE_MAX:
                errors[f"title_{lang}"] = _("At most %(max)d characters.", max=TITLE_MAX)
            if len(body) > BODY_MAX:
                errors[f"body_{lang}"] = _("At most %(max)d characters.", max=BODY_MAX)
            params[f"title_{lang}"], params[f"body_{lang}"] = title, body
    values["params"] = params
    url = (message.url or "").strip() or None
    if url is not None and (len(url) > URL_MAX or not is_local_path(url)):
        errors["url"] = _("Give a path on this site that starts with / (at most %(max)d).", max=URL_MAX)
    values["url"] = url
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return values


# Notifications stored before kinds were declared, and kinds whose plugin is gone, are read from
# the texts they carry (as an announcement is).
_STORED = MessageKind("stored", "", authored=True)


def text(notification: Notification) -> tuple[str, str]:
    """(title, body) of ``notification`` in the reader's language, from its kind and variables."""
    params = decode_params(notification.params)
    kind = vocabulary().message(notification.source, notification.kind)
    if kind is not None:
        return kind.render(params)
    if params.get("title_fa") or params.get("title_en"):
        return _STORED.render(params)
    return _("A message from one of the services of M-Resalat"), ""


def is_local_path(url: str) -> bool:
    """Is ``url`` a path on this site? Opening a notification redirects there, so no other site."""
    parts = urlsplit(url)
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not parts.scheme
        and not parts.netloc
        and not any(ch.isspace() or ord(ch) < 32 for ch in url)
    )


def _normalize_paragraphs(text: str) -> str:
    # normalize_text folds every space, newlines included; a body keeps its line breaks.
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def audience(region: Region | None) -> Select[Any]:
    """Active members of ``region`` (a province takes in its places), or everyone when None."""
    stmt = select(Member.id, Member.region_id).where(Member.is_active.is_(True))
    if region is not None:
        if region.parent_id is None:
            places = select(Region.id).where(or_(Region.id == region.id, Region.parent_id == region.id))
            stmt = stmt.where(Member.region_id.in_(places))
        else:
            stmt = stmt.where(Member.region_id == region.id)
    return stmt


def audience_size(session: Session, region: Region | None) -> int:
    """How many members a broadcast to ``region`` would look at (for a progress bar)."""
    return session.scalar(select(func.count()).select_from(audience(region).subquery())) or 0


def broadcast(
    session: Session,
    message: Message,
    *,
    region: Region | None,
    reaches: Callable[[Region], bool] = lambda _region: True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Deliver ``message`` to every active member of ``region`` (None: everyone); returns how many.

    ``reaches(region)`` says whether notifications are on where a member lives: members it
    refuses are skipped, since they could not open their inbox anyway. ``progress(n)`` hears
    about every ``n`` members looked at. One transaction: the caller commits, all or nothing.
    """
    values = check_message(message)
    values["created_at"] = utcnow()
    reached: dict[int, bool] = {}
    delivered = 0
    last_id = 0
    while True:
        # Keyset batches: memory stays flat however many members there are.
        rows = session.execute(
            audience(region).where(Member.id > last_id).order_by(Member.id).limit(BROADCAST_BATCH)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        batch = []
        for member_id, region_id in rows:
            if region_id not in reached:
                reached[region_id] = reaches(session.get(Region, region_id))
            if reached[region_id]:
                batch.append({"member_id": member_id, **values})
        if batch:
            session.execute(insert(Notification), batch)
            delivered += len(batch)
        if progress is not None:
            progress(len(rows))
    return delivered


# --- reading -----------------------------------------------------------------------------------


def unread_count(session: Session, member: Member) -> int:
    """How many of ``member``'s notifications are unread: one query on an index."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.member_id == member.id, Notification.read_at.is_(None))
        )
        or 0
    )


def inbox(
    session: Session, member: Member, *, unread_only: bool = False, page: int = 1, per_page: int = 20
) -> Page[Notification]:
    """One page of ``member``'s notifications, newest first (only unread ones if asked)."""
    stmt = select(Notification).where(Notification.member_id == member.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(session, stmt.order_by(Notification.id.desc()), page, per_page)


def delivered_count(session: Session, area: list[int] | None, *, unread_only: bool = False) -> int:
    """Notifications delivered to members of ``area`` (region ids; None: everywhere), in one query."""
    stmt = select(func.count(Notification.id))
    if area is not None:
        stmt = stmt.join(Member, Member.id == Notification.member_id).where(Member.region_id.in_(area))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return session.scalar(stmt) or 0


def get_notification(session: Session, member: Member, notification_id: int) -> Notification:
    """``member``'s notification by id; NotFound for anyone else's, so ids reveal nothing."""
    notification = session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.member_id == member.id)
    )
    if notification is None:
        raise NotFound(_("No such notification in your inbox."), code="unknown_notification")
    return notification


# --- marking read ------------------------------------------------------------------------------


def open_notification(session: Session, member: Member, notification_id: int) -> Notification:
    """``member`` opens their notification: it is read from now on (reading twice changes nothing)."""
    notification = get_notification(session, member, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


def mark_read(session: Session, member: Member, ids: Iterable[int]) -> MarkResult:
    """Mark ``member``'s notifications among ``ids`` read; other members' ids are left untouched.

    Ids that are not the member's (or do not exist) come back in ``not_found``; an already read
    notification stays read with its first ``read_at``.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if len(wanted) > MARK_MAX:
        message = _("At most %(max)d ids at a time.", max=MARK_MAX)
        raise BadInput(message, fields={"ids": message})
    if not wanted:
        return MarkResult()
    own = set(
        session.scalars(
            select(Notification.id).where(Notification.member_id == member.id, Notification.id.in_(wanted))
        )
    )
    if own:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(own), Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    return MarkResult(read=[i for i in wanted if i in own], not_found=[i for i in wanted if i not in own])


def mark_all_read(session: Session, member: Member) -> int:
    """Mark every unread notification of ``member`` read; returns how many changed."""
    result = session.execute(
        update(Notification)
        .where(Notification.member_id == member.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)
