"""Who is told what about a share: its core's leader when it is offered or withdrawn, the centre's
leader when it is declined or delivered (never the person who did it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from resalat_centers.messages import SHARE_DECLINED, SHARE_DELIVERED, SHARE_OFFERED, SHARE_WITHDRAWN
from resalat_centers.models import Order, Share
from resalat_core.sdk import Day, Member, notify


def _share_path(share: Share) -> str:
    return f"/centers/shares/{share.id}"


def _order_path(order: Order) -> str:
    return f"/centers/orders/{order.id}"


def tell_share_offered(session: Session, share: Share, order: Order) -> None:
    """The core's leader hears of their new share, to accept it or decline it."""
    leader = session.get(Member, share.core.leader_id) if share.core.leader_id else None
    if leader is None:
        return
    notify(
        leader,
        SHARE_OFFERED(
            url=_share_path(share),
            core=share.core.name,
            centre=order.centre.name,
            item=order.item,
            unit=order.unit,
            quantity=share.quantity,
            due=Day(share.due_date),
        ),
    )


def tell_share_withdrawn(session: Session, share: Share, order: Order) -> None:
    """The core's leader hears that the order was cancelled and their share is no longer needed."""
    leader = session.get(Member, share.core.leader_id) if share.core.leader_id else None
    if leader is None:
        return
    notify(leader, SHARE_WITHDRAWN(url=_share_path(share), centre=order.centre.name, item=order.item))


def tell_share_declined(session: Session, order: Order, share: Share, actor: Member) -> None:
    """The centre's leader hears why a core declined, and that its quantity is free again."""
    leader = session.get(Member, order.centre.leader_id)
    if leader is None or leader.id == actor.id:
        return
    notify(
        leader,
        SHARE_DECLINED(
            url=_order_path(order),
            core=share.core.name,
            item=order.item,
            unit=order.unit,
            quantity=share.quantity,
            reason=share.decline_reason,
        ),
    )


def tell_share_delivered(session: Session, order: Order, share: Share, actor: Member, quantity: int) -> None:
    """The centre's leader hears of a delivery, and how far the whole order has come."""
    leader = session.get(Member, order.centre.leader_id)
    if leader is None or leader.id == actor.id:
        return
    notify(
        leader,
        SHARE_DELIVERED(
            url=_order_path(order),
            core=share.core.name,
            item=order.item,
            unit=order.unit,
            quantity=quantity,
            delivered=order.delivered,
            total=order.quantity,
        ),
    )
