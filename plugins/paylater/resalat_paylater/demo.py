"""Pay later's part of the demo world: a filled fund and the demo member's first pay-later purchase."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, system_account, utcnow

from . import FUND, METHOD, PURCHASE, TOMAN, services
from .models import CURRENT, OPEN, CreditLine, Debt

FUND_TOMANS = 500_000_000


def load(session: Session, world: Any) -> None:
    """Fill the fund; the member (scored by Merat's demo) buys a jar of honey on pay later, so
    her page, M-Hesam's credit line and the admins' page have something to show."""
    services.fund(session, FUND_TOMANS * TOMAN, key="demo:paylater:fund")
    maryam = world.members.get("member")
    products = (world.extras.get("bazaar") or {}).get("products") or {}
    if maryam is None or not products.get("sharifinia"):
        return
    product = products["sharifinia"][0]
    try:
        with session.begin_nested():
            bazaar.set_cart_quantity(session, maryam, product.id, 1)
            bazaar.checkout(
                session,
                maryam,
                bazaar.CheckoutRequest(
                    key="demo:paylater:honey",
                    delivery={product.booth_id: product.booth.delivery_options[0]},
                    address="زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲",
                    methods=(METHOD,),
                ),
            )
    except BadInput:
        # Her limit does not cover it under this deployment's settings: the fund alone is shown.
        return


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more pay-later purchases for each persona: M-Bazar orders paid from the fund into
    escrow (as ``take`` pays), each with its debt, every other one overdue (so the
    administrators' overdue list grows too); each line's use grows by what is open."""
    run = uuid.uuid4().hex[:12]
    booths = list(
        session.scalars(
            select(bazaar.Booth)
            .where(bazaar.Booth.id.in_(select(bazaar.Product.booth_id)))
            .order_by(bazaar.Booth.id)
        )
    )
    if not booths:
        return
    products: dict[int, list[int]] = {}
    for booth_id, product_id in session.execute(
        select(bazaar.Product.booth_id, bazaar.Product.id).order_by(bazaar.Product.id)
    ):
        products.setdefault(booth_id, []).append(product_id)
    prices: dict[int, int] = dict(session.execute(select(bazaar.Product.id, bazaar.Product.price)).all())
    account = system_account(session, FUND)
    day = services.today()
    current = services.due_day(day)
    for member in world.members.values():
        theirs = [b for b in booths if b.owner_id != member.id]
        if not theirs:
            continue
        lines = [(theirs[k % len(theirs)], products[theirs[k % len(theirs)].id], k) for k in range(rows)]
        # What the orders will cost, brought into the fund first (two products each).
        need = sum(prices[p[k % len(p)]] + prices[p[(k + 1) % len(p)]] for _b, p, k in lines)
        services.fund(session, need, key=f"demo-rows:{run}:{member.id}")
        orders = bazaar.demo_orders(
            session,
            member,
            lines,
            key=f"demo-rows:paylater:{run}",
            pay_from=account,
            method=METHOD,
            purpose=PURCHASE,
        )
        debts = []
        for n, order in enumerate(orders):
            late = n % 2 == 1
            due = day - timedelta(days=5 + n % 80) if late else current
            debts.append(
                {
                    "member_id": member.id,
                    "region_id": member.region_id,
                    "order_id": order.id,
                    "checkout_key": f"demo-rows:paylater:{run}:{n}",
                    "amount": order.total,
                    "status": OPEN,
                    "bucket": services.bucket_for((day - due).days) if late else CURRENT,
                    "due_on": due,
                    "created_at": utcnow(),
                }
            )
        session.execute(insert(Debt), debts)
        services._ensure_line(session, member)
        session.execute(
            update(CreditLine)
            .where(CreditLine.member_id == member.id)
            .values(used=CreditLine.used + sum(d["amount"] for d in debts), updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
