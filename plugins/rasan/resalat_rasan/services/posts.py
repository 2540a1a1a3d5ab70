"""Posts: writing one (as oneself or as a core one leads, in a group, with photos and a product
card), its hashtags, editing and deleting one's own, who may see it, and search."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from sqlalchemy import Select, delete, false, func, or_, select
from sqlalchemy.orm import Session, lazyload

from resalat_core.sdk import (
    MAX_BIG_ID,
    BadInput,
    Member,
    NotFound,
    _,
    area_of,
    normalize_text,
    notify,
    region_hook,
    search_key,
    utcnow,
)

from .. import messages
from ..models import (
    OPEN,
    PHOTOS_MAX,
    POST,
    QUESTION,
    TAG_MAX,
    TEXT_MAX,
    RasanComment,
    RasanExpert,
    RasanFollow,
    RasanGroup,
    RasanGroupMember,
    RasanHashtag,
    RasanLike,
    RasanPost,
    RasanPostPhoto,
    RasanReport,
)

MODERATE = "rasan.moderate"
EXPERTS_MAX = 20
SEARCH_MAX = 100

# A hashtag: "#" then letters, digits, "_" or ZWNJ, in any script (\w is Unicode in Python).
HASHTAG = re.compile(r"#([\w\u200c]+)")


def clean_text(raw: Any, *, field: str = "text", limit: int = TEXT_MAX) -> str:
    """A post's or comment's text: each line normalised (Persian letters, no controls), paragraphs
    kept, not empty and not over ``limit`` characters."""
    if not isinstance(raw, str):
        raw = ""
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        message = _("Write something first.")
        raise BadInput(message, fields={field: message}, code="text_empty")
    if len(text) > limit:
        message = _(
            "The text is %(count)s characters long; at most %(limit)s are allowed.",
            count=len(text),
            limit=limit,
        )
        raise BadInput(message, fields={field: message}, code="text_too_long")
    return text


def tag_key(tag: str) -> str:
    """A hashtag folded for matching: ي/ی, ك/ک, digits and case meet; ZWNJ and spaces are "_"."""
    return "_".join(search_key(tag.replace("_", " ")).split())[: TAG_MAX * 2]


def hashtags_of(text: str) -> list[str]:
    """The post's hashtags, folded, each once, in the order written."""
    seen: dict[str, None] = {}
    for match in HASHTAG.finditer(text):
        key = tag_key(match.group(1))
        if key and key.strip("_"):
            seen.setdefault(key, None)
    return list(seen)


def is_moderator_of(session: Session, member: Member | None, post: RasanPost) -> bool:
    """May ``member`` moderate ``post``: the rasan.moderate permission in the post's region."""
    if member is None or not getattr(member, "id", None):
        return False
    area = area_of(session, member, MODERATE)
    return area is None or post.region_id in area


def may_see(session: Session, viewer: Member | None, post: RasanPost) -> bool:
    """A hidden post is seen only by its author and the moderators of its region."""
    if not post.hidden:
        return True
    if viewer is not None and getattr(viewer, "id", None) == post.author_id:
        return True
    return is_moderator_of(session, viewer, post)


def get_post(session: Session, viewer: Member | None, post_id: int) -> RasanPost:
    """The post as ``viewer`` may see it; a hidden one answers 404 to everyone else."""
    post = session.get(RasanPost, post_id) if isinstance(post_id, int) and 0 < post_id <= MAX_BIG_ID else None
    if post is None or not may_see(session, viewer, post):
        raise NotFound(_("No such post."), code="unknown_post")
    return post


def own_post(session: Session, member: Member, post_id: int) -> RasanPost:
    post = get_post(session, member, post_id)
    if post.author_id != member.id:
        raise NotFound(_("No such post."), code="unknown_post")
    return post


def _core_for(session: Session, member: Member, core_id: int | None) -> Any:
    if not core_id:
        return None
    try:
        core = cores.get_core(session, core_id)
    except NotFound:
        core = None
    if core is None or core.leader_id != member.id:
        message = _("You may post only as a core you lead.")
        raise BadInput(message, fields={"core_id": message}, code="not_your_core")
    return core


