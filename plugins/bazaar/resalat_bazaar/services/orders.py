"""An order's life after checkout: accepted, sent, delivered, completed (the seller is paid) or
cancelled (the buyer is paid back), each step claimed once and told to the other side."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.util import identity_key

from resalat_bazaar import messages
from resalat_bazaar.models import (
    ACCEPTED,
    CANCELLABLE,
    CANCELLED,
    COMPLETED,
    DELIVERED,
    OPEN_STATUSES,
    PLACED,
    REASON_MAX,
    REFUNDED,
    SHIPPED,
    Order,
    OrderEvent,
    OrderItem,
    Product,
)
from resalat_bazaar.services.access import is_admin, is_person, setting
from resalat_bazaar.services.fields import clean_text, invalid
from resalat_bazaar.services.labels import ROLE_LABELS, STATUS_LABELS
from resalat_bazaar.services.money import pay_seller, refund
from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Words,
    _,
    _l,
    every_plugin_hook,
    notify,
    region_hook,
    utcnow,
)

TRACKING_MAX = 120

# action -> (who may, from which statuses, to which status)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "accept": (("seller",), (PLACED,), ACCEPTED),
    "ship": (("seller",), (ACCEPTED,), SHIPPED),
    "deliver": (("seller",), (SHIPPED,), DELIVERED),
    "confirm": (("buyer",), (SHIPPED, DELIVERED), COMPLETED),
    "cancel": (("buyer", "seller"), CANCELLABLE, CANCELLED),
    "refund": (("admin",), OPEN_STATUSES, CANCELLED),
}
# What a carrier (``DeliveryQuote.carrier``) does instead of the seller.
CARRIED = ("ship", "deliver")
ACTION_LABELS = {
    "accept": _l("Accept the order"),
    "ship": _l("Mark as sent"),
    "deliver": _l("Mark as delivered"),
    "confirm": _l("I received it"),
    "cancel": _l("Cancel the order"),
    "refund": _l("Refund the buyer"),
}
_TIMESTAMPS = {
    ACCEPTED: "accepted_at",
    SHIPPED: "shipped_at",
    DELIVERED: "delivered_at",
    COMPLETED: "completed_at",
    CANCELLED: "cancelled_at",
}


# --- finding orders ------------------------------------------------------------------------------


def get_order(session: Session, order_id: int) -> Order:
    """The order with this id (for services and supervision); NotFound otherwise."""
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def role_in(member: Any, order: Order) -> str | None:
    """'buyer', 'seller', 'admin' or None: how ``member`` stands to the order."""
    if not is_person(member):
        return None
    if order.buyer_id == member.id:
        return "buyer"
    if order.seller_id == member.id:
        return "seller"
    if is_admin(member, order.booth.region):
        return "admin"
    return None


def visible_order(session: Session, viewer: Any, order_id: int) -> Order:
    """An order its buyer, its seller or an administrator may see; 404 for everyone else."""
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None or role_in(viewer, order) is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def orders_query(
    member: Member, *, as_seller: bool = False, status: str | None = None
) -> Select[tuple[Order]]:
    """The member's purchases (or sales), newest first, with what a list shows loaded."""
    stmt = select(Order).where((Order.seller_id if as_seller else Order.buyer_id) == member.id)
    if status:
        stmt = stmt.where(Order.status == status)
    return stmt.order_by(Order.id.desc()).options(
        joinedload(Order.booth),
        joinedload(Order.buyer),
        selectinload(Order.items),
        selectinload(Order.payments),
    )


def order_detail(session: Session, order_id: int) -> Order | None:
    """An order with its items (and their products), history and booth, in a few queries."""
    return session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(
            joinedload(Order.booth),
            joinedload(Order.buyer),
            selectinload(Order.items).joinedload(OrderItem.product).joinedload(Product.booth),
            selectinload(Order.events),
            selectinload(Order.payments),
        )
    )


