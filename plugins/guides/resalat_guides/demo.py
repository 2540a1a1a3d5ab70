"""The guides' part of the demo world: the Zanjan guide's pipeline, Jafar's story and a link.

Jafar Gharajehlou's story (DOMAIN.md): light livestock in Gorg Tappeh, breed improvement on a
guide's advice, then a core ID and a booth. Jafar and Maryam are the host's personas, so their
identity comes from their member rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from resalat_cores import services as cores
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, national_code_with_check_digit
from resalat_guides import services
from resalat_guides.models import DROPPED, GROW, START

# (name, national code body, mobile, place, intent, field, years of experience); Jafar and
# Maryam are the host's personas, so their identity comes from their member rows.
DEMO_CANDIDATES = (
    ("رقیه محمدی", "002700101", "09135550101", "zanjan/abhar", GROW, "hand_weaving", 8),
    ("لیلا رضایی", "002700102", "09135550102", "zanjan/gorg-tappeh", GROW, "clothing", 5),
    ("حسن یوسفی", "002700103", "09135550103", "zanjan/khorramdarreh", START, "beekeeping", 0),
    ("کریم نوروزی", "002700104", "09135550104", "zanjan/zanjan", START, "solar", 0),
)

# Jafar Gharajehlou's story (DOMAIN.md): light livestock in Gorg Tappeh, breed improvement on a
# guide's advice, then a core ID and a booth. (days ago, text, next step, follow-up in days)
JAFAR_ADVICE = (
    (
        75,
        "دیدار در گرگ‌تپه: آقای قراجه‌لو ۴۰ رأس گوسفند بومی دارد و پانزده سال است دامداری می‌کند. "
        "پیشنهاد شد نژاد گله با قوچ افشاری اصلاح شود تا وزن بره‌ها و دوقلوزایی بیشتر شود.",
        "مشورت با دامپزشک درباره‌ی قوچ مناسب",
        30,
    ),
    (
        40,
        "دو قوچ افشاری از دامداری در ابهر پیدا شد. توصیه شد هسته‌ی خانوادگی‌اش را ثبت کند تا با "
        "معرفی حامی اعتباری، وام قرض‌الحسنه‌ی دام سبک بگیرد.",
        "ثبت هسته و دریافت شناسه‌ی هسته",
        20,
    ),
    (
        10,
        "هسته ثبت شد. توصیه شد ساتِ هسته را در ام‌بازار تعریف کند تا بره‌های نژاد اصلاح‌شده و پشم را "
        "به اعضای سراسر کشور بفروشد.",
        "تعریف غرفه (سات) در ام‌بازار",
        14,
    ),
)


def _demo_cores(world: Any) -> list[Any]:
    """The cores the cores plugin's demo made, if it did (a list or a mapping of them)."""
    found = world.extras.get("cores")
    if isinstance(found, Mapping):
        found = list(found.values())
    return [c for c in (found or []) if isinstance(c, cores.Core)]


def _jafar(session: Session, scope: services.GuideScope, world: Any) -> None:
    member = world.members.get("core_leader")
    if member is None:
        return
    candidate = services.record_candidate(
        session,
        scope,
        name=member.name,
        national_code=member.national_code,
        mobile=member.mobile,
        region=member.region.code,
        intent=GROW,
        field="livestock",
        experience_years=15,
    )
    day = services.today()
    for n, (ago, text, step, follow) in enumerate(JAFAR_ADVICE):
        if n == len(JAFAR_ADVICE) - 1:
            # The core comes between the second and the third advice.
            # The cores demo may have registered his core already: then it is linked, not made twice.
            existing = [c for c in cores.cores_led_by(session, member) if c.field.code == "livestock"]
            if existing:
                services.attach_core(session, scope, candidate, existing[0])
            else:
                services.register_candidate_core(
                    session, scope, candidate, core_name="دام سبک قراجه‌لو", approve=True
                )
        services.advise(
            session,
            scope,
            candidate,
            text=text,
            next_step=step,
            advised_on=day - timedelta(days=ago),
            follow_up_on=day - timedelta(days=ago) + timedelta(days=follow),
        )


def build(session: Session, world: Any) -> None:
    """Record the Zanjan guide's candidates, advise them, register or link their cores."""
    guide = world.members.get("guide")
    if guide is None:
        return
    scope = services.scope_of(session, guide)
    made = _demo_cores(world)
    _jafar(session, scope, world)
    recorded = []
    maryam = world.members.get("member")
    if maryam is not None:
        recorded.append(
            services.record_candidate(
                session,
                scope,
                name=maryam.name,
                national_code=maryam.national_code,
                mobile=maryam.mobile,
                region=maryam.region.code,
                intent=START,
                field="food",
                experience_years=2,
            )
        )
    for name, body, mobile, place, intent, field_code, years in DEMO_CANDIDATES:
        recorded.append(
            services.record_candidate(
                session,
                scope,
                name=name,
                national_code=national_code_with_check_digit(body),
                mobile=mobile,
                region=place,
                intent=intent,
                field=field_code,
                experience_years=years,
            )
        )
    day = services.today()
    by_name = {c.name: c for c in recorded}
    if maryam is not None:
        services.advise(
            session,
            scope,
            by_name[maryam.name],
            text=(
                "خانم احمدی لبنیات محلی درست می‌کند. "
                "پیشنهاد شد با همسایه‌ها یک هسته‌ی خانوادگی مواد غذایی راه بیندازد."
            ),
            next_step="آموزش بسته‌بندی بهداشتی در ام‌ماهر",
            advised_on=day - timedelta(days=20),
            follow_up_on=day - timedelta(days=2),
        )
        # The guide registered her dairy core in the cores demo; it still awaits its core ID.
        hers = [c for c in cores.cores_led_by(session, maryam) if c.field.code == "food"]
        if hers:
            services.attach_core(session, scope, by_name[maryam.name], hers[0])
    services.advise(
        session,
        scope,
        by_name["رقیه محمدی"],
        text="هشت سال گلیم می‌بافد. توصیه شد هسته‌ی کاربافی ثبت کند و از هسته‌های پشم استان مواد اولیه بگیرد.",
        next_step="آماده کردن مدارک ثبت هسته",
        advised_on=day - timedelta(days=12),
        follow_up_on=day + timedelta(days=5),
    )
    services.set_status(
        session,
        scope,
        by_name["کریم نوروزی"],
        DROPPED,
        reason="برای کار به تهران رفت؛ فعلاً قصد راه‌اندازی ندارد.",
    )
    _demo_link(session, scope, made)


def _demo_link(session: Session, scope: services.GuideScope, made: list[Any]) -> None:
    """Jafar's wool for the hand weavers of Ardakan: a link across provinces, through the guides."""
    active = [c for c in made if c.status == cores.ACTIVE]
    source = next((c for c in active if scope.covers(c.region_id) and c.field.code == "livestock"), None)
    target = next((c for c in active if c.field.code == "hand_weaving"), None)
    if source is None or target is None:
        return
    try:
        services.suggest_link(
            session,
            scope,
            source=source.id,
            target=target.id,
            product="پشم گوسفند",
            note="پشم گوسفندان این هسته، مادّه‌ی اولیه‌ی کاربافان اردکان است.",
        )
    except BadInput:
        return  # the cores demo made them differently: the demo goes on without the link