def _group_for(session: Session, member: Member, group_id: int | None) -> int | None:
    if not group_id:
        return None
    joined = session.scalar(
        select(RasanGroupMember.id).where(
            RasanGroupMember.group_id == group_id, RasanGroupMember.member_id == member.id
        )
    )
    if joined is None:
        message = _("Join the group before you post in it.")
        raise BadInput(message, fields={"group_id": message}, code="not_in_group")
    return group_id


def _product_for(session: Session, member: Member, product_id: int | None) -> int | None:
    if not product_id:
        return None
    try:
        bazaar.visible_product(session, member, product_id)
    except NotFound:
        message = _("No such product in M-Bazar.")
        raise BadInput(message, fields={"product_id": message}, code="unknown_product") from None
    return product_id


def _check_field(session: Session, field_code: str | None) -> str | None:
    if not field_code:
        return None
    try:
        return cores.get_field(session, field_code).code
    except NotFound:
        message = _("No such field of work.")
        raise BadInput(message, fields={"field": message}, code="unknown_field") from None


@dataclass
class Draft:
    """What a member writes, read at the edge (page, API, CLI)."""

    text: str
    core_id: int | None = None
    group_id: int | None = None
    product_id: int | None = None
    photos: Sequence[Any] = ()  # host stored files (objects with an ``id``)
    kind: str = POST
    field_code: str | None = None


def create_post(session: Session, member: Member, draft: Draft) -> RasanPost:
    """Write a post, checking everything first (one error for each wrong field, all at once)."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    code = None
    for name, check in (
        ("text", lambda: clean_text(draft.text)),
        ("core", lambda: _core_for(session, member, draft.core_id)),
        ("group", lambda: _group_for(session, member, draft.group_id)),
        ("product", lambda: _product_for(session, member, draft.product_id)),
        ("field", lambda: _check_field(session, draft.field_code)),
    ):
        try:
            values[name] = check()
        except BadInput as exc:
            errors.update(exc.fields)
            code = code or exc.code
    if len(draft.photos) > PHOTOS_MAX:
        errors["photos"] = _("At most %(count)s photos.", count=PHOTOS_MAX)
    if draft.kind not in (POST, QUESTION):
        errors["kind"] = _("Choose a post or a question.")
    if errors:
        first = next(iter(errors.values()))
        raise BadInput(first, fields=errors, code=code)
    core = values["core"]
    post = RasanPost(
        author_id=member.id,
        core_id=core.id if core is not None else None,
        group_id=values["group"],
        region_id=core.region_id if core is not None else member.region_id,
        kind=draft.kind,
        field_code=values["field"],
        text=values["text"],
        text_search=search_key(values["text"]),
        product_id=values["product"],
    )
    session.add(post)
    session.flush()
    for position, stored in enumerate(draft.photos):
        session.add(RasanPostPhoto(post_id=post.id, file_id=stored.id, position=position))
    _write_hashtags(session, post)
    if post.kind == QUESTION:
        _show_to_experts(session, member, post)
    session.flush()
    return post


def _write_hashtags(session: Session, post: RasanPost) -> None:
    session.execute(delete(RasanHashtag).where(RasanHashtag.post_id == post.id))
    for tag in hashtags_of(post.text):
        session.add(RasanHashtag(post_id=post.id, tag=tag))


def edit_post(session: Session, member: Member, post_id: int, text: Any) -> RasanPost:
    """The author changes the text (the hashtags follow); photos and the card stay."""
    post = own_post(session, member, post_id)
    post.text = clean_text(text)
    post.text_search = search_key(post.text)
    post.updated_at = utcnow()
    _write_hashtags(session, post)
    session.flush()
    return post


def delete_post(session: Session, member: Member, post_id: int) -> None:
    post = own_post(session, member, post_id)
    session.delete(post)
    session.flush()


# --- ask me ---------------------------------------------------------------------------------------


def experts_for(
    member: Member, field: str | None, words: str, limit: int = EXPERTS_MAX
) -> list[dict[str, Any]]:
    """Every active plugin's answer to ``resalat_ask_me_experts``, merged: each member once, in
    order, never the asker."""
    answers = region_hook("resalat_ask_me_experts", member)(
        field=field, words=words, region_id=member.region_id, limit=limit
    )
    merged: dict[int, dict[str, Any]] = {}
    for answer in answers:
        for item in answer or []:
            member_id = item.get("member_id") if isinstance(item, dict) else None
            if isinstance(member_id, int) and member_id != member.id and member_id not in merged:
                merged[member_id] = {"member_id": member_id, "title": str(item.get("title") or "")}
    return list(merged.values())[:limit]


def _show_to_experts(session: Session, member: Member, post: RasanPost) -> None:
    for item in experts_for(member, post.field_code, post.text):
        expert = session.get(Member, item["member_id"])
        if expert is not None:
            session.add(RasanExpert(post_id=post.id, member_id=expert.id, title=item["title"][:240]))
            notify(expert, messages.QUESTION_FOR_YOU(asker=member.name, url=f"/rasan/posts/{post.id}"))


def questions_for_query(member: Member) -> Select[Any]:
    """Questions shown to ``member`` as an expert, unanswered first, newest first."""
    return (
        select(RasanPost)
        .join(RasanExpert, RasanExpert.post_id == RasanPost.id)
        .where(RasanExpert.member_id == member.id, RasanPost.hidden.is_(False))
        .order_by(RasanExpert.answered, RasanPost.created_at.desc(), RasanPost.id.desc())
    )


def waiting_questions(session: Session, member: Member) -> int:
    return (
        session.scalar(
            select(func.count(RasanExpert.id))
            .join(RasanPost, RasanPost.id == RasanExpert.post_id)
            .where(
                RasanExpert.member_id == member.id,
                RasanExpert.answered.is_(False),
                RasanPost.hidden.is_(False),
            )
        )
        or 0
    )


# --- search and hashtags --------------------------------------------------------------------------


def visible_to(viewer: Member | None) -> Any:
    """The condition a list of posts needs: not hidden, unless it is the viewer's own."""
    if viewer is not None and getattr(viewer, "id", None):
        return or_(RasanPost.hidden.is_(False), RasanPost.author_id == viewer.id)
    return RasanPost.hidden.is_(False)


