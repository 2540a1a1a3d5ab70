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
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, national_code_with_check_digit, search_key, to_persian_digits, utcnow
from resalat_guides import services
from resalat_guides.models import (
    DROPPED,
    GROW,
    IDENTIFIED,
    PENDING,
    START,
    Advice,
    Candidate,
    CoreLink,
    StatusChange,
    priority_of,
)

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


# --- more rows, to count pages at size -----------------------------------------------------------

# The candidates of the rows at size: national codes 0983NNNNN and mobiles 09983NNNNNN.
ROW_CODES = "0983"
ROW_MOBILES = "09983"


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more of every list the guides' pages show (``resalat_demo_rows``).

    The Zanjan guide gets ``rows`` more candidates, each identified and advised with a follow-up
    due (their list, where they come first as the longest waiting; the dashboard); each of the
    demo's candidates ``rows`` more advice (a candidate's page; its status history is the
    pipeline's few steps); the demo's link
    between his core and the weavers of Ardakan ``rows`` more of its kind, in both directions and
    pending (the area's links, the dashboard, each core leader's links).
    """
    guide, jafar = world.members.get("guide"), world.members.get("core_leader")
    if guide is None:
        return
    scope = services.scope_of(session, guide)
    his = (
        session.scalar(select(Candidate).where(Candidate.national_code == jafar.national_code).limit(1))
        if jafar is not None
        else None
    )
    if his is None:
        return
    now = utcnow()
    day = services.today()
    start = (
        session.scalar(select(func.count(Candidate.id)).where(Candidate.mobile.like(f"{ROW_MOBILES}%"))) or 0
    )
    made = []
    for n in range(start, start + rows):
        name = f"متقاضی نمونه‌ی {to_persian_digits(str(n + 1))}"
        made.append(
            {
                "guide_id": guide.id,
                "name": name,
                "name_key": search_key(name),
                "national_code": national_code_with_check_digit(f"{ROW_CODES}{n:05d}"),
                "mobile": f"{ROW_MOBILES}{n:06d}",
                "region_id": his.region_id,
                "intent": GROW,
                "field_id": his.field_id,
                "experience_years": 3,
                "priority": priority_of(3, GROW),
                "status": IDENTIFIED,
                # Waiting longer than the demo's own: the first page of the list shows them.
                "created_at": his.created_at - timedelta(days=1, seconds=n),
                "updated_at": now,
            }
        )
    # The demo's own candidates (a page may name any of them) get ``rows`` more advice each; those
    # of earlier runs are left as they are.
    demo_candidates = list(
        session.scalars(
            select(Candidate.id)
            .where(~Candidate.mobile.like(f"{ROW_MOBILES}%"))
            .order_by(Candidate.id)
            .limit(60)
        )
    )
    ids = list(session.scalars(insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True), made))
    advice = [
        {
            "candidate_id": cid,
            "guide_id": guide.id,
            "advised_on": day - timedelta(days=7),
            "text": "دیدار نخست: از تجربه و ابزار کارش پرسیدیم و راه ثبت هسته گفته شد.",
            "next_step": "آماده کردن مدارک ثبت هسته",
            "follow_up_on": day - timedelta(days=1),
            "created_at": now,
        }
        for cid in [*ids, *(c for c in demo_candidates for _ in range(rows))]
    ]
    session.execute(insert(Advice), advice)
    changes = [
        {
            "candidate_id": cid,
            "from_status": None,
            "to_status": IDENTIFIED,
            "reason": "",
            "actor_id": guide.id,
            "created_at": now,
        }
        for cid in ids
    ]
    session.execute(insert(StatusChange), changes)
    _links(session, scope, rows, now)


def _links(session: Session, scope: services.GuideScope, rows: int, now: Any) -> None:
    link = session.scalar(select(CoreLink).order_by(CoreLink.id).limit(1))
    if link is None:
        return
    ends = ((link.source_core_id, link.target_core_id), (link.target_core_id, link.source_core_id))
    session.execute(
        insert(CoreLink),
        [
            {
                "source_core_id": ends[n % 2][0],
                "target_core_id": ends[n % 2][1],
                "product": link.product,
                "note": link.note,
                "status": PENDING,
                "suggested_by_id": scope.actor.id,
                "created_at": now,
            }
            for n in range(rows)
        ],
    )
