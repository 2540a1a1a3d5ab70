"""M-Aghsat's part of the demo world: three plans, every demo booth opted in, a funded instalment
fund, and the demo member's first purchase in instalments when her Merat rating allows one."""

from __future__ import annotations

import uuid
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from resalat_aghsat import DOWN_PAYMENT, FINANCED, FUND, FUNDING, services
from resalat_aghsat.models import CURRENT, RUNNING, BoothOptIn, Instalment, Purchase
from resalat_aghsat.services.schedules import quote
from resalat_core.sdk import (
    DEMO_SEED,
    BadInput,
    TransferSpec,
    main_account,
    seed_demo_rows,
    system_account,
    today_in_iran,
    transfer_linked,
    utcnow,
)

PLANS = (
    {
        "code": "p3",
        "name_fa": "سه‌ماهه",
        "name_en": "Three months",
        "months": 3,
        "down_bps": 2500,
        "fee_bps": 100,
        "min_rating": "D",
    },
    {
        "code": "p6",
        "name_fa": "شش‌ماهه",
        "name_en": "Six months",
        "months": 6,
        "down_bps": 2500,
        "fee_bps": 200,
        "min_rating": "C",
    },
    {
        "code": "p12",
        "name_fa": "دوازده‌ماهه",
        "name_en": "Twelve months",
        "months": 12,
        "down_bps": 3000,
        "fee_bps": 400,
        "min_rating": "B",
    },
)


def load(session: Session, world: Any) -> None:
    for spec in PLANS:
        services.save_plan(session, {**spec, "amount_min": 1_000_000, "amount_max": 2_000_000_000})
    booths = ((world.extras.get("bazaar") or {}).get("booths") or {}).values()
    for booth in booths:
        session.add(BoothOptIn(booth_id=booth.id, by_id=booth.owner_id, at=utcnow()))
    session.flush()
    services.fund(session, 5_000_000_000, key="demo:aghsat:fund")
    made: dict[str, Any] = {}
    maryam = world.members.get("member")
    products = (world.extras.get("bazaar") or {}).get("products") or {}
    goods = products.get("asipour") or products.get("sharifinia")
    if maryam is not None and goods:
        made["purchase"] = _buy(session, maryam, goods[0])
    world.extras["aghsat"] = made
    seed(session, world)


def _buy(session: Session, buyer: Any, product: Any) -> Any:
    """Buy two of ``product`` with the longest plan the buyer may take; None if none may be."""
    try:
        with session.begin_nested():
            bazaar.set_cart_quantity(session, buyer, product.id, 2)
            offered = [
                m for m in bazaar.payment_methods(buyer, bazaar.cart(session, buyer)) if m.plugin == "aghsat"
            ]
            if not offered:
                raise BadInput("no plan for the demo member")
            request = bazaar.CheckoutRequest(
                key="demo:aghsat:first",
                delivery={product.booth_id: product.booth.delivery_options[0]},
                address="زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲",
                methods=(offered[-1].code,),
            )
            order = bazaar.checkout(session, buyer, request).orders[0]
    except BadInput:
        return None
    return order


def seed(session: Session, world: Any) -> None:
    """One entry of each list for every persona in the demo world itself, once (``seed_demo_rows``)."""
    seeded = select(bazaar.Checkout.id).where(bazaar.Checkout.key == f"demo-rows-{DEMO_SEED}:0")
    seed_demo_rows(session, world, add_rows, seeded)


def add_rows(session: Session, world: Any, rows: int, run: str | None = None) -> None:
    """``rows`` more purchases in instalments for every persona, newest: each an M-Bazar order of
    one item from a booth that sells in instalments, placed and paid as a checkout pays it (the
    down payment from the buyer's main account and the financed rest from the fund, into escrow,
    through the ledger), with its purchase and whole schedule."""
    plan = services.plan_by_code(session, "p3")
    product = session.scalars(
        select(bazaar.Product)
        .join(BoothOptIn, BoothOptIn.booth_id == bazaar.Product.booth_id)
        .order_by(bazaar.Product.id)
        .limit(1)
    ).first()
    if plan is None or product is None:
        return
    q = quote(product.price, plan.months, plan.down_bps, plan.fee_bps, today_in_iran())
    run = run or uuid.uuid4().hex[:12]
    cash_in, fund = (system_account(session, code) for code in ("cash_in", FUND))
    people = [world.members[key] for key in sorted(world.members)]
    # The fund lends what the rows finance, and each buyer pays the down payments: money brought
    # in from outside first.
    transfer_linked(
        session,
        [
            TransferSpec(
                f"aghsat:fund:demo-rows-{run}", cash_in, fund, q.financed * rows * len(people), FUNDING
            )
        ]
        + [
            TransferSpec(
                f"demo:aghsat:rows:{run}:{buyer.id}",
                cash_in,
                main_account(session, buyer),
                q.down_payment * rows,
                "admin_adjustment",
            )
            for buyer in people
        ],
    )
    for buyer in people:
        _purchases(session, buyer, product, plan, q, rows, run, fund)


def _purchases(
    session: Session, buyer: Any, product: Any, plan: Any, q: Any, rows: int, run: str, fund: Any
) -> None:
    """The buyer's ``rows`` orders, placed and paid as M-Bazar's demo orders are (the down payment
    from the buyer's main account, the financed rest from the fund), with their purchases and
    schedules."""
    main = main_account(session, buyer)
    shares = [(main, q.down_payment, DOWN_PAYMENT), (fund, q.financed, FINANCED)]
    orders = [
        order.id
        for order in bazaar.demo_orders(
            session,
            buyer,
            [(product.booth, [product.id], n) for n in range(rows)],
            key=f"demo-rows-{run}",
            method=services.method_code(plan),
            parts=lambda _total: [share for share in shares if share[1]],
        )
    ]
    purchases = list(
        session.scalars(
            insert(Purchase).returning(Purchase.id, sort_by_parameter_order=True),
            [
                {
                    "buyer_id": buyer.id,
                    "plan_id": plan.id,
                    "order_id": o,
                    "region_id": buyer.region_id,
                    "checkout_key": f"demo-rows-{run}:{n}",
                    "rating": plan.min_rating,
                    "price": q.price,
                    "down_payment": q.down_payment,
                    "financed": q.financed,
                    "fee": q.fee,
                    "months": plan.months,
                    "status": RUNNING,
                    "bucket": CURRENT,
                }
                for n, o in enumerate(orders)
            ],
        )
    )
    session.execute(
        insert(Instalment),
        [
            {
                "purchase_id": p,
                "seq": line.seq,
                "due_on": line.due_on,
                "principal": line.principal,
                "fee": line.fee,
                "paid": 0,
            }
            for p in purchases
            for line in q.lines
        ],
    )
