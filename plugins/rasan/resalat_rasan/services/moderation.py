"""Reports of abusive posts and their moderation by the social leader of the post's region (or an
administrator there): the queue, hiding with a note to the author, restoring."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    MAX_BIG_ID,
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    _,
    area_of,
    audit,
    normalize_text,
    notify,
    utcnow,
)

from .. import messages
from ..models import HIDDEN, OPEN, REASON_MAX, RESTORED, RasanPost, RasanReport
from .posts import MODERATE, get_post


def report(session: Session, member: Member, post_id: int, reason: Any) -> RasanReport:
    """A member reports a post, once; the report waits for the region's social leader."""
    post = get_post(session, member, post_id)
    clean = normalize_text(reason if isinstance(reason, str) else "")
    if not clean:
        message = _("Say what is wrong with the post.")
        raise BadInput(message, fields={"reason": message}, code="reason_empty")
    if len(clean) > REASON_MAX:
        message = _("At most %(count)s characters.", count=REASON_MAX)
        raise BadInput(message, fields={"reason": message}, code="reason_too_long")
    if post.author_id == member.id:
        raise BadInput(_("You cannot report your own post."), code="own_post")
    found = session.scalar(
        select(RasanReport).where(RasanReport.post_id == post.id, RasanReport.reporter_id == member.id)
    )
    if found is not None:
        return found
    row = RasanReport(post_id=post.id, reporter_id=member.id, region_id=post.region_id, reason=clean)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = session.scalar(
            select(RasanReport).where(RasanReport.post_id == post.id, RasanReport.reporter_id == member.id)
        )
        assert found is not None
        return found
    return row


def moderation_area(session: Session, member: Member) -> list[int] | None:
    """Where ``member`` moderates (None: nationwide); NotAllowed when nowhere."""
    area = area_of(session, member, MODERATE)
    if area is not None and not area:
        raise NotAllowed(_("Only the region's social leader or an administrator moderates posts."))
    return area


def queue_query(area: list[int] | None, status: str = OPEN) -> Select[Any]:
    """Reported posts of the area, the longest waiting first (one row per post)."""
    reports = select(RasanReport.post_id, func.min(RasanReport.created_at).label("first")).where(
        RasanReport.status == status
    )
    if area is not None:
        reports = reports.where(RasanReport.region_id.in_(area))
    waiting = reports.group_by(RasanReport.post_id).subquery()
    return (
        select(RasanPost)
        .join(waiting, waiting.c.post_id == RasanPost.id)
        .order_by(waiting.c.first, RasanPost.id)
    )


def report_counts(session: Session, posts: list[RasanPost], status: str = OPEN) -> dict[int, int]:
    """How many reports of ``status`` each post of a page has: one query for the page."""
    ids = [p.id for p in posts]
    if not ids:
        return {}
    rows = session.execute(
        select(RasanReport.post_id, func.count(RasanReport.id))
        .where(RasanReport.post_id.in_(ids), RasanReport.status == status)
        .group_by(RasanReport.post_id)
    )
    return {post_id: n for post_id, n in rows}


def open_reports(session: Session, member: Member) -> int:
    """How many posts wait for this moderator (0 for everyone else, without a query)."""
    area = area_of(session, member, MODERATE)
    if area is not None and not area:
        return 0
    stmt = select(func.count(func.distinct(RasanReport.post_id))).where(RasanReport.status == OPEN)
    if area is not None:
        stmt = stmt.where(RasanReport.region_id.in_(area))
    return session.scalar(stmt) or 0


def reasons_of(session: Session, post: RasanPost) -> list[RasanReport]:
    return list(
        session.scalars(
            select(RasanReport).where(RasanReport.post_id == post.id).order_by(RasanReport.id)
        ).unique()
    )


def _moderated(session: Session, member: Member, post_id: int) -> RasanPost:
    area = moderation_area(session, member)
    post = session.get(RasanPost, post_id) if isinstance(post_id, int) and 0 < post_id <= MAX_BIG_ID else None
    if post is None:
        raise NotFound(_("No such post."), code="unknown_post")
    if area is not None and post.region_id not in area:
        raise NotAllowed(
            _("This post was written outside your region: its own social leader moderates it."),
            code="outside_region",
        )
    return post


def hide(session: Session, member: Member, post_id: int, note: Any) -> RasanPost:
    """Hide the post for everyone but its author and the moderators; the author is told why."""
    post = _moderated(session, member, post_id)
    clean = normalize_text(note if isinstance(note, str) else "")
    if not clean:
        message = _("Write a note for the author: why the post is hidden.")
        raise BadInput(message, fields={"note": message}, code="note_empty")
    if len(clean) > REASON_MAX:
        message = _("At most %(count)s characters.", count=REASON_MAX)
        raise BadInput(message, fields={"note": message})
    post.hidden = True
    post.hidden_note = clean
    post.hidden_at = utcnow()
    session.execute(
        update(RasanReport)
        .where(RasanReport.post_id == post.id, RasanReport.status == OPEN)
        .values(status=HIDDEN, decided_by_id=member.id, decided_at=utcnow())
    )
    session.flush()
    audit(
        session,
        "rasan.post_hidden",
        subject=f"rasan_post:{post.id}",
        region=post.region_id,
        actor=member,
        before={"hidden": False},
        after={"hidden": True},
    )
    author = session.get(Member, post.author_id)
    if author is not None:
        notify(author, messages.POST_HIDDEN(note=clean, url=f"/rasan/posts/{post.id}"))
    return post


def restore(session: Session, member: Member, post_id: int) -> RasanPost:
    """Show the post again (or dismiss its reports): the open reports are closed."""
    post = _moderated(session, member, post_id)
    was_hidden = post.hidden
    post.hidden = False
    post.hidden_note = None
    post.hidden_at = None
    session.execute(
        update(RasanReport)
        .where(RasanReport.post_id == post.id, RasanReport.status.in_((OPEN, HIDDEN)))
        .values(status=RESTORED, decided_by_id=member.id, decided_at=utcnow())
    )
    session.flush()
    if was_hidden:
        audit(
            session,
            "rasan.post_restored",
            subject=f"rasan_post:{post.id}",
            region=post.region_id,
            actor=member,
            before={"hidden": True},
            after={"hidden": False},
        )
    author = session.get(Member, post.author_id)
    if was_hidden and author is not None:
        notify(author, messages.POST_RESTORED(url=f"/rasan/posts/{post.id}"))
    return post


def hidden_query(area: list[int] | None) -> Select[Any]:
    stmt = (
        select(RasanPost)
        .where(RasanPost.hidden.is_(True))
        .order_by(RasanPost.hidden_at.desc(), RasanPost.id.desc())
    )
    if area is not None:
        stmt = stmt.where(RasanPost.region_id.in_(area))
    return stmt
