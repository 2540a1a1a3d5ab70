"""Rasan's part of the demo world: the example cores post with cards of their M-Bazar products,
Maryam follows Jafar's core, a group of Zanjan's livestock keepers, a hashtag, an "ask me"
question shown to Ms. Asipour, and a reported post waiting for Arbab's social leader."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import IMAGE, Member, search_key, store_upload, utcnow

from . import services
from .models import (
    HIDDEN,
    OPEN,
    POST,
    QUESTION,
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
from .photos import PURPOSE as PHOTOS

# core key -> (text, index of the product shown, hours ago)
CORE_POSTS = (
    (
        "gharajehlou",
        "بره‌های افشاری امسال از گرگ‌تپه آماده‌ی فروش‌اند؛ با شناسنامه‌ی دام و واکسن کامل. #دام_سبک #گرگ_تپه",
        0,
        30,
    ),
    (
        "asipour",
        "کرباس دست‌باف اردکان، بافته‌شده با دستگاه‌های سنتی خانه‌ی آسی‌پور. سفارش رومیزی هم می‌پذیریم. "
        "#کاربافی #دست_باف",
        0,
        20,
    ),
    (
        "alghadir_1",
        "لباس‌های سوزن‌دوزی بلوچ هسته‌های کانون الغدیر ارباب رسید؛ هر تکه کار دست زنان روستاست. "
        "#سوزن_دوزی #الغدیر",
        0,
        12,
    ),
    ("samiei", "زعفران سرگل برداشت پاییز قائنات، بسته‌بندی‌شده در مزرعه. #زعفران", 0, 8),
    ("sharifinia", "عسل کوهستان الوند از کندوهای ارزنفود؛ بدون شکر و با آزمایش. #زنبورداری #عسل", 0, 4),
)


def _products(world: Any, key: str) -> list[Any]:
    bazaar = world.extras.get("bazaar") or {}
    products = bazaar.get("products") or {}
    return list(products.get(key) or [])


def _photo(session: Session, owner: Member, colour: tuple[int, int, int]) -> Any:
    """A small generated picture (no photo of anyone's flock is bundled with the code)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 720), colour)
    draw = ImageDraw.Draw(image)
    for n in range(6):
        draw.ellipse(
            (80 + n * 140, 300 + (n % 2) * 80, 200 + n * 140, 400 + (n % 2) * 80), fill=(245, 240, 228)
        )
    out = io.BytesIO()
    image.save(out, "PNG")
    return store_upload(
        session,
        ("flock.png", out.getvalue()),
        owner=owner,
        purpose="rasan.photo",
        kinds=(IMAGE,),
        public=True,
    )


def _post(session: Session, author: Member, hours: int, **draft: Any) -> RasanPost:
    post = services.create_post(session, author, services.Draft(**draft))
    # Spread over the last days, so the feed reads as it would have grown.
    post.created_at = utcnow() - timedelta(hours=hours)
    return post


def load(session: Session, world: Any) -> None:
    if session.scalar(select(RasanPost.id).limit(1)) is not None:
        return  # already there: the demo is loaded once
    made_cores = world.extras.get("cores") or {}
    posts: dict[str, RasanPost] = {}
    for key, text, product_n, hours in CORE_POSTS:
        core = made_cores.get(key)
        if core is None:
            continue
        products = _products(world, "alghadir" if key.startswith("alghadir") else key)
        product = products[product_n] if len(products) > product_n else None
        photos = [_photo(session, core.leader, (120, 144, 96))] if key == "gharajehlou" else []
        posts[key] = _post(
            session,
            core.leader,
            hours,
            text=text,
            # A candidate core (not yet approved) has no page of its own: its leader writes.
            core_id=core.id if core.code is not None else None,
            product_id=product.id if product is not None else None,
            photos=photos,
        )
    member = world.members.get("member")  # Maryam, in Gorg Tappeh
    jafar = world.members.get("core_leader")
    gharajehlou = made_cores.get("gharajehlou")
    if member is not None and gharajehlou is not None:
        services.follow(session, member, core_id=gharajehlou.id)
        if made_cores.get("asipour") is not None and made_cores["asipour"].code is not None:
            services.follow(session, member, core_id=made_cores["asipour"].id)
        if "gharajehlou" in posts:
            services.like(session, member, posts["gharajehlou"].id)
            services.comment(session, member, posts["gharajehlou"].id, "برای خرید دو رأس بره تماس می‌گیرم.")
    if jafar is not None and member is not None:
        services.follow(session, jafar, member_id=member.id)
        group = services.create_group(
            session,
            jafar,
            title="دامداران دام سبک زنجان",
            description="گروه هسته‌های دام سبک استان زنجان: علوفه، بازار و بهداشت دام.",
            field="livestock",
            region="zanjan",
        )
        services.join_group(session, member, group.id)
        _post(
            session,
            jafar,
            6,
            text="قیمت یونجه این هفته در بازار زنجان پایین آمده؛ اگر خرید گروهی بخواهید هماهنگ کنیم. #علوفه",
            group_id=group.id,
        )
    asipour = made_cores.get("asipour")
    if member is not None:
        question = _post(
            session,
            member,
            2,
            text="برای شروع کاربافی در خانه چه دستگاهی لازم است و نخ را از کجا بخرم؟ #کاربافی",
            kind=QUESTION,
            field_code="hand_weaving",
        )
        leader_id = getattr(asipour, "leader_id", None)
        known = session.scalar(
            select(RasanExpert.id).where(
                RasanExpert.post_id == question.id, RasanExpert.member_id == leader_id
            )
        )
        if asipour is not None and known is None:
            # What M-Maher's answer to resalat_ask_me_experts says when it is installed (and has
            # already said, then).
            session.add(
                RasanExpert(post_id=question.id, member_id=asipour.leader_id, title="بافنده‌ی کرباس، اردکان")
            )
    _reported(session, made_cores)
    session.flush()
    world.extras["rasan"] = posts


def _reported(session: Session, made_cores: dict[str, Any]) -> None:
    """A post from Arbab that a neighbour reported: it waits for the region's social leader."""
    writer = made_cores.get("alghadir_2")
    reporter = made_cores.get("alghadir_3")
    if writer is None or reporter is None:
        return
    post = _post(
        session,
        writer.leader,
        1,
        text="فروش فوری! سود تضمینی ماهی بیست درصد؛ پولتان را به من بسپارید و تماس بگیرید.",
    )
    services.report(session, reporter.leader, post.id, "وعده‌ی سود تضمینی؛ به نظر کلاهبرداری است.")


# --- many rows: every list the pages show, at size ----------------------------------------------

# Distinct photos kept for the posts added at size: more than a page of them.
PHOTOS_AT_SIZE = 24
# The demo's hashtags: the pages that list one (reached from the demo's posts) grow with them.
TAGS = ("دام_سبک", "کاربافی", "زعفران", "عسل", "علوفه", "سوزن_دوزی")
# Comments are added to the demo's first posts (those a feed shows before the rows came).
COMMENTED_POSTS = 20


def _small_photo(session: Session, owner: Member, n: int) -> Any:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (80 + n * 7 % 150, 120, 60 + n * 11 % 180)).save(out, "PNG")
    return store_upload(
        session, (f"flock-{n}.png", out.getvalue()), owner=owner, purpose=PHOTOS, kinds=(IMAGE,), public=True
    )


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more posts (photos, hashtags, product cards, core posts, group posts, questions
    shown to experts, likes, reports), comments on the demo's posts, groups, and follows among
    the demo's people, spread over them so that each one's lists pass a page."""
    people = [world.members[key] for key in sorted(world.members)]
    if not people or rows < 1:
        return
    now = utcnow()
    demo_posts = list(session.scalars(select(RasanPost.id).order_by(RasanPost.id).limit(COMMENTED_POSTS)))
    photos = [_small_photo(session, people[n % len(people)], n).id for n in range(min(rows, PHOTOS_AT_SIZE))]
    products = list(
        session.scalars(
            select(bazaar.Product.id)
            .where(bazaar.Product.listed.is_(True), bazaar.Product.hidden.is_(False))
            .order_by(bazaar.Product.id)
            .limit(50)
        )
    )
    # The cores the people lead (approved ones, with a page): some posts are written as them.
    led: dict[int, int] = {
        leader: core
        for leader, core in session.execute(
            select(cores.Core.leader_id, cores.Core.id).where(
                cores.Core.leader_id.in_([p.id for p in people]), cores.Core.code.is_not(None)
            )
        )
    }
    groups = _groups(session, people, rows, now)
    post_rows = []
    for n in range(rows):
        author = people[n % len(people)]
        tag = TAGS[n % len(TAGS)]
        question = n % 4 == 3
        text = (
            f"برای شروع کار چه باید کرد؟ پرسش {n + 1} #{tag}"
            if question
            else f"خبر تازه‌ی هسته، شماره‌ی {n + 1}: محصول تازه رسید. #{tag}"
        )
        post_rows.append(
            {
                "author_id": author.id,
                "core_id": led.get(author.id) if n % 2 == 0 and not question else None,
                # Every fifth in one of the demo's groups: the group's page grows.
                "group_id": groups[n % len(groups)] if groups and n % 5 == 1 else None,
                "region_id": author.region_id,
                "kind": QUESTION if question else POST,
                "field_code": "hand_weaving" if question else None,
                "text": text,
                "text_search": search_key(text),
                "product_id": products[n % len(products)] if products and n % 3 == 0 else None,
                "like_count": 1,
                "comment_count": 0,
                "hidden": n % 14 == 13,
                "hidden_note": "وعده‌ی سود تضمینی" if n % 14 == 13 else None,
                "hidden_at": now if n % 14 == 13 else None,
                "created_at": now + timedelta(microseconds=n),
            }
        )
    ids = list(
        session.scalars(insert(RasanPost).returning(RasanPost.id, sort_by_parameter_order=True), post_rows)
    )
    session.execute(
        insert(RasanHashtag),
        [{"post_id": pid, "tag": services.tag_key(TAGS[n % len(TAGS)])} for n, pid in enumerate(ids)],
    )
    if photos:
        session.execute(
            insert(RasanPostPhoto),
            [
                {"post_id": pid, "file_id": photos[n % len(photos)], "position": 0}
                for n, pid in enumerate(ids)
                if n % 2 == 0
            ],
        )
    session.execute(
        insert(RasanLike),
        [
            {"post_id": pid, "member_id": people[(n + 1) % len(people)].id, "created_at": now}
            for n, pid in enumerate(ids)
        ],
    )
    # Each question is shown to every other one of the people, as experts (a few rows may hold
    # no question: an empty list would be one INSERT of nothing).
    experts = [
        {"post_id": pid, "member_id": expert.id, "title": "بافنده‌ی کرباس", "answered": False}
        for n, pid in enumerate(ids)
        if post_rows[n]["kind"] == QUESTION
        for expert in people
        if expert.id != post_rows[n]["author_id"]
    ]
    if experts:
        session.execute(insert(RasanExpert), experts)
    # Every seventh reported by another of the people; the hidden ones were decided.
    reports = []
    for n, pid in enumerate(ids):
        if n % 7 != 6:
            continue
        reporter = people[(n + 3) % len(people)]
        if reporter.id == post_rows[n]["author_id"]:
            continue
        reports.append(
            {
                "post_id": pid,
                "reporter_id": reporter.id,
                "region_id": post_rows[n]["region_id"],
                "reason": "وعده‌ی سود تضمینی؛ به نظر کلاهبرداری است.",
                "status": HIDDEN if post_rows[n]["hidden"] else OPEN,
                "created_at": now,
            }
        )
    if reports:
        session.execute(insert(RasanReport), reports)
    _comments(session, people, demo_posts, rows, now)
    _follows(session, people, list(led.values()), now)


def _groups(session: Session, people: list[Member], rows: int, now: Any) -> list[int]:
    """``rows`` more groups (each with its founder in it) and every one of the people in the
    demo's groups; returns the demo's groups, where some of the new posts go."""
    demo_groups = list(session.scalars(select(RasanGroup.id).order_by(RasanGroup.id).limit(5)))
    group_rows = []
    for n in range(rows):
        founder = people[n % len(people)]
        title = f"گروه {TAGS[n % len(TAGS)].replace('_', ' ')} {n + 1}"
        group_rows.append(
            {
                "title": title,
                "title_search": search_key(title),
                "description": "گروهی برای هم‌فکری اعضای یک رشته.",
                "field_code": None,
                "region_id": founder.region_id,
                "created_by_id": founder.id,
                "member_count": 1,
                "created_at": now + timedelta(microseconds=n),
            }
        )
    made = list(
        session.scalars(insert(RasanGroup).returning(RasanGroup.id, sort_by_parameter_order=True), group_rows)
    )
    joins = [
        {"group_id": gid, "member_id": group_rows[n]["created_by_id"], "joined_at": now}
        for n, gid in enumerate(made)
    ]
    for gid in demo_groups:
        inside = set(
            session.scalars(select(RasanGroupMember.member_id).where(RasanGroupMember.group_id == gid))
        )
        new = [p.id for p in people if p.id not in inside]
        joins += [{"group_id": gid, "member_id": mid, "joined_at": now} for mid in new]
        session.execute(
            update(RasanGroup)
            .where(RasanGroup.id == gid)
            .values(member_count=RasanGroup.member_count + len(new))
        )
    session.execute(insert(RasanGroupMember), joins)
    return demo_groups


def _comments(session: Session, people: list[Member], posts: list[int], rows: int, now: Any) -> None:
    """``rows`` comments on each of the demo's first posts, by the people in turn."""
    for pid in posts:
        session.execute(
            insert(RasanComment),
            [
                {
                    "post_id": pid,
                    "author_id": people[n % len(people)].id,
                    "text": f"ممنون از اطلاع‌رسانی؛ نظر شماره‌ی {n + 1}.",
                    "is_answer": False,
                    "created_at": now + timedelta(microseconds=n),
                }
                for n in range(rows)
            ],
        )
        session.execute(
            update(RasanPost).where(RasanPost.id == pid).values(comment_count=RasanPost.comment_count + rows)
        )


def _follows(session: Session, people: list[Member], core_ids: list[int], now: Any) -> None:
    """Every member follows each of the demo's people and cores (their lists of followers, and
    the people's lists of whom they follow)."""
    members = list(session.scalars(select(Member.id).order_by(Member.id)))
    had = {
        (row.follower_id, row.member_id, row.core_id)
        for row in session.execute(
            select(RasanFollow.follower_id, RasanFollow.member_id, RasanFollow.core_id)
        )
    }
    follows = [
        {"follower_id": m, "member_id": p.id, "core_id": None, "created_at": now}
        for m in members
        for p in people
        if m != p.id and (m, p.id, None) not in had
    ] + [
        {"follower_id": m, "member_id": None, "core_id": c, "created_at": now}
        for m in members
        for c in core_ids
        if (m, None, c) not in had
    ]
    if follows:
        session.execute(insert(RasanFollow), follows)
