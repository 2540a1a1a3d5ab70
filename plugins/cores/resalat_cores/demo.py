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

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    national_code_with_check_digit,
    register_member,
    search_key,
    to_persian_digits,
    utcnow,
)
from resalat_cores import services
from resalat_cores.models import ACTIVE, CANDIDATE, LEADER, SUSPENDED, Core, CoreMember, CoreStatusChange
from resalat_cores.services.review import SERIAL_DIGITS, core_id_prefix
from resalat_cores.services.review import _next_serial as next_serial

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


# --- more rows, to count pages at size -----------------------------------------------------------

# The demo's rows at size carry national codes from 0981NNNNN: no persona or demo family has one.
ROW_CODES = "0981"
VISIT = "بازدید دوره‌ای رهیار"
# At most this many of the oldest cores (the demo's, every plugin's) get more people and history.
DEMO_CORES = 60


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more of every list the cores' pages show the personas (``resalat_demo_rows``).

    The Zanjan core leader leads ``rows`` more active cores (the public search, their cores, a
    reviewer's active cores), the member ``rows`` more candidates in Zanjan (their cores and the
    guide's queue); every demo core gets ``rows`` more people, every active one ``rows`` more
    history steps (suspended and reactivated in turn, so it ends as it was). Each new core is whole,
    as registering and approving would leave it: its leader's row and a family member, its
    registration (and approval) in its history, a core ID in its province and field.
    """
    leader, member = world.members.get("core_leader"), world.members.get("member")
    if leader is None or member is None:
        return
    first = session.scalar(select(Core).where(Core.leader_id == leader.id).order_by(Core.id).limit(1))
    if first is None:
        return
    approver = world.members.get("guide") or world.members.get("admin") or leader
    prefix = core_id_prefix(first)
    serial = count(next_serial(session, prefix))
    codes = count(_codes_used(session))
    now = utcnow()
    cores: list[dict[str, Any]] = []
    for status, who in ((ACTIVE, leader), (CANDIDATE, member)):
        for n in range(rows):
            name = f"هسته‌ی نمونه‌ی {to_persian_digits(str(n + 1))} {who.name}"
            cores.append(
                {
                    "code": f"{prefix}{next(serial):0{SERIAL_DIGITS}d}" if status == ACTIVE else None,
                    "name": name,
                    "name_search": search_key(name),
                    "leader_id": who.id,
                    "field_id": first.field_id,
                    "region_id": first.region_id,
                    "existed_before": bool(n % 3),
                    "status": status,
                    "description": first.description,
                    "created_at": now,
                    "approved_at": now if status == ACTIVE else None,
                    "approved_by_id": approver.id if status == ACTIVE else None,
                }
            )
    ids = session.scalars(insert(Core).returning(Core.id, sort_by_parameter_order=True), cores).all()
    people: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for core_id, core in zip(ids, cores, strict=True):
        who = leader if core["leader_id"] == leader.id else member
        people.append(_person(core_id, who.name, who.national_code, LEADER, now, who))
        people.append(_person(core_id, f"همسر {who.name}", _code(next(codes)), "spouse", now))
        changes.append(_change(core_id, None, CANDIDATE, who.id, now))
        if core["status"] == ACTIVE:
            changes.append(_change(core_id, CANDIDATE, ACTIVE, approver.id, now))
    # The demo's cores (a page may name any of them: the newest, one of a centre...) get ``rows``
    # more people each, and the active ones as many more steps in their history. They are the
    # oldest: the cores of earlier runs (and of other plugins' rows) are left as they are.
    existing = session.execute(
        select(Core.id, Core.status).where(Core.id.not_in(ids)).order_by(Core.id).limit(DEMO_CORES)
    ).all()
    workers = [(f"همکار {to_persian_digits(str(n + 1))}", _code(next(codes))) for n in range(rows)]
    for core_id, status in existing:
        people.extend(_person(core_id, name, code, "relative", now) for name, code in workers)
        if status != ACTIVE:
            continue
        for n in range(rows + rows % 2):
            # Suspended and reactivated in turn: the history grows and the core ends as it was.
            went, to = (ACTIVE, SUSPENDED) if n % 2 == 0 else (SUSPENDED, ACTIVE)
            changes.append(_change(core_id, went, to, approver.id, now, VISIT))
    session.execute(insert(CoreMember), people)
    session.execute(insert(CoreStatusChange), changes)


def _codes_used(session: Session) -> int:
    """How many national codes of ``ROW_CODES`` earlier runs gave out: the next run goes on."""
    return (
        session.scalar(
            select(func.count(CoreMember.id)).where(CoreMember.national_code.like(f"{ROW_CODES}%"))
        )
        or 0
    )


def _code(n: int) -> str:
    return national_code_with_check_digit(f"{ROW_CODES}{n:05d}")


def _person(
    core_id: int, name: str, code: str, relation: str, at: Any, member: Member | None = None
) -> dict[str, Any]:
    return {
        "core_id": core_id,
        "member_id": member.id if member else None,
        "name": name,
        "national_code": code,
        "mobile": member.mobile if member else None,
        "relation": relation,
        "created_at": at,
    }


def _change(
    core_id: int, went: str | None, to: str, actor_id: int, at: Any, reason: str = ""
) -> dict[str, Any]:
    return {
        "core_id": core_id,
        "from_status": went,
        "to_status": to,
        "reason": reason,
        "actor_id": actor_id,
        "at": at,
    }