def hashtag_query(viewer: Member | None, tag: str) -> Select[Any]:
    key = tag_key(tag)
    return (
        select(RasanPost)
        .join(RasanHashtag, RasanHashtag.post_id == RasanPost.id)
        .where(RasanHashtag.tag == key, visible_to(viewer))
        .order_by(RasanPost.created_at.desc(), RasanPost.id.desc())
    )


def search_query(viewer: Member | None, words: str) -> Select[Any]:
    """Posts whose text holds every word of ``words``, folded the host's way, newest first."""
    keys = search_key(words or "")[:SEARCH_MAX].split()
    stmt = select(RasanPost).where(visible_to(viewer))
    if not keys:
        return stmt.where(false())
    for key in keys:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(RasanPost.text_search.like(f"%{escaped}%", escape="\\"))
    return stmt.order_by(RasanPost.created_at.desc(), RasanPost.id.desc())


def reindex(session: Session, progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
    """Recompute every post's search key and hashtags (after the normaliser changed), by keyset
    on id and a batch at a time, so memory stays flat however many posts there are."""
    last_id, done = 0, 0
    while True:
        rows = list(
            session.scalars(
                select(RasanPost)
                .where(RasanPost.id > last_id)
                .order_by(RasanPost.id)
                .limit(batch)
                .options(lazyload(RasanPost.photos))
            ).unique()
        )
        if not rows:
            break
        for post in rows:
            post.text_search = search_key(post.text)
            _write_hashtags(session, post)
        session.flush()
        done += len(rows)
        last_id = rows[-1].id
        if progress:
            progress(len(rows))
        session.expunge_all()
    return done


def stats(session: Session) -> dict[str, int]:
    """Counts for the CLI: posts, hidden posts, questions, comments, likes, follows, groups, open reports."""

    def count(stmt: Any) -> int:
        return session.scalar(stmt) or 0

    return {
        "posts": count(select(func.count(RasanPost.id))),
        "hidden": count(select(func.count(RasanPost.id)).where(RasanPost.hidden.is_(True))),
        "questions": count(select(func.count(RasanPost.id)).where(RasanPost.kind == QUESTION)),
        "comments": count(select(func.count(RasanComment.id))),
        "likes": count(select(func.count(RasanLike.id))),
        "follows": count(select(func.count(RasanFollow.id))),
        "groups": count(select(func.count(RasanGroup.id))),
        "open_reports": count(select(func.count(RasanReport.id)).where(RasanReport.status == OPEN)),
    }
