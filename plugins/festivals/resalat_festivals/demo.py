"""The demo's festivals: Ardakan's handicrafts and saffron fair, held and counted, and a Zanjan
livestock and crafts fair taking applications, with the brochure's example cores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_cores.services import ACTIVE, Core
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, today_in_iran
from resalat_festivals import services
from resalat_festivals.models import FINISHED

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

    # Ardakan's fair ran these last three days (today is its last): M-Bazar's demo orders placed
    # today are counted as the fair's online sales, and two cores reported what they sold there.
    ardakan = services.announce(
        session,
        admin,
        services.Details(
            title="نمایشگاه صنایع دستی و زعفران اردکان",
            theme="صنایع دستی، دست‌بافی، زعفران",
            region=world.region("yazd/ardakan"),
            address="اردکان، میدان امام، حسینیه‌ی اعظم",
            starts_on=today,
            ends_on=today,
            apply_by=today,
            booths=12,
            description=(
                "نمایشگاه سه‌روزه‌ی هسته‌های کارآفرینی اجتماعی استان یزد و خراسان: کرباس و زیلوی "
                "دست‌باف اردکان، زعفران قائنات و محصولات خانگی. ورود برای همه آزاد است."
            ),
        ),
    )
    applied = []
    for key, note in (
        ("asipour", "کرباس، زیلو و رومیزی دست‌باف"),
        ("samiei", "زعفران سرگل و نگین در بسته‌های کوچک"),
        ("andisheh_sabz", "زعفران و گل‌برگ"),
    ):
        core = _core(cores.get(key))
        if core is None:
            continue
        application = services.apply(
            session, core.leader, ardakan.id, core=core, note=note, products=_products(world, key)
        )
        services.decide(session, admin, application.id, accept=True)
        applied.append((key, application))
    ardakan.starts_on = today - timedelta(days=2)
    ardakan.apply_by = today - timedelta(days=10)
    ardakan.status = FINISHED
    session.flush()
    sold = {"asipour": (18_500_000, 14), "samiei": (42_000_000, 35)}
    for key, application in applied:
        if key in sold:
            amount, items = sold[key]
            application.fair_sales = amount * TOMAN
            application.fair_items = items
            application.fair_reported_at = application.decided_at
    made["ardakan"] = ardakan

    # Zanjan's fair takes applications: Jafar's livestock core has applied and waits.
    zanjan = services.announce(
        session,
        zanjan_organiser,
        services.Details(
            title="جشنواره‌ی دام سبک و صنایع دستی زنجان",
            theme="دام سبک، لبنیات، صنایع دستی",
            region=world.region("zanjan/zanjan"),
            address="زنجان، بوستان ملت، محل نمایشگاه‌های استانی",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=33),
            apply_by=today + timedelta(days=20),
            booths=20,
            description=(
                "جشنواره‌ی چهارروزه‌ی دامداران و هنرمندان استان زنجان: بره و میش، لبنیات محلی، "
                "چاقو و ملیله‌ی زنجان. هسته‌ها تا پایان مهلت درخواست غرفه بدهند."
            ),
        ),
    )
    core = _core(cores.get("gharajehlou"))
    if core is not None:
        services.apply(
            session,
            core.leader,
            zanjan.id,
            core=core,
            note="بره‌های نژاد افشاری و پنیر محلی",
            products=_products(world, "gharajehlou"),
        )
    made["zanjan"] = zanjan
    session.flush()
    world.extras["festivals"] = made
    return made
