"""The demo's cooperation centre: Al-Ghadir of Arbab village, its 15 clothing cores and an order of
300 garments shared among them, partly delivered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_cores.services import ACTIVE, Core
from sqlalchemy.orm import Session

from resalat_centers import services
from resalat_core.sdk import Member, today_in_iran

# (share of the 300 garments, what the core's leader does: accept and deliver, decline, nothing)
SHARES = (
    (40, "deliver", 40),
    (40, "deliver", 25),
    (40, "accept", 0),
    (40, "accept", 0),
    (30, "decline", 0),
    (30, "wait", 0),
)
UNIT_PRICE = 4_500_000  # rials (450,000 tomans) a garment


def _core(session: Session, ref: Any) -> Core | None:
    if isinstance(ref, Core):
        return ref
    return session.get(Core, ref) if isinstance(ref, int) else None


def load(session: Session, world: Any) -> None:
    """Register the centre and, with the cores' demo, link its cores and share an order among them.

    Ms Ghaderi (the social leaders' persona) leads it and a cultural supporter registers it; with
    those plugins absent, the host's member persona leads it and the administrator registers it.
    """
    members = world.members
    leader = members.get("social_leader") or members.get("member")
    registrar = members.get("supporter") or members.get("admin")
    if leader is None or registrar is None:
        return
    centre = services.register_centre(
        session,
        registrar,
        name="کانون همیاری الغدیر",
        region=world.region("sistan-baluchestan/arbab"),
        leader=leader,
        description=(
            "کانون همیاری اجتماعی روستای ارباب (زابل). "
            "این کانون ۱۵ هسته‌ی پوشاک راه انداخته است؛ راهبر کانون سفارش پوشاک را از بیرون روستا "
            "می‌گیرد و میان هسته‌ها پخش می‌کند."
        ),
    )
    world.extras.setdefault("centres", {})["alghadir"] = centre
    known = world.extras.get("cores") or {}
    cores = [_core(session, known.get(f"alghadir_{i}")) for i in range(1, 16)]
    cores = [c for c in cores if c is not None and c.status == ACTIVE]
    for core in cores:
        services.link_core(session, centre, leader, core)
    for member_id in dict.fromkeys(c.leader_id for c in cores):
        if member_id != leader.id:
            services.add_member(session, centre, leader, session.get(Member, member_id))
    if cores:
        world.extras["centres"]["alghadir_order"] = _order(session, centre, leader, cores)


def _order(session: Session, centre: Any, leader: Member, cores: list[Core]) -> Any:
    """The 300 school coats, shared among the first cores, each answering as ``SHARES`` says."""
    today = today_in_iran()
    order = services.create_order(
        session,
        centre,
        leader,
        customer="پوشاک نگین، زاهدان",
        item="مانتو",
        unit="دست",
        quantity=300,
        due_date=today + timedelta(days=45),
        unit_price=UNIT_PRICE,
        note="سفارش مانتوی مدرسه در سه رنگ؛ دوخت و بسته‌بندی یکسان.",
    )
    plan = list(zip(cores, SHARES, strict=False))
    parts = [
        services.SharePart(core.id, quantity, today + timedelta(days=30 + i))
        for i, (core, (quantity, _act, _n)) in enumerate(plan)
    ]
    shares = services.split_order(session, order, leader, parts)
    for share, (_core_row, (_quantity, act, delivered)) in zip(shares, plan, strict=True):
        core_leader = session.get(Member, share.core.leader_id)
        if act in ("accept", "deliver"):
            services.accept_share(session, core_leader, share.id)
        if act == "deliver":
            services.report_delivery(session, core_leader, share.id, delivered, "تحویل به انبار کانون")
        if act == "decline":
            services.decline_share(session, core_leader, share.id, "چرخ‌های خیاطی هسته در تعمیر است.")
    return order
