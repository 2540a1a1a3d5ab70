"""Rasan's JSON API: the feed and other lists of posts by keyset, posts (the caller's own to
change), likes, comments, follows, groups, "ask me" questions, reports and moderation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, request, url_for
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    api_doc,
    db_session,
    dump,
    load,
    login_required,
    me,
    paginate,
)

from . import plugin, services
from .models import RasanPost
from .photos import photo_urls, photos_for, resolve_tokens
from .schemas import (
    CommentSchema,
    EditPostSchema,
    FollowStateSchema,
    GroupSchema,
    ModerateSchema,
    NewCommentSchema,
    NewGroupSchema,
    NewPostSchema,
    NewReportSchema,
    PostPageSchema,
    PostSchema,
    QueueItemSchema,
    ReportSchema,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")

KEYSET = {
    "cursor": "the `next` of the page before (leave out for the newest)",
    "per_page": "posts a page, 1 to 50 (20)",
}


def post_data(session: Session, posts: Sequence[RasanPost]) -> list[dict[str, Any]]:
    """Posts as the API shows them, with cards, likes and photos loaded for all at once."""
    viewer = me()
    cards = services.cards_for(session, posts)
    liked = services.liked_ids(session, viewer, posts)
    photos = photos_for(session, posts)
    out = []
    for post in posts:
        card = None
        if post.product_id:
            found = cards.get(post.product_id)
            available = bool(found and found.available)
            card = {
                "product_id": post.product_id,
                "title": found.title if available and found else None,
                "price_rials": found.price if available and found else None,
                "available": available,
                "url": url_for("bazaar.product", product_id=post.product_id) if available else None,
            }
        out.append(
            {
                "id": post.id,
                "author": {"id": post.author_id, "name": post.author.name},
                "core_id": post.core_id,
                "core_name": post.core_name if post.core_id else None,
                "group_id": post.group_id,
                "kind": post.kind,
                "field": post.field_code,
                "text": post.text,
                "hashtags": services.hashtags_of(post.text),
                "photos": photo_urls(photos.get(post.id, [])),
                "product": card,
                "like_count": post.like_count,
                "comment_count": post.comment_count,
                "liked": post.id in liked,
                "hidden": post.hidden,
                "hidden_note": post.hidden_note,
                "created_at": post.created_at,
            }
        )
    return out


def _one(session: Session, post: RasanPost) -> Any:
    return dump(PostSchema, post_data(session, [post])[0])


def _keyset(session: Session, page: services.FeedPage) -> Any:
    return dump(
        PostPageSchema,
        {"items": post_data(session, page.items), "meta": {"per_page": page.per_page, "next": page.next}},
    )


def _cursor() -> tuple[str | None, int]:
    return request.args.get("cursor"), services.read_per_page(request.args.get("per_page"))


# --- the feed and posts ---------------------------------------------------------------------------


@bp.get("/feed")
@api_doc(
    summary="My feed: whom I follow first, then my region; newest first, by keyset",
    response=PostPageSchema,
    query=KEYSET,
)
@login_required
def feed() -> Any:
    session = db_session()
    cursor, per_page = _cursor()
    return _keyset(session, services.feed(session, me(), cursor, per_page))


@bp.post("/posts")
@api_doc(summary="Write a post or ask a question", body=NewPostSchema, response=PostSchema, status=201)
@login_required
def create_post() -> Any:
    """Photos are uploaded first (``POST /api/v1/files``) and named here by token. A question
    (``kind`` "question") is shown to the members other plugins name as knowing its field."""
    data = load(NewPostSchema)
    session = db_session()
    member = me()
    draft = services.Draft(
        text=data["text"],
        core_id=data["core_id"],
        group_id=data["group_id"],
        product_id=data["product_id"],
        photos=resolve_tokens(session, member, data["photos"]),
        kind=data["kind"],
        field_code=data["field"],
    )
    post = services.create_post(session, member, draft)
    session.commit()
    return _one(session, post), 201


@bp.get("/posts/<int:post_id>")
@api_doc(summary="A post", response=PostSchema)
@login_required
def get_post(post_id: int) -> Any:
    session = db_session()
    return _one(session, services.get_post(session, me(), post_id))


@bp.patch("/posts/<int:post_id>")
@api_doc(summary="Change the text of my post", body=EditPostSchema, response=PostSchema)
@login_required
def edit_post(post_id: int) -> Any:
    data = load(EditPostSchema)
    session = db_session()
    post = services.edit_post(session, me(), post_id, data["text"])
    session.commit()
    return _one(session, post)


@bp.delete("/posts/<int:post_id>")
@api_doc(summary="Delete my post", status=204)
@login_required
def delete_post(post_id: int) -> Any:
    session = db_session()
    services.delete_post(session, me(), post_id)
    session.commit()
    return "", 204


@bp.post("/posts/<int:post_id>/like")
@api_doc(summary="Like a post (twice is once)", response=PostSchema)
@login_required
def like(post_id: int) -> Any:
    session = db_session()
    post = services.like(session, me(), post_id)
    session.commit()
    return _one(session, post)


@bp.delete("/posts/<int:post_id>/like")
@api_doc(summary="Take my like back", response=PostSchema)
@login_required
def unlike(post_id: int) -> Any:
    session = db_session()
    post = services.unlike(session, me(), post_id)
    session.commit()
    return _one(session, post)


@bp.get("/posts/<int:post_id>/comments")
@api_doc(summary="A post's comments, answers first", response=CommentSchema, paginated=True)
@login_required
def comments(post_id: int) -> Any:
    session = db_session()
    post = services.get_post(session, me(), post_id)
    page = paginate(session, services.comments_query(post))
    return {"items": dump(CommentSchema, page.items, many=True), "meta": page.meta()}


@bp.post("/posts/<int:post_id>/comments")
@api_doc(
    summary="Comment on a post (an expert's comment on a question is an answer)",
    body=NewCommentSchema,
    response=CommentSchema,
    status=201,
)
@login_required
def comment(post_id: int) -> Any:
    data = load(NewCommentSchema)
    session = db_session()
    row = services.comment(session, me(), post_id, data["text"])
    session.commit()
    return dump(CommentSchema, row), 201


@bp.post("/posts/<int:post_id>/report")
@api_doc(
    summary="Report a post to the region's social leader",
    body=NewReportSchema,
    response=ReportSchema,
    status=201,
)
@login_required
def report(post_id: int) -> Any:
    data = load(NewReportSchema)
    session = db_session()
    row = services.report(session, me(), post_id, data["reason"])
    session.commit()
    return dump(ReportSchema, row), 201


@bp.get("/members/<int:member_id>/posts")
@api_doc(summary="A member's own posts, newest first, by keyset", response=PostPageSchema, query=KEYSET)
@login_required
def member_posts(member_id: int) -> Any:
    session = db_session()
    cursor, per_page = _cursor()
    where = (RasanPost.author_id == member_id) & RasanPost.core_id.is_(None) & RasanPost.group_id.is_(None)
    return _keyset(session, services.stream(session, where & services.visible_to(me()), cursor, per_page))


@bp.get("/tags/<tag>")
@api_doc(summary="Posts with a hashtag (spelt any way), newest first", response=PostSchema, paginated=True)
@login_required
def hashtag(tag: str) -> Any:
    session = db_session()
    page = paginate(session, services.hashtag_query(me(), tag))
    return {"items": dump(PostSchema, post_data(session, page.items), many=True), "meta": page.meta()}


@bp.get("/search")
@api_doc(
    summary="Posts holding every word of q", response=PostSchema, paginated=True, query={"q": "the words"}
)
@login_required
def search() -> Any:
    session = db_session()
    page = paginate(session, services.search_query(me(), request.args.get("q", "")[:200]))
    return {"items": dump(PostSchema, post_data(session, page.items), many=True), "meta": page.meta()}


# --- follows --------------------------------------------------------------------------------------


def _follow_state(session: Session, *, member_id: int | None = None, core_id: int | None = None) -> Any:
    return dump(
        FollowStateSchema,
        {
            "following": services.is_following(session, me(), member_id=member_id, core_id=core_id),
            "followers": services.count_followers(session, member_id=member_id, core_id=core_id),
        },
    )


@bp.post("/members/<int:member_id>/follow")
@api_doc(summary="Follow a member", response=FollowStateSchema)
@login_required
def follow_member(member_id: int) -> Any:
    session = db_session()
    services.follow(session, me(), member_id=member_id)
    session.commit()
    return _follow_state(session, member_id=member_id)


@bp.delete("/members/<int:member_id>/follow")
@api_doc(summary="Stop following a member", response=FollowStateSchema)
@login_required
def unfollow_member(member_id: int) -> Any:
    session = db_session()
    services.unfollow(session, me(), member_id=member_id)
    session.commit()
    return _follow_state(session, member_id=member_id)


@bp.post("/cores/<int:core_id>/follow")
@api_doc(summary="Follow a core", response=FollowStateSchema)
@login_required
def follow_core(core_id: int) -> Any:
    session = db_session()
    services.follow(session, me(), core_id=core_id)
    session.commit()
    return _follow_state(session, core_id=core_id)


@bp.delete("/cores/<int:core_id>/follow")
@api_doc(summary="Stop following a core", response=FollowStateSchema)
@login_required
def unfollow_core(core_id: int) -> Any:
    session = db_session()
    services.unfollow(session, me(), core_id=core_id)
    session.commit()
    return _follow_state(session, core_id=core_id)


# --- groups ---------------------------------------------------------------------------------------


def _group(session: Session, group: Any) -> Any:
    data = dump(GroupSchema, group)
    data["joined"] = services.in_group(session, me(), group)
    return data


@bp.get("/groups")
@api_doc(
    summary="Groups, newest first (q: words of the title)",
    response=GroupSchema,
    paginated=True,
    query={"q": "words of the title"},
)
@login_required
def groups() -> Any:
    session = db_session()
    page = paginate(session, services.groups_query(request.args.get("q", "")[:100]))
    return {"items": dump(GroupSchema, page.items, many=True), "meta": page.meta()}


@bp.post("/groups")
@api_doc(
    summary="Open a group (any member; you join it)", body=NewGroupSchema, response=GroupSchema, status=201
)
@login_required
def create_group() -> Any:
    data = load(NewGroupSchema)
    session = db_session()
    group = services.create_group(
        session,
        me(),
        title=data["title"],
        description=data["description"],
        field=data["field"],
        region=data["region"],
    )
    session.commit()
    return _group(session, group), 201


@bp.get("/groups/<int:group_id>")
@api_doc(summary="A group", response=GroupSchema)
@login_required
def group(group_id: int) -> Any:
    session = db_session()
    return _group(session, services.get_group(session, group_id))


@bp.post("/groups/<int:group_id>/join")
@api_doc(summary="Join a group", response=GroupSchema)
@login_required
def join(group_id: int) -> Any:
    session = db_session()
    group = services.join_group(session, me(), group_id)
    session.commit()
    return _group(session, group)


@bp.delete("/groups/<int:group_id>/join")
@api_doc(summary="Leave a group", response=GroupSchema)
@login_required
def leave(group_id: int) -> Any:
    session = db_session()
    group = services.leave_group(session, me(), group_id)
    session.commit()
    return _group(session, group)


@bp.get("/groups/<int:group_id>/posts")
@api_doc(summary="A group's posts, newest first, by keyset", response=PostPageSchema, query=KEYSET)
@login_required
def group_posts(group_id: int) -> Any:
    session = db_session()
    found = services.get_group(session, group_id)
    cursor, per_page = _cursor()
    where = (RasanPost.group_id == found.id) & services.visible_to(me())
    return _keyset(session, services.stream(session, where, cursor, per_page))


# --- ask me and moderation ------------------------------------------------------------------------


@bp.get("/questions")
@api_doc(
    summary="Questions for me: what members asked that I know about", response=PostSchema, paginated=True
)
@login_required
def questions() -> Any:
    session = db_session()
    page = paginate(session, services.questions_for_query(me()))
    return {"items": dump(PostSchema, post_data(session, page.items), many=True), "meta": page.meta()}


@bp.get("/moderation")
@api_doc(
    summary="Reported posts waiting in my region (social leaders, administrators)",
    response=QueueItemSchema,
    paginated=True,
)
@login_required
def queue() -> Any:
    session = db_session()
    area = services.moderation_area(session, me())
    page = paginate(session, services.queue_query(area))
    counts = services.report_counts(session, page.items)
    items = [{"post": d, "reports": counts.get(d["id"], 0)} for d in post_data(session, page.items)]
    return {"items": dump(QueueItemSchema, items, many=True), "meta": page.meta()}


@bp.post("/moderation/<int:post_id>")
@api_doc(
    summary="Hide a post (with a note to its author) or restore it", body=ModerateSchema, response=PostSchema
)
@login_required
def moderate(post_id: int) -> Any:
    """Only the social leader (or an administrator) of the post's region; elsewhere 403."""
    data = load(ModerateSchema)
    session = db_session()
    if data["action"] == "hide":
        post = services.hide(session, me(), post_id, data["note"])
    else:
        post = services.restore(session, me(), post_id)
    session.commit()
    return _one(session, post)
