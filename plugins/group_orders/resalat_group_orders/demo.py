"""The demo's group purchases: the Al-Ghadir centre's clothing cores buy karbas fabric together
from Ardakan's weaving booth (ordered, delivered and handed over), and cotton yarn (still open);
and a village school's 120 uniforms, a bulk order split among three of those cores."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores.services import ACTIVE, Core
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    TransferSpec,
    can,
    main_account,
    system_account,
    today_in_iran,
    transfer,
    transfer_linked,
    utcnow,
)

from . import JOIN, ORGANISE, services
from .models import JOINED, OPEN, PROPOSED
from .models import GroupPurchase as Purchase
from .models import GroupShare as Share
from .models import GroupShareChange as ShareChange

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


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more entries in the collective purchases' lists the demo's people see.

    The organiser opens ``rows`` purchases of the demo's open one's product (open to cores, the
    nearest deadline first) and proposes ``rows`` more (the supplier's questions); the leader of the
    demo's second core joins each open one through the real path (their shares, paid into escrow
    through the ledger).
    """
    sample = session.scalar(select(Purchase).where(Purchase.status == OPEN).order_by(Purchase.id))
    if sample is None:
        return
    now = utcnow()
    base = {
        "organiser_id": sample.organiser_id,
        "booth_id": sample.booth_id,
        "product_id": sample.product_id,
        "region_id": sample.region_id,
        "collection_point": sample.collection_point,
        "title": sample.title,
        "unit": sample.unit,
        "listed_price": sample.listed_price,
        "unit_price": sample.unit_price,
        "min_quantity": sample.min_quantity,
        "max_quantity": sample.max_quantity,
        "joined_quantity": 0,
        "created_at": now,
    }
    opened = list(
        session.scalars(
            insert(Purchase).returning(Purchase.id),
            [
                # The nearest deadline first: the new ones before the demo's.
                base | {"status": OPEN, "deadline": now + timedelta(days=1, minutes=n), "decided_at": now}
                for n in range(rows)
            ],
        )
    )
    session.execute(
        insert(Purchase),
        [base | {"status": PROPOSED, "deadline": now + timedelta(days=5, minutes=n)} for n in range(rows)],
    )
    share = session.scalar(select(Share).where(Share.purchase_id == sample.id).order_by(Share.id))
    if share is None:
        return
    leader = session.get(Member, share.leader_id)
    assert leader is not None  # a share's leader is a member
    cost = sample.min_quantity * sample.unit_price
    transfer(
        session,
        f"demo-rows:group_orders:cash:{leader.id}:{uuid.uuid4().hex}",
        system_account(session, "cash_in"),
        main_account(session, leader),
        cost * rows,
        "admin_adjustment",
    )
    # What ``services.join`` does for each, at once: the shares, their changes, the purchases'
    # joined quantities, and the money into escrow in one linked ledger call.
    quantity, amount = sample.min_quantity, cost
    run = uuid.uuid4().hex[:12]
    shares = list(
        session.scalars(
            insert(Share).returning(Share.id),
            [
                {
                    "purchase_id": p,
                    "core_id": share.core_id,
                    "leader_id": leader.id,
                    "account_id": main_account(session, leader).id,
                    "quantity": quantity,
                    "paid": amount,
                    "status": JOINED,
                    "created_at": now,
                    "updated_at": now,
                }
                for p in opened
            ],
        )
    )
    changes = list(
        session.scalars(
            insert(ShareChange).returning(ShareChange.id),
            [
                {
                    "share_id": s,
                    "actor_id": leader.id,
                    "key": f"demo-rows:{run}:{n}",
                    "quantity_before": 0,
                    "quantity_after": quantity,
                    "amount": amount,
                    "created_at": now,
                }
                for n, s in enumerate(shares)
            ],
        )
    )
    session.execute(
        update(Purchase).where(Purchase.id.in_(opened)).values(joined_quantity=quantity),
        execution_options={"synchronize_session": False},
    )
    account, escrow = main_account(session, leader).id, services.purchases.escrow(session).id
    transfer_linked(
        session,
        [
            TransferSpec(
                f"{services.purchases.REFERENCE_KIND}:{p}:change:{c}",
                account,
                escrow,
                amount,
                JOIN,
                f"{services.purchases.REFERENCE_KIND}:{p}",
                params={"purchase": p, "title": sample.title},
            )
            for p, c in zip(opened, changes, strict=True)
        ],
        actor=leader,
    )