def buyer_completed_order_with(
    session: Session, member: Member, product_id: int | None = None, booth_id: int | None = None
) -> Order | None:
    """The member's latest completed order containing the product (or from the booth), or None:
    what supervision asks before accepting a review."""
    stmt = select(Order).where(Order.buyer_id == member.id, Order.status == COMPLETED)
    if product_id is not None:
        stmt = stmt.where(Order.id.in_(select(OrderItem.order_id).where(OrderItem.product_id == product_id)))
    if booth_id is not None:
        stmt = stmt.where(Order.booth_id == booth_id)
    return session.scalar(stmt.order_by(Order.id.desc()).limit(1))


def orders_to_handle(session: Session, seller: Member) -> int:
    """Orders waiting for the seller (to accept or to send): the tile's badge. One query."""
    return (
        session.scalar(
            select(func.count(Order.id)).where(
                Order.seller_id == seller.id, Order.status.in_((PLACED, ACCEPTED))
            )
        )
        or 0
    )


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Order.status, func.count(Order.id)).group_by(Order.status)).all()
    return {s: int(n) for s, n in rows}


# --- moving an order on --------------------------------------------------------------------------


def actions_for(member: Any, order: Order) -> list[str]:
    """What ``member`` may do to the order now, in the order a page shows them."""
    role = role_in(member, order)
    found = []
    for action, (roles, sources, _target) in ACTIONS.items():
        if order.status not in sources:
            continue
        if action in CARRIED and order.carrier:
            continue  # the carrier's operator moves it
        if action == "refund" and is_admin(member, order.booth.region) or role in roles:
            found.append(action)
    return found


def transition(
    session: Session, order: Order, action: str, actor: Member | None, *, reason: str = "", note: str = ""
) -> Order:
    """Move an order on: accept, ship, deliver, confirm (pays the seller), cancel or refund (pay
    the buyer back). Refuses what the actor may not do, or what the order's status forbids.
    ``actor`` None is the system (``complete-due``)."""
    if action not in ACTIONS:
        message = _("Unknown action.")
        raise BadInput(message, fields={"action": message})
    roles, sources, target = ACTIONS[action]
    _check_actor(order, action, actor, roles)
    reason = clean_text(reason, multiline=True)
    if action in ("cancel", "refund") and len(reason) < 3:
        message = _("Say why the order is cancelled: the other side will read it.")
        raise BadInput(message, fields={"reason": message}, code="reason_required")
    if len(reason) > REASON_MAX:
        raise invalid({"reason": _("At most %(n)s characters.", n=REASON_MAX)})
    note = clean_text(note)[:TRACKING_MAX]
    with session.begin_nested():
        if target == COMPLETED:
            _complete(session, order, actor)
        elif target == CANCELLED:
            _cancel_and_refund(session, order, actor, reason, sources)
        else:
            _move(session, order, sources, target, actor, note)
            if target == SHIPPED and note:
                order.tracking = note
            tell(order, target)
    return order


def _check_actor(order: Order, action: str, actor: Member | None, roles: tuple[str, ...]) -> None:
    """Refuse an actor the action is not for: a stranger gets 404, a wrong side 403."""
    if actor is None:
        return  # the CLI's periodic jobs
    role = role_in(actor, order)
    if role is None:
        raise NotFound(_("No such order."), code="unknown_order")
    if action == "refund":
        if not is_admin(actor, order.booth.region):
            raise NotAllowed(_("Only an M-Bazar administrator may refund an order."))
    elif action in CARRIED and order.carrier:
        raise NotAllowed(
            _("The delivery service carries this order: its operator marks it sent and delivered."),
            code="carried",
        )
    elif role not in roles:
        raise NotAllowed(_("Only the %(who)s may do this.", who=Words(ROLE_LABELS[roles[0]])))


def _move(
    session: Session, order: Order, sources: Sequence[str], target: str, actor: Member | None, note: str = ""
) -> None:
    """Claim the change with a conditional UPDATE, so two racing requests cannot both make it."""
    now = utcnow()
    before = order.status if order.status in sources else None
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if target in _TIMESTAMPS:
        values[_TIMESTAMPS[target]] = now
    claimed = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(sources))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(order)
    if not claimed:
        status = STATUS_LABELS.get(order.status)
        raise Conflict(
            _("This order is already %(status)s.", status=Words(status) if status else order.status),
            code="wrong_status",
        )
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=before,
            to_status=target,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )
    session.flush()


