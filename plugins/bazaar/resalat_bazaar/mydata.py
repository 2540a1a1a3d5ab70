"""M-Bazar's part of a member's own data, what stops closing the account, and what closing removes.

Orders are money records (what was paid, to whom, from which account): they stay. An order still
on its way, bought or sold, stops the closing. Closing blanks the delivery address and note of
the member's finished orders, empties the cart and closes the member's own booths (a core's booth
stays: it is the core's), blanking their descriptions.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from resalat_bazaar.models import BOOTH_CLOSED, CANCELLED, COMPLETED, REFUNDED, Booth, CartItem, Order
from resalat_core.sdk import DataRow, DataSection, Member, _, _l, hookimpl

FINISHED = (COMPLETED, CANCELLED, REFUNDED)


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    booths = list(session.scalars(select(Booth).where(Booth.owner_id == member.id).order_by(Booth.id)))
    orders = list(session.scalars(select(Order).where(Order.buyer_id == member.id).order_by(Order.id)))
    cart = list(
        session.scalars(select(CartItem).where(CartItem.member_id == member.id).order_by(CartItem.id))
    )
    if not (booths or orders or cart):
        return []
    rows = [DataRow(_l("Booth"), b.name) for b in booths]
    rows += [DataRow(_l("Order no. %(id)s", id=o.id), o.total, money=True) for o in orders]
    rows += [
        DataRow(_l("Delivery address of order no. %(id)s", id=o.id), o.address) for o in orders if o.address
    ]
    rows += [DataRow(_l("Items in your cart"), len(cart))] if cart else []
    data = {
        "booths": [
            {
                "id": b.id,
                "name": b.name,
                "description": b.description,
                "status": b.status,
                "core_id": b.core_id,
            }
            for b in booths
        ],
        "orders": [
            {
                "id": o.id,
                "booth_id": o.booth_id,
                "status": o.status,
                "total_rials": o.total,
                "delivery": o.delivery,
                "address": o.address,
                "note": o.note,
                "created_at": o.created_at.isoformat(),
            }
            for o in orders
        ],
        "cart": [{"product_id": c.product_id, "quantity": c.quantity} for c in cart],
    }
    return [DataSection("bazaar", _l("M-Bazar: booths and orders"), rows, data)]


@hookimpl
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    open_orders = select(Order.id).where(Order.status.not_in(FINISHED)).order_by(Order.id)
    reasons = [
        _("Your order no. %(id)s is not finished yet: wait until it is completed or cancel it.", id=order_id)
        for order_id in session.scalars(open_orders.where(Order.buyer_id == member.id))
    ]
    reasons += [
        _("Order no. %(id)s from your booth is not finished yet: finish or cancel it first.", id=order_id)
        for order_id in session.scalars(open_orders.where(Order.seller_id == member.id))
    ]
    return reasons


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    # Only finished orders: an address still needed for a delivery is never blanked (the
    # blockers above keep a member with one from closing at all).
    session.execute(
        update(Order)
        .where(Order.buyer_id == member.id, Order.status.in_(FINISHED))
        .values(address="", note="")
    )
    session.execute(delete(CartItem).where(CartItem.member_id == member.id))
    session.execute(
        update(Booth)
        .where(Booth.owner_id == member.id, Booth.core_id.is_(None))
        .values(status=BOOTH_CLOSED, description="")
    )
