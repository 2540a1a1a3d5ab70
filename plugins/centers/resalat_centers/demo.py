"""The demo's cooperation centre: Al-Ghadir of Arbab village, its 15 clothing cores and an order of
300 garments shared among them, partly delivered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_cores.services import ACTIVE, CANDIDATE, Core, CoreMember, CoreStatusChange, core_id_prefix
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_centers import services
from resalat_centers.models import (
    ACCEPTED,
    IN_PROGRESS,
    Centre,
    CentreCore,
    CentreMember,
    Delivery,
    Order,
    Share,
)
from resalat_core.sdk import (
    Member,
    add_demo_members,
    search_key,
    to_persian_digits,
    today_in_iran,
    utcnow,
)

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


# --- more rows, to count pages at size -----------------------------------------------------------

# New members of the rows at size: national codes 0982NNNNN and mobiles 09982NNNNNN, which no
# persona or other demo member has.
ROW_CODES = "0982"
ROW_MOBILES = "09982"
SERIAL_DIGITS = 6


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more of every list the centres' pages show (``resalat_demo_rows``).

    Al-Ghadir gets ``rows`` new members, each the leader of a new clothing core of Arbab linked to
    it (its members and cores), and ``rows`` more orders; the newest and its first are shared among
    those cores, each share accepted with a delivery (an order's shares, a core leader's shares);
    its leader leads ``rows`` more centres (the list of centres, hers).
    """
    leader = world.members.get("social_leader") or world.members.get("member")
    registrar = world.members.get("supporter") or world.members.get("admin")
    if leader is None or registrar is None:
        return
    centre = session.scalar(select(Centre).where(Centre.leader_id == leader.id).order_by(Centre.id).limit(1))
    model = (
        session.scalar(
            select(Core)
            .join(CentreCore, CentreCore.core_id == Core.id)
            .where(CentreCore.centre_id == centre.id)
            .limit(1)
        )
        if centre is not None
        else None
    )
    if centre is None or model is None:
        return
    now = utcnow()
    people = add_demo_members(session, leader, rows, mobiles=ROW_MOBILES, codes=ROW_CODES, name="بانوی همیار")
    cores = _cores(session, model, people, registrar, now)
    session.execute(
        insert(CentreMember),
        [{"centre_id": centre.id, "member_id": m, "added_by_id": leader.id, "added_at": now} for m in people],
    )
    session.execute(
        insert(CentreCore),
        [{"centre_id": centre.id, "core_id": c, "linked_by_id": leader.id, "linked_at": now} for c in cores],
    )
    taken = session.scalar(select(func.count(Centre.id)).where(Centre.leader_id == leader.id)) or 0
    centres = []
    for n in range(taken, taken + rows):
        name = f"کانون همیاری نمونه‌ی {to_persian_digits(str(n))}"
        centres.append(
            {
                "name": name,
                "name_key": search_key(name),
                "description": centre.description,
                "leader_id": leader.id,
                "region_id": centre.region_id,
                "registered_by_id": registrar.id,
                "created_at": now,
            }
        )
    session.execute(insert(Centre), centres)
    _orders(session, centre, leader, cores, rows, now)


