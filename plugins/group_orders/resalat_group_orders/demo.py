"""The demo's group purchases: the Al-Ghadir centre's clothing cores buy karbas fabric together
from Ardakan's weaving booth (ordered, delivered and handed over), and cotton yarn (still open);
and a village school's 120 uniforms, a bulk order split among three of those cores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores.services import ACTIVE, Core
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, can, main_account, system_account, today_in_iran, transfer

from . import ORGANISE, services

TOMAN = 10


def _cores(session: Session, world: Any) -> list[Core]:
    known = world.extras.get("cores") or {}
    found = []
    for i in range(1, 16):
        ref = known.get(f"alghadir_{i}")
        core = ref if isinstance(ref, Core) else (session.get(Core, ref) if isinstance(ref, int) else None)
        if core is not None and core.status == ACTIVE:
            found.append(core)
    return found


def _fund(session: Session, leader: Member, tomans: int) -> None:
    """Cash the core's leader brought in, put on their main account by the administrator."""
    transfer(
        session,
        f"demo:group_orders:cash:{leader.id}",
        system_account(session, "cash_in"),
        main_account(session, leader),
        tomans * TOMAN,
        "admin_adjustment",
    )


def load(session: Session, world: Any) -> None:
    """Ms Ghaderi (the social leaders' persona; the administrator without that plugin) organises
    both purchases for the centre's cores; skipped when M-Bazar's weaving booth or the cores are
    not in the demo."""
    products = (world.extras.get("bazaar") or {}).get("products") or {}
    weaving = products.get("asipour") or []
    organiser = world.members.get("social_leader") or world.members.get("admin")
    cores = _cores(session, world)
    if len(weaving) < 3 or organiser is None or len(cores) < 4:
        return
    karbas, yarn = weaving[0], weaving[2]
    region = world.region("sistan-baluchestan/arbab")
    place = "انبار کانون همیاری الغدیر، روستای ارباب"
    leaders = {c.leader_id: c.leader for c in cores[:4]}
    for leader in leaders.values():
        _fund(session, leader, 20_000_000)
    today = today_in_iran()

    done = services.open_purchase(
        session,
        organiser,
        services.Draft(karbas.id, 340_000 * TOMAN, 20, 40, today + timedelta(days=1), place, region.code),
    )
    services.decide(session, karbas.booth.owner, done.id, True)
    for n, core in enumerate(cores[:3]):
        services.join(session, core.leader, done.id, core.id, 10, key=f"demo:karbas:{n}")
    services.close(session, done.id, now=done.deadline + timedelta(minutes=1))
    if done.order is not None:
        seller = karbas.booth.owner
        for action, actor in (
            ("accept", seller),
            ("ship", seller),
            ("deliver", seller),
            ("confirm", organiser),
        ):
            bazaar.transition(session, done.order, action, actor)
        services.order_completed(session, done.order)  # as the hook does where the module is on
        for share in list(done.shares):
            services.hand_over(session, organiser, share.id)
            services.confirm_receipt(session, share.leader, share.id)

    still = services.open_purchase(
        session,
        organiser,
        services.Draft(yarn.id, 100_000 * TOMAN, 50, 150, today + timedelta(days=10), place, region.code),
    )
    services.decide(session, yarn.booth.owner, still.id, True)
    for n, core in enumerate(cores[1:3]):
        services.join(session, core.leader, still.id, core.id, 15, key=f"demo:yarn:{n}")
    world.extras["group_orders"] = {"delivered": done, "open": still}


def _fund_customer(session: Session, customer: Member, tomans: int) -> None:
    transfer(
        session,
        f"demo:group_orders:bulk-cash:{customer.id}",
        system_account(session, "cash_in"),
        main_account(session, customer),
        tomans * TOMAN,
        "admin_adjustment",
    )


def load_bulk(session: Session, world: Any) -> None:
    """The village school orders 120 uniforms through Ms Ghaderi (the administrator without the
    social leaders' plugin), paid by the administrator as the school's buyer: split among three
    Al-Ghadir cores, each accepts; the first delivered and was paid, the second delivered and waits
    for the school's confirmation, the third is sewing."""
    customer = world.members.get("admin")
    splitter = world.members.get("social_leader") or customer
    cores = _cores(session, world)
    if customer is None or splitter is None or len(cores) < 3:
        return
    region = world.region("sistan-baluchestan/arbab")
    if not can(ORGANISE, region, splitter):
        splitter = customer
    bulk = services.bulk
    _fund_customer(session, customer, 30_000_000)
    order = bulk.place_bulk(
        session,
        customer,
        bulk.BulkDraft(
            "روپوش مدرسه‌ی دخترانه‌ی روستای ارباب، طوسی، سایز ۸ تا ۱۲",
            "دست",
            120,
            180_000 * TOMAN,
            today_in_iran() + timedelta(days=30),
            "دبستان دخترانه‌ی روستای ارباب",
            region.code,
        ),
        key="demo:bulk:uniforms",
    )
    parts = bulk.split(
        session,
        splitter,
        order.id,
        [bulk.PartAsk(cores[0].id, 50), bulk.PartAsk(cores[1].id, 40), bulk.PartAsk(cores[2].id, 30)],
    )
    for part in parts:
        bulk.answer(session, part.core.leader, part.id, True)
    bulk.deliver(session, parts[0].core.leader, parts[0].id)
    bulk.confirm(session, customer, parts[0].id)
    bulk.deliver(session, parts[1].core.leader, parts[1].id)
    world.extras.setdefault("group_orders", {})["bulk"] = order
