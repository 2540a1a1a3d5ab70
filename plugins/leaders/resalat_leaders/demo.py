"""The leaders' part of the demo world: Ms. Ghaderi's community in Arbab, Sistan and Baluchestan.

The clothing makers of Arbab (the Al-Ghadir centre's fifteen clothing cores, DOMAIN.md) are
introduced as talents, Baluch needlework as a rooted trade, and two of them are vouched for.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select

from resalat_core.sdk import (
    Member,
    Registration,
    add_demo_members,
    find_member,
    national_code_with_check_digit,
    register_member,
    search_key,
    to_persian_digits,
    utcnow,
)
from resalat_leaders import services
from resalat_leaders.models import ACTIVE, NEW, SocialGuarantee, TalentIntroduction, TradeIntroduction

TOMAN = 10  # rials

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo world's documented password)

# Clothing makers of Arbab (the Al-Ghadir centre's 15 clothing cores, DOMAIN.md) for Ms. Ghaderi.
ARBAB_MEMBERS = (
    ("arbab_tailor", "زهرا نارویی", "09150000401", "004000401", "خیاطی لباس محلی بلوچی"),
    ("arbab_embroiderer", "مریم شهرکی", "09150000402", "004000402", "سوزن‌دوزی بلوچ روی سرآستین و پیش‌سینه"),
    ("arbab_pattern_maker", "خدیجه ریگی", "09150000403", "004000403", "الگوسازی و برش لباس زنانه"),
)


def _demo_member(session: Any, name: str, mobile: str, body: str) -> Member:
    member = find_member(session, mobile)
    if member is None:
        member = register_member(
            session,
            Registration(
                national_code=national_code_with_check_digit(body),
                mobile=mobile,
                name=name,
                region="sistan-baluchestan/arbab",
                password=DEMO_PASSWORD,
            ),
        )
    return member


def build(session: Any, world: Any) -> None:
    """Ms. Ghaderi introduces the makers and their trade, and vouches for two of them."""
    leader = world.members.get("social_leader")
    if leader is None:
        return
    makers = {}
    for key, name, mobile, body, talent in ARBAB_MEMBERS:
        member = _demo_member(session, name, mobile, body)
        makers[key] = member
        services.introduce_talent(
            session,
            leader,
            member=member.mobile,
            talent=talent,
            note="از زنان سرپرست خانوار؛ برای ثبت هسته و غرفه در ام‌بازار به رهیار معرفی شود.",
        )
    needlework = services.introduce_trade(
        session,
        leader,
        name="سوزن‌دوزی بلوچ",
        region="sistan-baluchestan/arbab",
        households=40,
        description=(
            "هنر دستی زنان بلوچ که نسل به نسل در ارباب مانده است: پیش‌سینه، سرآستین و دامن لباس "
            "محلی. کانون الغدیر سفارش‌های بیرون از روستا را میان هسته‌های پوشاک پخش می‌کند."
        ),
    )
    talents = list(session.scalars(services.talents_query(None).limit(1)))
    if talents:
        services.set_talent_status(session, leader, talents[0].id, "followed_up")
    guarantees = [
        services.sign_guarantee(
            session,
            leader,
            member=makers["arbab_tailor"].mobile,
            cap_rials=50_000_000 * TOMAN,
            statement=(
                "زهرا نارویی را سال‌هاست می‌شناسم؛ خیاط چیره‌دست و خوش‌حساب روستای ارباب است و "
                "سفارش‌های کانون الغدیر را همیشه به‌موقع تحویل داده است."
            ),
            password=DEMO_PASSWORD,
        ),
        services.sign_guarantee(
            session,
            leader,
            member=makers["arbab_embroiderer"].mobile,
            cap_rials=30_000_000 * TOMAN,
            statement="مریم شهرکی سوزن‌دوز کانون الغدیر است و من ضامن خوش‌قولی او هستم.",
            valid_until=services.today() + timedelta(days=365),
            password=DEMO_PASSWORD,
        ),
    ]
    world.extras["leaders"] = {"trade": needlework, "guarantees": guarantees, "makers": makers}


# --- more rows, to count pages at size -----------------------------------------------------------

# The members of the rows at size: national codes 0984NNNNN and mobiles 09984NNNNNN.
ROW_CODES = "0984"
ROW_MOBILES = "09984"


def add_rows(session: Any, world: Any, rows: int) -> None:
    """``rows`` more of every list the leaders' pages show (``resalat_demo_rows``).

    Ms. Ghaderi introduces ``rows`` more makers of Arbab (new members) as talents and ``rows``
    more trades, and vouches for each maker (her talents, trades and signed guarantees; an admin's
    guarantees of the region). The cores of her community are the cores plugin's list: its rows
    and the centres' grow it.
    """
    leader = world.members.get("social_leader")
    if leader is None:
        return
    now = utcnow()
    # The makers' numbers name their trades too.
    start = session.scalar(select(func.count(Member.id)).where(Member.mobile.like(f"{ROW_MOBILES}%"))) or 0
    makers = add_demo_members(
        session, leader, rows, mobiles=ROW_MOBILES, codes=ROW_CODES, name="بانوی هنرمند"
    )
    talents = [talent for *_rest, talent in ARBAB_MEMBERS]
    session.execute(
        insert(TalentIntroduction),
        [
            {
                "leader_id": leader.id,
                "member_id": member_id,
                "region_id": leader.region_id,
                "talent": talents[n % len(talents)],
                "note": "از زنان سرپرست خانوار؛ برای ثبت هسته به رهیار معرفی شود.",
                "status": NEW,
                "created_at": now,
                "updated_at": now,
            }
            for n, member_id in enumerate(makers)
        ],
    )
    trades = []
    for n in range(start, start + rows):
        name = f"سوزن‌دوزی بلوچ، نقش {to_persian_digits(str(n + 1))}"
        trades.append(
            {
                "leader_id": leader.id,
                "region_id": leader.region_id,
                "name": name,
                "name_key": search_key(name),
                "description": "نقشی از سوزن‌دوزی بلوچ که زنان ارباب هنوز می‌دوزند.",
                "households": 5 + n % 20,
                "status": NEW,
                "created_at": now,
                "updated_at": now,
            }
        )
    session.execute(insert(TradeIntroduction), trades)
    session.execute(
        insert(SocialGuarantee),
        [
            {
                "leader_id": leader.id,
                "member_id": member_id,
                "region_id": leader.region_id,
                "cap_rials": 20_000_000 * TOMAN,
                "statement": "این بانو را می‌شناسم؛ هنرمند و خوش‌حساب است و ضامن خوش‌قولی او هستم.",
                "valid_until": services.today() + timedelta(days=365) if n % 2 else None,
                "status": ACTIVE,
                "signed_at": now,
            }
            for n, member_id in enumerate(makers)
        ],
    )
