"""The brochure's campaigns for the demo world: a Gorg Tappeh core's equipment (open, half-way,
with donors), the Sistan organiser's sewing machines for an Al-Ghadir core (open), an Arbab
village's water tank (ended, money delivered) and a cancelled, refunded one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    main_account,
    national_code_with_check_digit,
    register_member,
    system_account,
    transfer,
)

from . import services
from .models import CORE, PLACE

TOMAN = 10
DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' published password)
DONORS = (
    ("زهرا رحیمی", "zanjan/zanjan"),
    ("حسین کریمی", "zanjan/gorg-tappeh"),
    ("مهدی نوروزی", "tehran/tehran"),
    ("سمیه بلوچ", "sistan-baluchestan/arbab"),
)


def _donor(session: Session, world: Any, n: int, name: str, region: str) -> Member:
    member = register_member(
        session,
        Registration(
            national_code=national_code_with_check_digit(f"002400{n:03d}"),
            mobile=f"0913240{n:04d}",
            name=name,
            region=region,
            password=DEMO_PASSWORD,
        ),
    )
    transfer(
        session,
        f"demo:campaigns:fund:{n}",
        system_account(session, "cash_in"),
        main_account(session, member),
        50_000_000 * TOMAN,
        "admin_adjustment",
    )
    return member


def _give(session: Session, donor: Member, campaign_id: int, tomans: int, key: str, **kw: Any) -> None:
    services.donate(session, donor, campaign_id, amount=tomans * TOMAN, key=f"demo-{key}", **kw)


def load(session: Session, world: Any) -> None:
    """Three campaigns; what was made goes in ``world.extras["campaigns"]``."""
    admin = world.members["admin"]
    organiser = world.members.get("guide") or admin
    leader = world.members.get("social_leader")
    donors = [_donor(session, world, n, name, region) for n, (name, region) in enumerate(DONORS, start=1)]
    made: dict[str, Any] = {}
    in_a_month = services.today() + timedelta(days=30)

    core = (world.extras.get("cores") or {}).get("gharajehlou")
    if core is not None:
        equip = services.open_campaign(
            session,
            organiser,
            services.NewCampaign(
                title="آبشخور و آخور برای هسته‌ی دام سبک قراجه‌لو",
                story="هسته‌ی دام سبک جعفر قراجه‌لو در گرگ‌تپه برای نگه‌داری گله "
                "به آبشخور و آخور تازه نیاز دارد. "
                "پول این پویش تنها برای خرید تجهیزات دامداری از بازار رسالت خرج می‌شود.",
                goal=40_000_000 * TOMAN,
                deadline=in_a_month,
                cause=CORE,
                core_id=core.id,
            ),
        )
        if equip.status != "open":
            services.approve(session, admin, equip.id)
        _give(session, donors[0], equip.id, 8_000_000, "equip-1", message="به امید رونق کار")
        _give(session, donors[1], equip.id, 7_000_000, "equip-2")
        _give(session, donors[2], equip.id, 5_000_000, "equip-3", anonymous=True)
        services.post_update(session, organiser, equip.id, "نیمی از هزینه جمع شد؛ از همراهی‌تان سپاسگزاریم.")
        made["equipment"] = equip

    clothing = (world.extras.get("cores") or {}).get("alghadir_2")
    sewing = world.members.get("campaign_organiser")
    if clothing is not None and sewing is not None:
        # The organiser's campaign waits for an administrator of the region, as every one does.
        machines = services.open_campaign(
            session,
            sewing,
            services.NewCampaign(
                title="چرخ خیاطی صنعتی برای هسته‌های پوشاک الغدیر",
                story="هسته‌های پوشاک کانون همیاری الغدیر در روستای ارباب سفارش روپوش مدرسه گرفته‌اند "
                "و با چرخ‌های خانگی از پس آن برنمی‌آیند. پول این پویش تنها چرخ خیاطی صنعتی "
                "از بازار رسالت می‌خرد.",
                goal=60_000_000 * TOMAN,
                deadline=services.today() + timedelta(days=45),
                cause=CORE,
                core_id=clothing.id,
            ),
        )
        if machines.status != "open":
            services.approve(session, admin, machines.id)
        _give(session, donors[3], machines.id, 12_000_000, "machines-1", message="برای دست‌های هنرمند ارباب")
        _give(session, donors[0], machines.id, 6_000_000, "machines-2", anonymous=True)
        services.post_update(session, sewing, machines.id, "نخستین چرخ خیاطی سفارش داده شد.")
        made["sewing_machines"] = machines

    responsible = leader or world.members["member"]
    tank = services.open_campaign(
        session,
        admin,
        services.NewCampaign(
            title="مخزن آب روستای ارباب",
            story="روستای ارباب در تابستان با کم‌آبی روبه‌روست. "
            "با این پویش یک مخزن آب برای روستا خریده و نصب می‌شود.",
            goal=20_000_000 * TOMAN,
            deadline=in_a_month,
            cause=PLACE,
            region="sistan-baluchestan/arbab",
            responsible=responsible.mobile,
        ),
    )
    _give(session, donors[3], tank.id, 10_000_000, "tank-1", message="برای آب روستا")
    _give(session, donors[2], tank.id, 6_000_000, "tank-2")
    _give(session, donors[0], tank.id, 4_000_000, "tank-3")
    services.close(session, admin, tank.id)
    services.post_update(session, admin, tank.id, "مخزن خریده شد و به زودی نصب می‌شود.")
    made["water_tank"] = tank

    hall = services.open_campaign(
        session,
        admin,
        services.NewCampaign(
            title="بازسازی خانه‌ی فرهنگ گرگ‌تپه",
            story="این پویش برای بازسازی خانه‌ی فرهنگ روستا بود؛ "
            "شورای روستا هزینه را خود پرداخت و پویش لغو شد.",
            goal=30_000_000 * TOMAN,
            deadline=in_a_month,
            cause=PLACE,
            region="zanjan/gorg-tappeh",
            responsible=world.members["member"].mobile,
        ),
    )
    _give(session, donors[1], hall.id, 3_000_000, "hall-1")
    _give(session, donors[3], hall.id, 2_000_000, "hall-2")
    services.cancel(session, admin, hall.id)
    made["cancelled"] = hall
    world.extras["campaigns"] = made
