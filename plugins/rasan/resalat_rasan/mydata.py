"""Rasan's part of a member's own data, and what closing the account removes from it.

Closing deletes the member's own posts (their photos, hashtags, likes and comments with them),
their comments and likes on other posts, their follows both ways, group memberships and the
questions they were asked to answer; the reasons of their reports are blanked (the moderation
record stays). Posts written for a core stay: they are the core's, not the person's.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, lazyload

from resalat_core.sdk import DataRow, DataSection, Day, Member, _l, hookimpl

from .models import (
    RasanComment,
    RasanExpert,
    RasanFollow,
    RasanGroup,
    RasanGroupMember,
    RasanLike,
    RasanPost,
    RasanReport,
)

# The export reads only each post's and comment's own columns: not their authors (each with their
# roles, one more query) nor a post's photos (one more query a 500 posts).
_OWN = lazyload("*")


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    posts = list(
        session.scalars(
            select(RasanPost).where(RasanPost.author_id == member.id).order_by(RasanPost.id).options(_OWN)
        )
    )
    comments = list(
        session.scalars(
            select(RasanComment)
            .where(RasanComment.author_id == member.id)
            .order_by(RasanComment.id)
            .options(_OWN)
        )
    )
    likes = session.scalar(select(func.count()).where(RasanLike.member_id == member.id)) or 0
    follows = session.scalar(select(func.count()).where(RasanFollow.follower_id == member.id)) or 0
    groups = list(
        session.scalars(
            select(RasanGroup.title)
            .join(RasanGroupMember, RasanGroupMember.group_id == RasanGroup.id)
            .where(RasanGroupMember.member_id == member.id)
            .order_by(RasanGroup.id)
        )
    )
    if not (posts or comments or likes or follows or groups):
        return []
    rows = [DataRow(_l("Post of %(day)s", day=Day(p.created_at)), p.text) for p in posts]
    rows += [DataRow(_l("Comment of %(day)s", day=Day(c.created_at)), c.text) for c in comments]
    rows += [DataRow(_l("Group"), title) for title in groups]
    rows += [DataRow(_l("Posts you liked"), likes), DataRow(_l("Members and cores you follow"), follows)]
    data = {
        "posts": [
            {
                "id": p.id,
                "kind": p.kind,
                "text": p.text,
                "core_id": p.core_id,
                "hidden": p.hidden,
                "created_at": p.created_at.isoformat(),
            }
            for p in posts
        ],
        "comments": [
            {"id": c.id, "post_id": c.post_id, "text": c.text, "created_at": c.created_at.isoformat()}
            for c in comments
        ],
        "groups": groups,
        "likes": likes,
        "follows": follows,
    }
    return [DataSection("rasan", _l("Rasan: posts and comments"), rows, data)]


def _uncount(session: Session, column: str, rows: list[tuple[int, int]]) -> None:
    """Take ``count`` off each post's cached ``column`` for the rows about to go."""
    field = getattr(RasanPost, column)
    for post_id, n in rows:
        session.execute(update(RasanPost).where(RasanPost.id == post_id).values({field: field - n}))


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    mine = RasanPost.author_id == member.id
    # Children of the member's own posts go with them (the database cascades).
    session.execute(delete(RasanPost).where(mine, RasanPost.core_id.is_(None)))
    comments = session.execute(
        select(RasanComment.post_id, func.count())
        .where(RasanComment.author_id == member.id)
        .group_by(RasanComment.post_id)
    ).all()
    _uncount(session, "comment_count", [(p, n) for p, n in comments])
    session.execute(delete(RasanComment).where(RasanComment.author_id == member.id))
    likes = session.execute(
        select(RasanLike.post_id, func.count())
        .where(RasanLike.member_id == member.id)
        .group_by(RasanLike.post_id)
    ).all()
    _uncount(session, "like_count", [(p, n) for p, n in likes])
    session.execute(delete(RasanLike).where(RasanLike.member_id == member.id))
    session.execute(
        delete(RasanFollow).where(
            (RasanFollow.follower_id == member.id) | (RasanFollow.member_id == member.id)
        )
    )
    joined = select(RasanGroupMember.group_id).where(RasanGroupMember.member_id == member.id)
    for group_id in list(session.scalars(joined)):
        session.execute(
            update(RasanGroup)
            .where(RasanGroup.id == group_id)
            .values(member_count=RasanGroup.member_count - 1)
        )
    session.execute(delete(RasanGroupMember).where(RasanGroupMember.member_id == member.id))
    session.execute(delete(RasanExpert).where(RasanExpert.member_id == member.id))
    session.execute(update(RasanReport).where(RasanReport.reporter_id == member.id).values(reason=""))
