"""Follows, likes, comments (answers to questions), groups, and what a page needs in batches
(a page's product cards, the posts the reader liked, cores and photos) so that lists never
query per post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Region,
    _,
    get_region,
    normalize_text,
    notify,
    search_key,
)

from .. import messages
from ..models import (
    COMMENT_MAX,
    QUESTION,
    TITLE_MAX,
    RasanComment,
    RasanExpert,
    RasanFollow,
    RasanGroup,
    RasanGroupMember,
    RasanLike,
    RasanPost,
)
from .posts import clean_text, get_post

# --- follows --------------------------------------------------------------------------------------


def _member(session: Session, member_id: int) -> Member:
    found = session.get(Member, member_id) if isinstance(member_id, int) and 0 < member_id < 2**31 else None
    if found is None:
        raise NotFound(_("No such member."), code="unknown_member")
    return found


def _core(session: Session, viewer: Member, core_id: int) -> Any:
    return cores.visible_core(session, viewer, core_id)


def follow(
    session: Session, member: Member, *, member_id: int | None = None, core_id: int | None = None
) -> bool:
    """Follow a member or a core; following twice changes nothing. True when it is new."""
    if member_id is not None:
        target = _member(session, member_id)
        if target.id == member.id:
            raise BadInput(_("You cannot follow yourself."), code="self_follow")
        where = (RasanFollow.follower_id == member.id, RasanFollow.member_id == target.id)
        row = RasanFollow(follower_id=member.id, member_id=target.id)
    elif core_id is not None:
        core = _core(session, member, core_id)
        where = (RasanFollow.follower_id == member.id, RasanFollow.core_id == core.id)
        row = RasanFollow(follower_id=member.id, core_id=core.id)
    else:
        raise BadInput(_("Choose whom to follow."))
    if session.scalar(select(RasanFollow.id).where(*where)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same follow from a second tab at the same moment
        return False
    return True


def unfollow(
    session: Session, member: Member, *, member_id: int | None = None, core_id: int | None = None
) -> None:
    if member_id is not None:
        session.execute(
            delete(RasanFollow).where(
                RasanFollow.follower_id == member.id, RasanFollow.member_id == member_id
            )
        )
    elif core_id is not None:
        session.execute(
            delete(RasanFollow).where(RasanFollow.follower_id == member.id, RasanFollow.core_id == core_id)
        )
    session.flush()


def is_following(
    session: Session, member: Member | None, *, member_id: int | None = None, core_id: int | None = None
) -> bool:
    if member is None or not getattr(member, "id", None):
        return False
    stmt = select(RasanFollow.id).where(RasanFollow.follower_id == member.id)
    stmt = (
        stmt.where(RasanFollow.member_id == member_id)
        if member_id is not None
        else stmt.where(RasanFollow.core_id == core_id)
    )
    return session.scalar(stmt) is not None


def followers_query(*, member_id: int | None = None, core_id: int | None = None) -> Select[Any]:
    """Who follows a member or a core, newest first."""
    stmt = select(RasanFollow)
    stmt = (
        stmt.where(RasanFollow.member_id == member_id)
        if member_id is not None
        else stmt.where(RasanFollow.core_id == core_id)
    )
    return stmt.order_by(RasanFollow.id.desc())


def following_query(member_id: int) -> Select[Any]:
    """Whom a member follows (members and cores), newest first."""
    return select(RasanFollow).where(RasanFollow.follower_id == member_id).order_by(RasanFollow.id.desc())


def count_followers(session: Session, *, member_id: int | None = None, core_id: int | None = None) -> int:
    stmt = select(func.count(RasanFollow.id))
    stmt = (
        stmt.where(RasanFollow.member_id == member_id)
        if member_id is not None
        else stmt.where(RasanFollow.core_id == core_id)
    )
    return session.scalar(stmt) or 0


# --- likes ----------------------------------------------------------------------------------------


def like(session: Session, member: Member, post_id: int) -> RasanPost:
    """Like a post once; a second like (or a race of two taps) changes nothing."""
    post = get_post(session, member, post_id)
    try:
        with session.begin_nested():
            session.add(RasanLike(post_id=post.id, member_id=member.id))
            session.flush()
    except IntegrityError:
        return post
    session.execute(
        update(RasanPost).where(RasanPost.id == post.id).values(like_count=RasanPost.like_count + 1)
    )
    session.refresh(post)
    return post


def unlike(session: Session, member: Member, post_id: int) -> RasanPost:
    post = get_post(session, member, post_id)
    gone = session.execute(
        delete(RasanLike).where(RasanLike.post_id == post.id, RasanLike.member_id == member.id)
    ).rowcount  # type: ignore[attr-defined]
    if gone:
        session.execute(
            update(RasanPost)
            .where(RasanPost.id == post.id, RasanPost.like_count > 0)
            .values(like_count=RasanPost.like_count - 1)
        )
        session.refresh(post)
    return post


def liked_ids(session: Session, member: Member | None, posts: Sequence[RasanPost]) -> set[int]:
    """Which of ``posts`` the reader liked: one query for the page."""
    if member is None or not getattr(member, "id", None) or not posts:
        return set()
    ids = [p.id for p in posts]
    return set(
        session.scalars(
            select(RasanLike.post_id).where(RasanLike.member_id == member.id, RasanLike.post_id.in_(ids))
        )
    )


# --- comments and answers -------------------------------------------------------------------------


def comment(session: Session, member: Member, post_id: int, text: Any) -> RasanComment:
    """Comment on a post; on a question, an expert it was shown to answers."""
    post = get_post(session, member, post_id)
    body = clean_text(text, limit=COMMENT_MAX)
    expert = None
    if post.kind == QUESTION:
        expert = session.scalar(
            select(RasanExpert).where(RasanExpert.post_id == post.id, RasanExpert.member_id == member.id)
        )
    row = RasanComment(post_id=post.id, author_id=member.id, text=body, is_answer=expert is not None)
    session.add(row)
    if expert is not None:
        expert.answered = True
        if post.author_id != member.id:
            asker = session.get(Member, post.author_id)
            if asker is not None:
                notify(asker, messages.ANSWERED(expert=member.name, url=f"/rasan/posts/{post.id}"))
    session.execute(
        update(RasanPost).where(RasanPost.id == post.id).values(comment_count=RasanPost.comment_count + 1)
    )
    session.flush()
    return row


def comments_query(post: RasanPost) -> Select[Any]:
    """A post's comments: answers first, then in the order written."""
    return (
        select(RasanComment)
        .where(RasanComment.post_id == post.id)
        .order_by(RasanComment.is_answer.desc(), RasanComment.id)
    )


