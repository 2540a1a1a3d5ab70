"""Rasan's pages: the feed, writing a post, a post with its comments, profiles of members and
cores with their followers, hashtags, search, groups, the "ask me" inbox and the moderation queue."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup, escape
from resalat_cores import services as cores
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    NotFound,
    _,
    can,
    chosen_id,
    current_language,
    db_session,
    handle_form,
    login_required,
    me,
    paginate,
)

from . import MODERATE, plugin, services
from .models import PHOTOS_MAX, POST, QUESTION, TEXT_MAX, RasanPost
from .photos import photos_for, read_photos

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


def rich_text(text: str) -> Markup:
    """A post's text for a page: escaped first, then hashtags linked and lines broken."""
    safe = str(escape(text))

    def link(match: re.Match[str]) -> str:
        tag = match.group(1)
        href = escape(url_for(f"{plugin.name}.hashtag", tag=services.tag_key(tag)))
        return f'<a href="{href}" class="rasan-tag">#{tag}</a>'

    # Escaping leaves "#", letters, digits, "_" and ZWNJ as they were: the pattern still matches.
    return Markup(services.HASHTAG.sub(link, safe).replace("\n", "<br>"))  # noqa: S704


def field_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        found = cores.get_field(db_session(), code)
    except NotFound:
        return code
    return found.name_en if current_language() == "en" else found.name_fa


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"rich_text": rich_text, "field_name": field_name, "may_moderate": can(MODERATE)}


def _decorated(session: Session, posts: list[RasanPost]) -> dict[str, Any]:
    """What a list of posts shows beside them, in a few queries for the whole page."""
    return {
        "cards": services.cards_for(session, posts),
        "liked": services.liked_ids(session, me(), posts),
        "photos": photos_for(session, posts),
    }


def _cursor_args() -> tuple[str | None, int]:
    return request.args.get("cursor"), services.read_per_page(request.args.get("per_page"))


# --- the feed and writing -------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """The member's feed: whom they follow first, then their region, newest first."""
    session = db_session()
    cursor, per_page = _cursor_args()
    page = services.feed(session, me(), cursor, per_page)
    return render_template("rasan/index.html", plugin=plugin, page=page, **_decorated(session, page.items))


def _compose_page(errors: dict[str, str], status: int) -> Any:
    session = db_session()
    member = me()
    values = request.form if request.method == "POST" else request.args
    return render_template(
        "rasan/compose.html",
        plugin=plugin,
        errors=errors,
        values=values,
        cores_led=cores.cores_led_by(session, member),
        groups=services.my_groups(session, member),
        products=services.my_products(session, member),
        fields=cores.fields(session),
        kind=values.get("kind") if values.get("kind") in (POST, QUESTION) else POST,
        text_max=TEXT_MAX,
        photos_max=PHOTOS_MAX,
    ), status


@bp.get("/new")
@login_required
def compose() -> Any:
    """Write a post (or ask a question): text, photos, a product card, as oneself or a core."""
    return _compose_page({}, 200)


def _draft(session: Session, member: Member) -> services.Draft:
    form = request.form
    return services.Draft(
        text=form.get("text", ""),
        core_id=chosen_id(form.get("core_id")),
        group_id=chosen_id(form.get("group_id")),
        product_id=chosen_id(form.get("product_id")),
        photos=read_photos(session, member, request.files.getlist("photos")),
        kind=form.get("kind") or POST,
        field_code=form.get("field") or None,
    )


@bp.post("/new")
@login_required
def create() -> Any:
    """Publish; any mistake shows the form again with the reason, and nothing is kept."""
    return handle_form(
        lambda s: services.create_post(s, me(), _draft(s, me())),
        again=_compose_page,
        to=lambda post: url_for(".post", post_id=post.id),
        done=_("Published."),
    )


# --- one post -------------------------------------------------------------------------------------


def _post_page(post_id: int, errors: dict[str, str], status: int) -> Any:
    session = db_session()
    member = me()
    post = services.get_post(session, member, post_id)
    comments = paginate(session, services.comments_query(post))
    return render_template(
        "rasan/post.html",
        plugin=plugin,
        post=post,
        comments=comments,
        errors=errors,
        values=request.form if request.method == "POST" else {},
        moderator=services.is_moderator_of(session, member, post),
        reasons=services.reasons_of(session, post) if services.is_moderator_of(session, member, post) else [],
        **_decorated(session, [post]),
    ), status


@bp.get("/posts/<int:post_id>")
@login_required
def post(post_id: int) -> Any:
    """A post with its comments (answers first on a question), like, comment and report."""
    return _post_page(post_id, {}, 200)


def _back(post_id: int) -> str:
    return url_for(".post", post_id=post_id)


@bp.post("/posts/<int:post_id>/like")
@login_required
def like(post_id: int) -> Any:
    """Like or, already liked, unlike."""
    liked = request.form.get("undo") == "1"
    act = services.unlike if liked else services.like
    back = request.form.get("back") or ""
    to = back if back.startswith(f"/{plugin.name}/") and "//" not in back else _back(post_id)
    return handle_form(lambda s: act(s, me(), post_id), again=lambda e, st: _post_page(post_id, e, st), to=to)


