"""How the leaders plugin plugs into the host: wiring, credit signals for Merat, figures and the demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Permission,
    Registration,
    Tile,
    _l,
    can,
    db_session,
    find_member,
    hookimpl,
    national_code_with_check_digit,
    register_member,
)
from resalat_leaders import plugin, services
from resalat_leaders.api import bp as api_bp
from resalat_leaders.cli import leaders as leaders_cli
from resalat_leaders.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return leaders_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            "leaders.guarantee",
            _l("Sign social guarantees for members of one's community"),
            ("social_leader", "admin"),
        ),
        Permission(
            "leaders.introduce",
            _l("Introduce talented members and rooted local trades"),
            ("social_leader", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    tiles = []
    if can("leaders.introduce", member=member):
        tiles.append(
            Tile(
                title=plugin.title,
                url=url_for("leaders.desk"),
                icon="people",
                description=_l("Talents, rooted trades, social guarantees and your community's cores"),
                order=40,
            )
        )
    # Every member may have leaders vouching for them; the badge is one count on an index.
    counting = services.counting_for(_session_of(member), member)
    tiles.append(
        Tile(
            title=_l("My social guarantees"),
            url=url_for("leaders.mine"),
            icon="shield-check",
            description=_l("Leaders who vouch for you"),
            badge=counting or None,
            order=60,
        )
    )
    return tiles


# --- questions ---------------------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Active, unexpired social guarantees: one signal, their caps summed in rials (one query)."""
    return services.credit_signals(_session_of(member), member)


@hookimpl
def resalat_stats() -> list[Figure]:
    figures = services.guarantee_figures(db_session())
    return [
        Figure(_l("Active social guarantees"), figures.count),
        Figure(
            _l("Sum of active social guarantees"),
            figures.total // 10,
            unit_fa="تومان",
            unit_en="tomans",
        ),
    ]


# --- demo --------------------------------------------------------------------------------------

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


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
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
            cap="50,000,000",
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
            cap="30,000,000",
            statement="مریم شهرکی سوزن‌دوز کانون الغدیر است و من ضامن خوش‌قولی او هستم.",
            valid_until=services.today() + timedelta(days=365),
            password=DEMO_PASSWORD,
        ),
    ]
    world.extras["leaders"] = {"trade": needlework, "guarantees": guarantees, "makers": makers}