# --- groups ---------------------------------------------------------------------------------------


def create_group(
    session: Session,
    member: Member,
    *,
    title: Any,
    description: Any = "",
    field: str | None = None,
    region: str | None = None,
) -> RasanGroup:
    """Any member opens a group in their own place (or a region they name) and joins it."""
    errors: dict[str, Any] = {}
    clean = normalize_text(title if isinstance(title, str) else "")
    if not clean:
        errors["title"] = _("Give the group a title.")
    elif len(clean) > TITLE_MAX:
        errors["title"] = _("At most %(count)s characters.", count=TITLE_MAX)
    about = normalize_text(description if isinstance(description, str) else "")[:1000]
    field_code = None
    if field:
        try:
            field_code = cores.get_field(session, field).code
        except NotFound:
            errors["field"] = _("No such field of work.")
    region_id = member.region_id
    if region:
        try:
            region_id = get_region(session, region).id
        except Exception:  # noqa: BLE001 - any unknown code is the member's mistake
            errors["region"] = _("No such place.")
    if errors:
        raise BadInput(next(iter(errors.values())), fields=errors)
    group = RasanGroup(
        title=clean,
        title_search=search_key(clean),
        description=about,
        field_code=field_code,
        region_id=region_id,
        created_by_id=member.id,
    )
    session.add(group)
    session.flush()
    join_group(session, member, group.id)
    return group


