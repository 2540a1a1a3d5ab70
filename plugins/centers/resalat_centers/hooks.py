"""How the centres plugin plugs into the host: pages, API, CLI, permissions, tile, figures, demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from resalat_cores.services import ACTIVE, Core

from resalat_centers import plugin, services
from resalat_centers.api import bp as api_bp
from resalat_centers.cli import centers as centers_cli
from resalat_centers.views import bp as pages_bp
from resalat_core.sdk import Figure, Member, Permission, Tile, _l, db_session, hookimpl


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return centers_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            services.REGISTER,
            _l("Register a cooperation centre"),
            # Every supporter holds it; the services let only cultural supporters through.
            ("supporter", "admin"),
        ),
        Permission(
            services.MANAGE,
            _l("Manage the cooperation centres of a region"),
            # A centre's own leader manages it whatever their role (checked in the services).
            ("social_leader", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # The badge is what waits for this member's answer as a core leader: two small queries.
    waiting = services.awaiting_answer(db_session(), member)
    return [
        Tile(
            title=plugin.title,
            url=url_for("centers.index"),
            icon="people",
            description=_l("Local centres, their cores, and the orders they share among the cores"),
            badge=waiting or None,
            order=40,
        )
    ]


@hookimpl
def resalat_stats() -> list[Figure]:
    f = services.figures(db_session())
    return [
        Figure(_l("Cooperation centres"), f.centres),
        Figure(_l("Cores in centres"), f.cores),
        Figure(_l("Centres' orders"), f.orders),
        Figure(_l("Units delivered"), f.units_delivered),
    ]


# --- demo --------------------------------------------------------------------------------------

# (share of the 300 garments, what the core's leader does: accept and deliver, decline, nothing)
DEMO_SHARES = (
    (40, "deliver", 40),
    (40, "deliver", 25),
    (40, "accept", 0),
    (40, "accept", 0),
    (30, "decline", 0),
    (30, "wait", 0),
)


def _core(session: Any, ref: Any) -> Core | None:
    if isinstance(ref, Core):
        return ref
    return session.get(Core, ref) if isinstance(ref, int) else None


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    """The Al-Ghadir centre of Arbab village, its 15 clothing cores and an order of 300 garments."""
    leader = world.members.get("social_leader")
    supporter = world.members.get("supporter")
    if leader is None or supporter is None:
        return
    centre = services.register_centre(
        session,
        supporter,
        name="کانون همیاری الغدیر",
        region=world.region("sistan-baluchestan/arbab"),
        leader=leader,
        description=(
            "کانون همیاری اجتماعی روستای ارباب (زابل) با راهبری خانم قادری. "
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
    if not cores:
        return
    order = services.create_order(
        session,
        centre,
        leader,
        customer="پوشاک نگین، زاهدان",
        item="مانتو",
        unit="دست",
        quantity=300,
        due_date=services.tehran_today() + timedelta(days=45),
        unit_price="450000",
        note="سفارش مانتوی مدرسه در سه رنگ؛ دوخت و بسته‌بندی یکسان.",
    )
    plan = list(zip(cores, DEMO_SHARES, strict=False))
    parts = [
        services.SharePart(core.id, quantity, services.tehran_today() + timedelta(days=30 + i))
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
    world.extras["centres"]["alghadir_order"] = order
