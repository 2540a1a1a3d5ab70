"""The feed, read by keyset: people and cores the member follows (and their own posts) first,
then the rest of their region and the places under it, each newest first by (created_at, id).

One query finds a page's ids (each source a branch of a UNION ALL with its own LIMIT, served by
its index), one loads those posts; cards, likes and photos are loaded in batches by the caller.
So a feed of ten posts or of ten thousand costs the same number of queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, false, literal, or_, select, union_all
from sqlalchemy.orm import Session

from resalat_core.sdk import MAX_BIG_ID, BadInput, Member, _, ids_under, to_latin_digits

from ..models import RasanFollow, RasanPost

PER_PAGE = 20
PER_PAGE_MAX = 50
# "<section>.<microseconds since the epoch>.<id>": where the last page ended.
_CURSOR = re.compile(r"([01])\.([0-9]{1,18})\.([0-9]{1,10})")
_EPOCH = datetime(1970, 1, 1)
_WHOLE = re.compile(r"[0-9]{1,4}")


@dataclass
class FeedPage:
    items: list[RasanPost]
    per_page: int
    next: str | None


def _micros(moment: datetime) -> int:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _moment(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def cursor_of(section: int, post: RasanPost) -> str:
    return f"{section}.{_micros(post.created_at)}.{post.id}"


def read_cursor(raw: str | None) -> tuple[int, datetime, int] | None:
    """A cursor as the last page gave it; anything else is a 400 naming the field."""
    if raw is None or raw == "":
        return None
    match = _CURSOR.fullmatch(str(raw).strip())
    if match is None or int(match.group(3)) > MAX_BIG_ID or int(match.group(2)) > 10**17:
        message = _("This page marker is not one the feed gave.")
        raise BadInput(message, fields={"cursor": message}, code="bad_cursor")
    return int(match.group(1)), _moment(int(match.group(2))), int(match.group(3))


def read_per_page(raw: Any) -> int:
    """``?per_page=`` (Persian or Latin digits), 1 to 50; anything else is a 400 naming it."""
    if raw is None or raw == "":
        return PER_PAGE
    text = to_latin_digits(str(raw)).strip()
    if not _WHOLE.fullmatch(text) or not 1 <= int(text) <= PER_PAGE_MAX:
        message = _("Must be between 1 and %(max)d.", max=PER_PAGE_MAX)
        raise BadInput(message, fields={"per_page": message})
    return int(text)


def _older(after: tuple[datetime, int] | None) -> Any:
    if after is None:
        return literal(True)
    moment, post_id = after
    return or_(RasanPost.created_at < moment, and_(RasanPost.created_at == moment, RasanPost.id < post_id))


def _branch(section: int, where: Any, after: Any, limit: int) -> Select[Any]:
    inner = (
        select(
            RasanPost.id.label("id"),
            literal(section).label("section"),
            RasanPost.created_at.label("created_at"),
        )
        .where(where, after)
        .order_by(RasanPost.created_at.desc(), RasanPost.id.desc())
        .limit(limit)
        .subquery()
    )
    return select(inner.c.id, inner.c.section, inner.c.created_at)


def keyset_page(
    session: Session,
    sources: list[Any],
    cursor: tuple[int, datetime, int] | None,
    per_page: int,
) -> FeedPage:
    """A page over ``sources`` (conditions, in order of preference), the cursor's section first."""
    limit = per_page + 1
    branches = []
    for section, where in enumerate(sources):
        if cursor is None or section > cursor[0]:
            after: Any = literal(True)
        elif section == cursor[0]:
            after = _older((cursor[1], cursor[2]))
        else:
            after = false()  # a section the reader has already passed
        branches.append(_branch(section, where, after, limit))
    both = union_all(*branches).subquery()
    rows = session.execute(
        select(both.c.id, both.c.section)
        .order_by(both.c.section, both.c.created_at.desc(), both.c.id.desc())
        .limit(limit)
    ).all()
    ids = [row.id for row in rows[:per_page]]
    by_id = (
        {p.id: p for p in session.scalars(select(RasanPost).where(RasanPost.id.in_(ids))).unique()}
        if ids
        else {}
    )
    items = [by_id[i] for i in ids if i in by_id]
    next_cursor = None
    if len(rows) > per_page and items:
        next_cursor = cursor_of(rows[per_page - 1].section, items[-1])
    return FeedPage(items=items, per_page=per_page, next=next_cursor)


def feed(session: Session, member: Member, cursor: str | None = None, per_page: int = PER_PAGE) -> FeedPage:
    """The member's feed (group posts stay in their groups; hidden posts but their own are left out)."""
    followed_members = select(RasanFollow.member_id).where(
        RasanFollow.follower_id == member.id, RasanFollow.member_id.is_not(None)
    )
    followed_cores = select(RasanFollow.core_id).where(
        RasanFollow.follower_id == member.id, RasanFollow.core_id.is_not(None)
    )
    mine_or_followed = or_(
        RasanPost.author_id == member.id,
        and_(RasanPost.core_id.is_(None), RasanPost.author_id.in_(followed_members)),
        # core_id is NULL on most posts: NULL IN (...) is unknown, and NOT unknown would drop them.
        and_(RasanPost.core_id.is_not(None), RasanPost.core_id.in_(followed_cores)),
    )
    visible = or_(RasanPost.hidden.is_(False), RasanPost.author_id == member.id)
    area = ids_under(session, [member.region_id])
    sources = [
        and_(RasanPost.group_id.is_(None), visible, mine_or_followed),
        and_(
            RasanPost.group_id.is_(None),
            RasanPost.hidden.is_(False),
            RasanPost.region_id.in_(area),
            ~mine_or_followed,
        ),
    ]
    return keyset_page(session, sources, read_cursor(cursor), per_page)


def stream(session: Session, where: Any, cursor: str | None = None, per_page: int = PER_PAGE) -> FeedPage:
    """One source by keyset: a profile's, a core's, a group's posts."""
    read = read_cursor(cursor)
    if read is not None and read[0] != 0:
        message = _("This page marker is not one the feed gave.")
        raise BadInput(message, fields={"cursor": message}, code="bad_cursor")
    return keyset_page(session, [where], read, per_page)