@bp.post("/posts/<int:post_id>/comments")
@login_required
def comment(post_id: int) -> Any:
    return handle_form(
        lambda s: services.comment(s, me(), post_id, request.form.get("text", "")),
        again=lambda e, st: _post_page(post_id, e, st),
        to=_back(post_id),
        done=_("Your comment is published."),
    )


@bp.post("/posts/<int:post_id>/report")
@login_required
def report(post_id: int) -> Any:
    return handle_form(
        lambda s: services.report(s, me(), post_id, request.form.get("reason", "")),
        again=lambda e, st: _post_page(post_id, e, st),
        to=_back(post_id),
        done=_("Thank you: the region's social leader will look at the post."),
    )


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int) -> Any:
    return handle_form(
        lambda s: services.delete_post(s, me(), post_id),
        again=lambda e, st: _post_page(post_id, e, st),
        to=url_for(".index"),
        done=_("The post is deleted."),
    )


# --- people, cores and their followers ------------------------------------------------------------


def _member_or_404(session: Session, member_id: int) -> Member:
    found = session.get(Member, member_id)
    if found is None:
        raise NotFound(_("No such member."))
    return found


@bp.get("/members/<int:member_id>")
@login_required
def profile(member_id: int) -> Any:
    """A member's own posts (not those written as a core), newest first, and the follow button."""
    session = db_session()
    person = _member_or_404(session, member_id)
    cursor, per_page = _cursor_args()
    where = (RasanPost.author_id == person.id) & RasanPost.core_id.is_(None) & RasanPost.group_id.is_(None)
    page = services.stream(session, where & services.visible_to(me()), cursor, per_page)
    return render_template(
        "rasan/profile.html",
        plugin=plugin,
        person=person,
        core=None,
        page=page,
        following=services.is_following(session, me(), member_id=person.id),
        followers=services.count_followers(session, member_id=person.id),
        cores_led=cores.cores_led_by(session, person),
        **_decorated(session, page.items),
    )


@bp.get("/cores/<int:core_id>")
@login_required
def core(core_id: int) -> Any:
    """A core's posts (written by its leader as the core) and the follow button."""
    session = db_session()
    found = cores.visible_core(session, me(), core_id)
    cursor, per_page = _cursor_args()
    where = (RasanPost.core_id == found.id) & RasanPost.group_id.is_(None) & services.visible_to(me())
    page = services.stream(session, where, cursor, per_page)
    return render_template(
        "rasan/profile.html",
        plugin=plugin,
        person=None,
        core=found,
        page=page,
        following=services.is_following(session, me(), core_id=found.id),
        followers=services.count_followers(session, core_id=found.id),
        cores_led=[],
        **_decorated(session, page.items),
    )


@bp.post("/members/<int:member_id>/follow")
@login_required
def follow_member(member_id: int) -> Any:
    undo = request.form.get("undo") == "1"
    return handle_form(
        lambda s: (services.unfollow if undo else services.follow)(s, me(), member_id=member_id),
        again=lambda e, st: _refused(e, st),
        to=url_for(".profile", member_id=member_id),
    )


@bp.post("/cores/<int:core_id>/follow")
@login_required
def follow_core(core_id: int) -> Any:
    undo = request.form.get("undo") == "1"
    return handle_form(
        lambda s: (services.unfollow if undo else services.follow)(s, me(), core_id=core_id),
        again=lambda e, st: _refused(e, st),
        to=url_for(".core", core_id=core_id),
    )


def _refused(errors: dict[str, str], status: int) -> Any:
    return render_template("rasan/refused.html", plugin=plugin, errors=errors), status


@bp.get("/members/<int:member_id>/followers")
@login_required
def followers(member_id: int) -> Any:
    """Who follows a member, and whom the member follows."""
    session = db_session()
    person = _member_or_404(session, member_id)
    which = "following" if request.args.get("show") == "following" else "followers"
    stmt = (
        services.following_query(person.id)
        if which == "following"
        else services.followers_query(member_id=person.id)
    )
    page = paginate(session, stmt)
    return render_template(
        "rasan/followers.html",
        plugin=plugin,
        person=person,
        core=None,
        page=page,
        which=which,
        **_follow_targets(session, page.items),
    )


@bp.get("/cores/<int:core_id>/followers")
@login_required
def core_followers(core_id: int) -> Any:
    session = db_session()
    found = cores.visible_core(session, me(), core_id)
    page = paginate(session, services.followers_query(core_id=found.id))
    return render_template(
        "rasan/followers.html",
        plugin=plugin,
        person=None,
        core=found,
        page=page,
        which="followers",
        **_follow_targets(session, page.items),
    )


def _follow_targets(session: Session, rows: list[Any]) -> dict[str, Any]:
    """The members and cores a page of follows points at, two queries for the page."""
    member_ids = {r.member_id for r in rows if r.member_id}
    core_ids = {r.core_id for r in rows if r.core_id}
    members = (
        {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids))).unique()}
        if member_ids
        else {}
    )
    found = (
        {c.id: c for c in session.scalars(select(cores.Core).where(cores.Core.id.in_(core_ids))).unique()}
        if core_ids
        else {}
    )
    return {"members": members, "cores_by_id": found}


