"""A core leader's side: the shares given to their cores, answering them and reporting deliveries.

Someone else's share does not exist for a member (404), and a delivery is never more than what
the share has left.
"""

from __future__ import annotations

from typing import Any

from resalat_cores.services import Core
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from resalat_centers.models import (
    ACCEPTED,
    DECLINED,
    IN_PROGRESS,
    NOTE_MAX,
    OFFERED,
    OPEN,
    Delivery,
    Order,
    Share,
)
from resalat_centers.services.checks import bad, check_quantity, check_text, id_of
from resalat_centers.services.orders import lock_order, refresh_status, require_open
from resalat_centers.services.telling import tell_share_declined, tell_share_delivered
from resalat_core.sdk import BadInput, Member, NotFound, _, utcnow


def led_core_ids(session: Session, member: Member) -> list[int]:
    """The ids of the cores ``member`` leads, oldest first: their ids alone, however many."""
    return list(session.scalars(_led_cores(member).order_by(Core.id)))


def _led_cores(member: Member) -> Select[Any]:
    """The ids of the cores ``member`` leads, as a subquery: a leader of many cores sends no list."""
    return select(Core.id).where(Core.leader_id == member.id)


def my_shares_query(session: Session, member: Member, *, status: str | None = None) -> Select[Any]:
    """Shares given to the cores ``member`` leads, newest first, with order, centre and core."""
    stmt = (
        select(Share)
        .where(Share.core_id.in_(_led_cores(member)))
        .options(joinedload(Share.core), joinedload(Share.order).joinedload(Order.centre))
        .order_by(Share.id.desc())
    )
    if status:
        stmt = stmt.where(Share.status == status)
    return stmt


def awaiting_answer(session: Session, member: Member) -> int:
    """How many shares wait for ``member``'s answer as a core leader (for the home tile's badge)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Share)
            .join(Order, Order.id == Share.order_id)
            .where(
                Share.core_id.in_(_led_cores(member)),
                Share.status == OFFERED,
                Order.status.in_((OPEN, IN_PROGRESS)),
            )
        )
        or 0
    )


def get_share(session: Session, member: Member, share_id: Any) -> Share:
    """A share of a core ``member`` leads; NotFound for anyone else's, so ids reveal nothing."""
    sid = id_of(share_id)
    share = (
        session.scalar(
            select(Share)
            .where(Share.id == sid)
            .options(joinedload(Share.core), joinedload(Share.order).joinedload(Order.centre))
        )
        if sid is not None
        else None
    )
    # The core came with the share: whether ``member`` leads it needs no other query.
    if share is None or share.core.leader_id != member.id:
        raise NotFound(_("No such share among your cores' work."), code="unknown_share")
    return share


def _lock_share(session: Session, share: Share) -> tuple[Share, Order]:
    """The share and its order, both locked and fresh (the order first, as every writer does)."""
    order = lock_order(session, share.order_id)
    locked = session.scalar(
        select(Share).where(Share.id == share.id).with_for_update().execution_options(populate_existing=True)
    )
    assert locked is not None  # the order's lock keeps its shares in place
    return locked, order


def _answered() -> BadInput:
    return BadInput(_("This share has already been answered."), code="share_answered")


def accept_share(session: Session, member: Member, share_id: Any) -> Share:
    """The core leader takes on the share."""
    share, order = _lock_share(session, get_share(session, member, share_id))
    require_open(order)
    if share.status != OFFERED:
        raise _answered()
    share.status = ACCEPTED
    share.answered_by_id = member.id
    share.answered_at = utcnow()
    refresh_status(session, order)
    session.flush()
    return share


def decline_share(session: Session, member: Member, share_id: Any, reason: str) -> Share:
    """The core leader declines the share, saying why; its quantity is free to give to others."""
    # Ownership first: someone else's share is a 404 whatever they typed.
    share = get_share(session, member, share_id)
    text = check_text(reason, "reason", limit=NOTE_MAX)
    share, order = _lock_share(session, share)
    require_open(order)
    if share.status != OFFERED:
        raise _answered()
    share.status = DECLINED
    share.decline_reason = text
    share.answered_by_id = member.id
    share.answered_at = utcnow()
    order.allocated -= share.quantity
    refresh_status(session, order)
    session.flush()
    tell_share_declined(session, order, share, member)
    return share


def report_delivery(
    session: Session, member: Member, share_id: Any, quantity: int | None, note: str = ""
) -> Delivery:
    """The core leader reports units delivered on an accepted share; never more than it has left."""
    share = get_share(session, member, share_id)
    amount = check_quantity(quantity, "quantity")
    text = check_text(note, "note", limit=NOTE_MAX, required=False)
    share, order = _lock_share(session, share)
    require_open(order)
    if share.status != ACCEPTED:
        raise BadInput(_("Accept the share before reporting deliveries."), code="share_not_accepted")
    if amount > share.remaining:
        message = _(
            "Only %(left)d %(unit)s of this share are left to deliver.", left=share.remaining, unit=order.unit
        )
        raise bad(message, "quantity")
    delivery = Delivery(
        share_id=share.id, quantity=amount, note=text, reported_by_id=member.id, created_at=utcnow()
    )
    session.add(delivery)
    share.delivered += amount
    order.delivered += amount
    refresh_status(session, order)
    session.flush()
    tell_share_delivered(session, order, share, member, amount)
    return delivery


def deliveries_of(session: Session, share: Share, limit: int = 100) -> list[Delivery]:
    """The share's deliveries, newest first (a share is delivered in a handful of parts)."""
    stmt = (
        select(Delivery)
        .where(Delivery.share_id == share.id)
        .options(joinedload(Delivery.reported_by))
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
