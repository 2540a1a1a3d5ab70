"""The brochure's example cores (DOMAIN.md) for the demo world, with their leaders and families.

Leaders who are not host personas are registered here (mobiles 0913210NNNN, national codes from
002100NNN; family members who are not M-Resalat members from 002200NNN), all with the demo password.
Most cores are approved by an admin or, in Zanjan, by the Zanjan guide (the administrator, where
the guides plugin is not installed); three stay candidates so the reviewers' queue has something
in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    national_code_with_check_digit,
    register_member,
    to_persian_digits,
)
from resalat_cores import services
from resalat_cores.models import Core

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' published password)


@dataclass(frozen=True)
class DemoCore:
    key: str
    name: str
    field: str
    region: str
    leader: str  # a persona key, or the name of a new member
    description: str = ""
    family: tuple[tuple[str, str], ...] = ()  # (name, relation)
    existed_before: bool = True
    approve_by: str | None = "admin"  # persona key; None leaves it a candidate
    registered_by: str | None = None  # a persona registering it for the leader (a guide)


# Baluch and Sistani family names of Arbab village, for the Al-Ghadir centre's fifteen leaders.
ALGHADIR_LEADERS = (
    "خدیجه ناروئی",
    "زهرا سارانی",
    "مریم شهرکی",
    "فاطمه میرشکار",
    "سمیه پودینه",
    "لیلا سرگزی",
    "رقیه نوری",
    "معصومه دهمرده",
    "کلثوم ریگی",
    "زینب براهوئی",
    "طاهره کیخا",
    "آمنه بامری",
    "شهربانو سنچولی",
    "حلیمه بلوچ",
    "نرگس جهانتیغ",
)

# First names of the Al-Ghadir leaders' daughters and sisters who sew with them.
DAUGHTERS = ("سارا", "مهسا", "ریحانه", "فاطمه", "زهره", "آسیه", "مرضیه")

CORES = (
    DemoCore(
        "gharajehlou",
        "هسته‌ی دام سبک جعفر قراجه‌لو",
        "livestock",
        "zanjan/gorg-tappeh",
        "core_leader",
        "پرورش گوسفند و بز با اصلاح نژاد، به راهنمایی رهیار منطقه.",
        (("صغری محمدی", "spouse"), ("علی قراجه‌لو", "child")),
        approve_by="guide",
    ),
    DemoCore(
        "samiei",
        "هسته‌ی کاشت و برداشت زعفران سمیعی",
        "saffron",
        "khorasan-south/qaen",
        "محمد سمیعی",
        "کاشت، برداشت و بسته‌بندی زعفران با همه‌ی اعضای خانواده.",
        (
            ("علی سمیعی", "parent"),
            ("فاطمه رضایی", "spouse"),
            ("حسین سمیعی", "child"),
            ("زینب سمیعی", "child"),
            ("رضا سمیعی", "relative"),
        ),
    ),
    DemoCore(
        "asipour",
        "هسته‌ی کاربافان زهرا آسی‌پور",
        "hand_weaving",
        "yazd/ardakan",
        "زهرا آسی‌پور",
        "کاربافی سنتی اردکان: رومیزی، پارچه و دستمال با دستگاه‌های دستی.",
        (("مریم آسی‌پور", "child"), ("سکینه آسی‌پور", "sibling")),
    ),
    *(
        DemoCore(
            f"alghadir_{n}",
            f"هسته‌ی پوشاک الغدیر {to_persian_digits(str(n))}",
            "clothing",
            "sistan-baluchestan/arbab",
            leader,
            "دوخت پوشاک برای سفارش‌هایی که کانون همیاری الغدیر از بیرون روستا می‌گیرد.",
            # Each sews with a daughter or a sister: a family core like the others.
            ((f"{DAUGHTERS[n % len(DAUGHTERS)]} {leader.split()[-1]}", "child" if n % 3 else "sibling"),),
            # The last one has just registered: the centre's newest core waits for review.
            approve_by=None if n == len(ALGHADIR_LEADERS) else "admin",
        )
        for n, leader in enumerate(ALGHADIR_LEADERS, start=1)
    ),
    DemoCore(
        "andisheh_sabz",
        "هسته‌ی زعفران اندیشه سبز پاریز",
        "saffron",
        "kerman/pariz",
        "محمدرضا پاریزی",
        "کشت زعفران در پاریز سیرجان.",
        (("اکرم پاریزی", "spouse"),),
    ),
    DemoCore(
        "safarnia",
        "هسته‌ی دامداری حمزه صفرنیا",
        "livestock",
        "khorasan-north/band-yaghmour",
        "حمزه صفرنیا",
        "پرورش دام سبک در روستای بند یغمور بجنورد.",
        (("محمد صفرنیا", "child"),),
    ),
    DemoCore(
        "sharifinia",
        "هسته‌ی زنبورداری خانواده‌ی شریفی‌نیا",
        "beekeeping",
        "hamadan/arzanfud",
        "مهدی شریفی‌نیا",
        "پرورش زنبور عسل و برداشت عسل در ارزنفود همدان.",
        (("فرشته شریفی‌نیا", "spouse"), ("امیر شریفی‌نیا", "child")),
        approve_by=None,
    ),
    DemoCore(
        "ahmadi",
        "هسته‌ی لبنیات محلی مریم احمدی",
        "food",
        "zanjan/gorg-tappeh",
        "member",
        "ماست، کره و پنیر محلی از شیر دام‌های روستا.",
        existed_before=False,
        approve_by=None,
        registered_by="guide",
    ),
)


def build(session: Session, world: Any) -> dict[str, Core]:
    """Register (and mostly approve) the example cores; returns them by short key."""
    services.ensure_default_fields(session)
    leaders = count(1)
    relatives = count(1)
    made: dict[str, Core] = {}
    for spec in CORES:
        leader = world.members.get(spec.leader) or _new_member(
            session, spec.leader, spec.region, next(leaders)
        )
        family = [
            {
                "name": name,
                "relation": relation,
                "national_code": national_code_with_check_digit(f"002200{next(relatives):03d}"),
            }
            for name, relation in spec.family
        ]
        core = services.register_core(
            session,
            leader=leader,
            name=spec.name,
            field=spec.field,
            region=world.region(spec.region),
            existed_before=spec.existed_before,
            description=spec.description,
            family=family,
            actor=world.members.get(spec.registered_by) if spec.registered_by else leader,
        )
        # The guide persona exists only where the guides plugin is installed.
        approver = (
            world.members.get(spec.approve_by) or world.members.get("admin") if spec.approve_by else None
        )
        if approver is not None:
            services.approve_core(session, core, actor=approver)
        made[spec.key] = core
    return made


def _new_member(session: Session, name: str, region: str, n: int) -> Member:
    member = register_member(
        session,
        Registration(
            national_code=national_code_with_check_digit(f"002100{n:03d}"),
            mobile=f"0913210{n:04d}",
            name=name,
            region=region,
            password=DEMO_PASSWORD,
        ),
    )
    return member