# --- hashtags and search --------------------------------------------------------------------------


@bp.get("/tags/<tag>")
@login_required
def hashtag(tag: str) -> Any:
    """Posts with this hashtag, however it was spelt (ي/ی, ك/ک, digits)."""
    session = db_session()
    key = services.tag_key(tag)
    if not key:
        raise NotFound(_("No such hashtag."))
    page = paginate(session, services.hashtag_query(me(), key))
    return render_template(
        "rasan/list.html",
        plugin=plugin,
        heading="#" + key,
        page=page,
        endpoint=".hashtag",
        args={"tag": key},
        words=None,
        **_decorated(session, page.items),
    )


@bp.get("/search")
@login_required
def search() -> Any:
    """Posts holding every word typed, matched the host's way (ي/ی, ک/ك, ZWNJ, digits)."""
    session = db_session()
    words = request.args.get("q", "")[:200]
    page = paginate(session, services.search_query(me(), words))
    return render_template(
        "rasan/list.html",
        plugin=plugin,
        heading=None,
        page=page,
        endpoint=".search",
        args={"q": words},
        words=words,
        **_decorated(session, page.items),
    )


# --- groups ---------------------------------------------------------------------------------------


def _groups_page(errors: dict[str, str], status: int) -> Any:
    session = db_session()
    words = request.args.get("q", "")[:100]
    page = paginate(session, services.groups_query(words))
    return render_template(
        "rasan/groups.html",
        plugin=plugin,
        page=page,
        words=words,
        mine=services.my_groups(session, me()),
        errors=errors,
        values=request.form if request.method == "POST" else {},
        fields=cores.fields(session),
    ), status


@bp.get("/groups")
@login_required
def groups() -> Any:
    """Groups to join, the member's own, and a form to open one (any member may)."""
    return _groups_page({}, 200)


@bp.post("/groups")
@login_required
def create_group() -> Any:
    form = request.form
    return handle_form(
        lambda s: services.create_group(
            s,
            me(),
            title=form.get("title", ""),
            description=form.get("description", ""),
            field=form.get("field") or None,
        ),
        again=_groups_page,
        to=lambda group: url_for(".group", group_id=group.id),
        done=_("The group is open, and you are its first member."),
    )


@bp.get("/groups/<int:group_id>")
@login_required
def group(group_id: int) -> Any:
    """A group's posts, newest first, with joining, leaving and writing in it."""
    session = db_session()
    found = services.get_group(session, group_id)
    cursor, per_page = _cursor_args()
    where = (RasanPost.group_id == found.id) & services.visible_to(me())
    page = services.stream(session, where, cursor, per_page)
    return render_template(
        "rasan/group.html",
        plugin=plugin,
        group=found,
        page=page,
        joined=services.in_group(session, me(), found),
        **_decorated(session, page.items),
    )


@bp.post("/groups/<int:group_id>/join")
@login_required
def join(group_id: int) -> Any:
    leave = request.form.get("undo") == "1"
    return handle_form(
        lambda s: (services.leave_group if leave else services.join_group)(s, me(), group_id),
        again=_refused,
        to=url_for(".group", group_id=group_id),
    )


# --- ask me ---------------------------------------------------------------------------------------


@bp.get("/questions")
@login_required
def questions() -> Any:
    """Questions for you: what members asked that the app says you know; unanswered first."""
    session = db_session()
    page = paginate(session, services.questions_for_query(me()))
    return render_template(
        "rasan/questions.html", plugin=plugin, page=page, **_decorated(session, page.items)
    )


# --- moderation -----------------------------------------------------------------------------------


@bp.get("/moderation")
@login_required
def moderation() -> Any:
    """The social leader's queue: reported posts of their region, and posts they hid."""
    session = db_session()
    area = services.moderation_area(session, me())
    show = "hidden" if request.args.get("show") == "hidden" else "open"
    if show == "hidden":
        page = paginate(session, services.hidden_query(area))
        rows: list[tuple[Any, int | None]] = [(p, None) for p in page.items]
    else:
        page = paginate(session, services.queue_query(area))
        counts = services.report_counts(session, page.items)
        rows = [(p, counts.get(p.id, 0)) for p in page.items]
    return render_template("rasan/moderation.html", plugin=plugin, page=page, rows=rows, show=show)


@bp.post("/moderation/<int:post_id>")
@login_required
def moderate(post_id: int) -> Any:
    """Hide (with a note for the author) or restore; a post outside the region is refused."""
    form = request.form
    hide = form.get("action") == "hide"

    def act(s: Session) -> Any:
        if hide:
            return services.hide(s, me(), post_id, form.get("note", ""))
        return services.restore(s, me(), post_id)

    return handle_form(
        act,
        again=lambda e, st: _post_page(post_id, e, st),
        to=url_for(".moderation"),
        done=_("The post is hidden.") if hide else _("The post is shown again."),
    )