def _cores(session: Session, model: Core, people: list[int], approver: Member, now: Any) -> list[int]:
    """An approved core for each of ``people``, in ``model``'s field and place, with its leader's
    row and its history (registered, approved)."""
    prefix = core_id_prefix(model)
    pattern = prefix.replace("_", "\\_") + "%"
    last = session.scalar(
        select(Core.code)
        .where(Core.code.like(pattern, escape="\\"))
        .order_by(func.length(Core.code).desc(), Core.code.desc())
        .limit(1)
    )
    tail = (last or "")[len(prefix) :]
    serial = int(tail) + 1 if tail.isdecimal() else 1
    rows = []
    for n, _member_id in enumerate(people):
        name = f"هسته‌ی پوشاک همیاران {to_persian_digits(str(serial + n))}"
        rows.append(
            {
                "code": f"{prefix}{serial + n:0{SERIAL_DIGITS}d}",
                "name": name,
                "name_search": search_key(name),
                "leader_id": _member_id,
                "field_id": model.field_id,
                "region_id": model.region_id,
                "existed_before": True,
                "status": ACTIVE,
                "description": model.description,
                "created_at": now,
                "approved_at": now,
                "approved_by_id": approver.id,
            }
        )
    ids = list(session.scalars(insert(Core).returning(Core.id, sort_by_parameter_order=True), rows))
    leaders = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(people)))}
    session.execute(
        insert(CoreMember),
        [
            {
                "core_id": core_id,
                "member_id": member_id,
                "name": leaders[member_id].name,
                "national_code": leaders[member_id].national_code,
                "mobile": leaders[member_id].mobile,
                "relation": "leader",
                "created_at": now,
            }
            for core_id, member_id in zip(ids, people, strict=True)
        ],
    )
    session.execute(
        insert(CoreStatusChange),
        [
            change
            for core_id, member_id in zip(ids, people, strict=True)
            for change in (
                {
                    "core_id": core_id,
                    "from_status": None,
                    "to_status": CANDIDATE,
                    "actor_id": member_id,
                    "at": now,
                },
                {
                    "core_id": core_id,
                    "from_status": CANDIDATE,
                    "to_status": ACTIVE,
                    "actor_id": approver.id,
                    "at": now,
                },
            )
        ],
    )
    return ids


def _orders(session: Session, centre: Centre, leader: Member, cores: list[int], rows: int, now: Any) -> None:
    """``rows`` orders; the newest, and the demo's first, shared among ``cores``: two garments
    each, one delivered."""
    due = today_in_iran() + timedelta(days=45)
    first = session.scalar(select(Order).where(Order.centre_id == centre.id).order_by(Order.id).limit(1))
    orders = [
        {
            "centre_id": centre.id,
            "customer": "پوشاک نگین، زاهدان",
            "item": "مانتو",
            "unit": "دست",
            "quantity": 2 * len(cores) if n == rows - 1 else 100,
            "due_date": due,
            "unit_price": UNIT_PRICE,
            "note": "سفارش مانتوی مدرسه.",
            "status": IN_PROGRESS if n == rows - 1 else "open",
            "allocated": 2 * len(cores) if n == rows - 1 else 0,
            "delivered": len(cores) if n == rows - 1 else 0,
            "created_by_id": leader.id,
            "created_at": now,
        }
        for n in range(rows)
    ]
    ids = list(session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), orders))
    leaders: dict[int, int] = dict(
        session.execute(select(Core.id, Core.leader_id).where(Core.id.in_(cores))).all()
    )
    shared = [ids[-1]]
    if first is not None:
        # Its totals follow its new shares, as splitting it would have them (the CHECKs hold).
        first.quantity += 2 * len(cores)
        first.allocated += 2 * len(cores)
        first.delivered += len(cores)
        shared.append(first.id)
    shares = [
        {
            "order_id": order_id,
            "core_id": core_id,
            "quantity": 2,
            "due_date": due,
            "status": ACCEPTED,
            "delivered": 1,
            "assigned_by_id": leader.id,
            "created_at": now,
            "answered_by_id": leaders[core_id],
            "answered_at": now,
        }
        for order_id in shared
        for core_id in cores
    ]
    share_ids = list(session.scalars(insert(Share).returning(Share.id, sort_by_parameter_order=True), shares))
    session.execute(
        insert(Delivery),
        [
            {
                "share_id": sid,
                "quantity": 1,
                "note": "تحویل به انبار کانون",
                "reported_by_id": leaders[cid],
                "created_at": now,
            }
            for sid, cid in zip(share_ids, cores * len(shared), strict=True)
        ],
    )