def _complete(session: Session, order: Order, actor: Member | None) -> None:
    _move(session, order, (SHIPPED, DELIVERED), COMPLETED, actor)
    pay_seller(session, order, actor)
    tell(order, COMPLETED)
    region_hook("resalat_order_completed", order.buyer)(order=order)


def _cancel_and_refund(
    session: Session, order: Order, actor: Member | None, reason: str, sources: Sequence[str]
) -> None:
    was = order.status
    _move(session, order, sources, CANCELLED, actor, reason)
    order.cancel_reason = reason
    if was in CANCELLABLE:
        restock(session, order)  # nothing left the booth
    # A delivery already under way has been carried: its fee stays with the delivery service.
    refund(session, order, actor, delivery_fee=was in CANCELLABLE)
    _move(session, order, (CANCELLED,), REFUNDED, None)
    every_plugin_hook("resalat_order_cancelled")(order=order)
    tell(order, CANCELLED, actor=actor, reason=reason)


def restock(session: Session, order: Order) -> None:
    """Put the order's items back on the shelves (in product id order: a fixed lock order)."""
    for item in sorted(order.items, key=lambda i: i.product_id):
        session.execute(
            update(Product)
            .where(Product.id == item.product_id)
            .values(stock=Product.stock + item.quantity)
            .execution_options(synchronize_session=False)
        )
        loaded = session.identity_map.get(identity_key(Product, item.product_id))
        if loaded is not None:
            session.expire(loaded, ["stock"])


def complete_due(
    session: Session, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> list[int]:
    """Complete (and pay the seller of) every order sent more than ``auto_complete_days`` ago
    that its buyer has not confirmed; returns their ids. Safe to run at any time, and twice."""
    now = now or utcnow()
    cutoff = now - timedelta(days=setting("auto_complete_days"))
    ids = list(
        session.scalars(
            select(Order.id)
            .where(Order.status.in_((SHIPPED, DELIVERED)), Order.shipped_at <= cutoff)
            .order_by(Order.id)
        )
    )
    done = []
    for order_id in ids:
        order = session.get(Order, order_id)
        try:
            with session.begin_nested():
                _complete(session, order, None)
            done.append(order_id)
        except Conflict:
            pass  # confirmed by its buyer meanwhile
        if progress:
            progress(1)
    return done


def due_count(session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=setting("auto_complete_days"))
    return (
        session.scalar(
            select(func.count(Order.id)).where(
                Order.status.in_((SHIPPED, DELIVERED)), Order.shipped_at <= cutoff
            )
        )
        or 0
    )


# --- telling buyers and sellers ------------------------------------------------------------------

# status -> (the message, to whom): "other" is whichever side did not act.
_TOLD = {
    PLACED: (messages.ORDER_PLACED, "seller"),
    ACCEPTED: (messages.ORDER_ACCEPTED, "buyer"),
    SHIPPED: (messages.ORDER_SHIPPED, "buyer"),
    DELIVERED: (messages.ORDER_DELIVERED, "buyer"),
    COMPLETED: (messages.ORDER_COMPLETED, "seller"),
    CANCELLED: (messages.ORDER_CANCELLED, "other"),
}


def tell(order: Order, status: str, *, actor: Member | None = None, reason: str = "") -> None:
    """Notify the side that did not act (the SDK's notify; nothing when no inbox is active)."""
    if status not in _TOLD:
        return
    kind, to = _TOLD[status]
    if to == "seller":
        recipients = [order.seller]
    elif to == "buyer":
        recipients = [order.buyer]
    else:
        recipients = [
            member for member in (order.buyer, order.seller) if actor is None or actor.id != member.id
        ]
    params: dict[str, Any] = {"order": order.id, "booth": order.booth.name, "amount": Money(order.total)}
    if status == CANCELLED:
        params["reason"] = reason
    message = kind(url=f"/bazaar/orders/{order.id}", **params)
    for member in recipients:
        notify(member, message)