def get_group(session: Session, group_id: int) -> RasanGroup:
    group = session.get(RasanGroup, group_id) if isinstance(group_id, int) and 0 < group_id < 2**31 else None
    if group is None:
        raise NotFound(_("No such group."), code="unknown_group")
    return group


def join_group(session: Session, member: Member, group_id: int) -> RasanGroup:
    group = get_group(session, group_id)
    if in_group(session, member, group):
        return group
    try:
        with session.begin_nested():
            session.add(RasanGroupMember(group_id=group.id, member_id=member.id))
            session.flush()
    except IntegrityError:
        return group
    session.execute(
        update(RasanGroup).where(RasanGroup.id == group.id).values(member_count=RasanGroup.member_count + 1)
    )
    session.refresh(group)
    return group


def leave_group(session: Session, member: Member, group_id: int) -> RasanGroup:
    group = get_group(session, group_id)
    gone = session.execute(
        delete(RasanGroupMember).where(
            RasanGroupMember.group_id == group.id, RasanGroupMember.member_id == member.id
        )
    ).rowcount  # type: ignore[attr-defined]
    if gone:
        session.execute(
            update(RasanGroup)
            .where(RasanGroup.id == group.id, RasanGroup.member_count > 0)
            .values(member_count=RasanGroup.member_count - 1)
        )
        session.refresh(group)
    return group


def in_group(session: Session, member: Member | None, group: RasanGroup) -> bool:
    if member is None or not getattr(member, "id", None):
        return False
    return (
        session.scalar(
            select(RasanGroupMember.id).where(
                RasanGroupMember.group_id == group.id, RasanGroupMember.member_id == member.id
            )
        )
        is not None
    )


def groups_query(words: str = "", mine: Member | None = None) -> Select[Any]:
    """Groups, newest first: those whose title holds ``words``, or the member's own."""
    # The group's place is shown with its province: loaded with it (see maher's skills: a place
    # read before as another's parent has no parent loaded, and would ask once each).
    stmt = select(RasanGroup).options(joinedload(RasanGroup.region).joinedload(Region.parent))
    if mine is not None:
        stmt = stmt.join(RasanGroupMember, RasanGroupMember.group_id == RasanGroup.id).where(
            RasanGroupMember.member_id == mine.id
        )
    key = search_key(words or "")[:100]
    if key:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(RasanGroup.title_search.like(f"%{escaped}%", escape="\\"))
    return stmt.order_by(RasanGroup.id.desc())


def my_groups(session: Session, member: Member) -> list[RasanGroup]:
    return list(session.scalars(groups_query(mine=member).limit(50)).unique())


# --- what a list of posts shows, in batches -------------------------------------------------------


@dataclass
class Card:
    """A product card: what the post shows of an M-Bazar product."""

    product_id: int
    title: str
    price: int  # rials
    photo_key: str | None
    available: bool


def cards_for(session: Session, posts: Sequence[RasanPost]) -> dict[int, Card]:
    """The product cards of a page of posts, by product id: one query however many."""
    ids = {p.product_id for p in posts if p.product_id}
    if not ids:
        return {}
    products = session.scalars(
        select(bazaar.Product).options(joinedload(bazaar.Product.booth)).where(bazaar.Product.id.in_(ids))
    ).unique()
    cards = {}
    for product in products:
        cover = product.photos[0] if product.photos else None
        cards[product.id] = Card(
            product_id=product.id,
            title=product.title,
            price=product.price,
            photo_key=cover.key if cover is not None else None,
            available=bool(product.is_public and product.booth.is_public),
        )
    return cards


def my_products(session: Session, member: Member) -> list[Any]:
    """The member's listed products, for the card a post may show (newest first, at most 100)."""
    booth_ids = [b.id for b in bazaar.booths_of(session, member)]
    if not booth_ids:
        return []
    stmt = (
        select(bazaar.Product)
        .where(
            bazaar.Product.booth_id.in_(booth_ids),
            bazaar.Product.listed.is_(True),
            bazaar.Product.hidden.is_(False),
        )
        .order_by(bazaar.Product.id.desc())
        .limit(100)
    )
    return list(session.scalars(stmt).unique())
