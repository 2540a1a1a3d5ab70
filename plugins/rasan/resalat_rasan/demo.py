"""Rasan's part of the demo world: the example cores post with cards of their M-Bazar products,
Maryam follows Jafar's core, a group of Zanjan's livestock keepers, a hashtag, an "ask me"
question shown to Ms. Asipour, and a reported post waiting for Arbab's social leader."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import IMAGE, Member, store_upload, utcnow

from . import services
from .models import QUESTION, RasanExpert, RasanPost

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
        if asipour is not None:
            # What M-Maher's answer to resalat_ask_me_experts will be once it is installed.
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
