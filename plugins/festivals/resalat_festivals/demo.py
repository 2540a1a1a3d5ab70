"""The demo's festivals: a Zanjan livestock and crafts fair, held and counted, and Ardakan's
handicrafts and saffron fair taking applications, with the brochure's example cores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_cores.services import ACTIVE, Core
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, today_in_iran, utcnow
from resalat_festivals import services
from resalat_festivals.models import ANNOUNCED, FINISHED, Application, ApplicationProduct, Festival

TOMAN = 10


def _core(ref: Any) -> Core | None:
    return ref if isinstance(ref, Core) and ref.status == ACTIVE else None


def _products(world: Any, key: str) -> list[int]:
    found = (world.extras.get("bazaar") or {}).get("products", {}).get(key, [])
    return [p.id for p in found[:3]]


def load(session: Session, world: Any) -> dict[str, Any]:
    """Two festivals; returns what it made (``world.extras["festivals"]``)."""
    members: dict[str, Member] = world.members
    cores: dict[str, Any] = world.extras.get("cores") or {}
    admin = members.get("admin")
    zanjan_organiser = members.get("guide") or admin
    made: dict[str, Any] = {}
    if admin is None or zanjan_organiser is None:
        return made
    today = today_in_iran()

    # Zanjan's fair ran these last three days (today is its last): M-Bazar's demo orders of the
    # cores' booths placed today are counted as its online sales, and Jafar's core (and the
    # beekeepers, when their core is approved) reported what they sold there in person.
    zanjan = services.announce(
        session,
        zanjan_organiser,
        services.Details(
            title="جشنواره‌ی دام سبک و صنایع دستی زنجان",
            theme="دام سبک، لبنیات، عسل، صنایع دستی",
            region=world.region("zanjan/zanjan"),
            address="زنجان، بوستان ملت، محل نمایشگاه‌های استانی",
            starts_on=today,
            ends_on=today,
            apply_by=today,
            booths=20,
            description=(
                "جشنواره‌ی سه‌روزه‌ی دامداران و هنرمندان استان زنجان: بره و میش، لبنیات محلی، "
                "عسل، چاقو و ملیله‌ی زنجان. ورود برای همه آزاد است."
            ),
        ),
    )
    accepted = []
    for key, note in (
        ("gharajehlou", "بره‌های نژاد افشاری و پنیر محلی"),
        ("safarnia", "علوفه و دام سبک"),
        ("sharifinia", "عسل طبیعی و موم"),
    ):
        core = _core(cores.get(key))
        if core is None:
            continue
        application = services.apply(
            session, core.leader, zanjan.id, core=core, note=note, products=_products(world, key)
        )
        services.decide(session, zanjan_organiser, application.id, accept=True)
        accepted.append((key, application))
    zanjan.starts_on = today - timedelta(days=2)
    zanjan.apply_by = today - timedelta(days=10)
    zanjan.status = FINISHED
    session.flush()
    sold = {"gharajehlou": (96_000_000, 12), "sharifinia": (27_500_000, 40)}
    for key, application in accepted:
        if key in sold:
            amount, items = sold[key]
            application.fair_sales = amount * TOMAN
            application.fair_items = items
            application.fair_reported_at = application.decided_at
    made["zanjan"] = zanjan

    # Ardakan's handicrafts and saffron fair takes applications: the Samiei saffron core has a
    # booth already and Ms. Asipour's hand-weaving core waits for the organiser's answer.
    ardakan = services.announce(
        session,
        admin,
        services.Details(
            title="نمایشگاه صنایع دستی و زعفران اردکان",
            theme="صنایع دستی، دست‌بافی، زعفران",
            region=world.region("yazd/ardakan"),
            address="اردکان، میدان امام، حسینیه‌ی اعظم",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=32),
            apply_by=today + timedelta(days=20),
            booths=12,
            description=(
                "نمایشگاه سه‌روزه‌ی هسته‌های کارآفرینی اجتماعی: کرباس و زیلوی دست‌باف اردکان، "
                "زعفران قائنات و پاریز و محصولات خانگی. هسته‌ها تا پایان مهلت درخواست غرفه بدهند."
            ),
        ),
    )
    for key, note, accept in (
        ("samiei", "زعفران سرگل و نگین در بسته‌های کوچک", True),
        ("asipour", "کرباس، زیلو و رومیزی دست‌باف", False),
    ):
        core = _core(cores.get(key))
        if core is None:
            continue
        application = services.apply(
            session, core.leader, ardakan.id, core=core, note=note, products=_products(world, key)
        )
        if accept:
            services.decide(session, admin, application.id, accept=True)
    made["ardakan"] = ardakan
    session.flush()
    world.extras["festivals"] = made
    return made


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more entries in every festivals list the demo's people see.

    The administrator and the guide each announce ``rows`` festivals of their region (the
    upcoming list and each one's own); the core leader's cores apply to the guide's (their
    applications, with the products they bring); and the cores of the demo world that have not
    applied to the demo's festivals apply now (each festival's applications: as many as there
    are cores, ``rows`` once the cores plugin has added its own rows).
    """
    members: dict[str, Member] = world.members
    today = today_in_iran()
    now = utcnow()
    made: dict[int, list[int]] = {}
    demo_festivals = list(session.scalars(select(Festival.id).order_by(Festival.id)))
    for who in [m for k in ("admin", "guide") if (m := members.get(k))]:
        made[who.id] = list(
            session.scalars(
                insert(Festival).returning(Festival.id),
                [
                    {
                        "title": f"بازارچه‌ی محلی شماره‌ی {n + 1}",
                        "theme": "صنایع دستی، محصولات خانگی",
                        "region_id": who.region_id,
                        "address": "سالن ورزشی روستا",
                        # Soonest first: the new ones come before the demo's.
                        "starts_on": today + timedelta(days=1 + n % 10),
                        "ends_on": today + timedelta(days=2 + n % 10),
                        "apply_by": today + timedelta(days=n % 10),
                        "booths": 20,
                        "description": "بازارچه‌ی یک‌روزه‌ی هسته‌های کارآفرینی روستا.",
                        "status": ANNOUNCED,
                        "organiser_id": who.id,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(rows)
                ],
            )
        )
    active = list(session.scalars(select(Core).where(Core.status == ACTIVE).order_by(Core.id)).unique())
    products = services.newest_products(session, [c.id for c in active], 3)
    applications: list[dict[str, Any]] = []
    leader = members.get("core_leader")
    guide = members.get("guide")
    if leader is not None and guide is not None:
        for core in (c for c in active if c.leader_id == leader.id):
            applications += [
                {"festival_id": f, "core_id": core.id, "note": "محصولات هسته", "applied_by_id": leader.id}
                for f in made.get(guide.id, [])
            ]
    taken = {(f, c) for f, c in session.execute(select(Application.festival_id, Application.core_id))}
    for festival_id in demo_festivals:
        applications += [
            {
                "festival_id": festival_id,
                "core_id": c.id,
                "note": "غرفه می‌خواهیم",
                "applied_by_id": c.leader_id,
            }
            for c in active[:rows]
            if (festival_id, c.id) not in taken
        ]
    if not applications:
        return
    ids = list(session.scalars(insert(Application).returning(Application.id), applications))
    brought = [
        {"application_id": i, "product_id": p.id}
        for i, a in zip(ids, applications, strict=True)
        for p in products.get(a["core_id"], services.Offered([])).products
    ]
    if brought:
        session.execute(insert(ApplicationProduct), brought)
