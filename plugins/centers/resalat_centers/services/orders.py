"""A centre's orders from outside: recording one, sharing it among the cores, cancelling, progress.

Every change to an order's shares happens under a lock on the order's row, so its shares can
never add up to more than the order, however many people split it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from resalat_cores.services import Core
from sqlalchemy import Select, case, exists, func, select, update
from sqlalchemy.orm import Session, joinedload, lazyload

from resalat_centers.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    DELIVERED,
    IN_PROGRESS,
    OFFERED,
    OPEN,
    ORDER_STATUSES,
    TEXT_MAX,
    UNIT_MAX,
    WITHDRAWN,
    Centre,
    Order,
    Share,
)
from resalat_centers.services.checks import (
    DESCRIPTION_MAX,
    bad,
    check_due_date,
    check_paragraphs,
    check_quantity,
    check_text,
    check_unit_price,
    collect,
    id_of,
)
from resalat_centers.services.members import active_cores_of
from resalat_centers.services.registry import may_manage, require_manager
from resalat_centers.services.telling import tell_share_offered, tell_share_withdrawn
from resalat_core.sdk import BadInput, Day, Member, NotFound, _, normalize_text, utcnow

# At most this many shares in one split: a form or a request, not a bulk import.
SPLIT_MAX = 50


# --- recording and finding -----------------------------------------------------------------------


def create_order(
    session: Session,
    centre: Centre,
    actor: Member,
    *,
    customer: str,
    item: str,
    unit: str,
    quantity: int | None,
    due_date: date | None,
    unit_price: int | None = None,
    note: str = "",
) -> Order:
    """Record an order a customer outside the centre placed with it; every bad field is reported.

    ``quantity`` is a whole number of units, ``due_date`` today or later, ``unit_price`` integer
    rials or None.
    """
    require_manager(actor, centre)
    errors: dict[str, Any] = {}
    values = {
        "customer": collect(errors, check_text, customer, "customer", limit=TEXT_MAX),
        "item": collect(errors, check_text, item, "item", limit=TEXT_MAX),
        "unit": collect(errors, check_text, unit, "unit", limit=UNIT_MAX),
        "quantity": collect(errors, check_quantity, quantity, "quantity"),
        "due_date": collect(errors, check_due_date, due_date, "due_date"),
        "unit_price": collect(errors, check_unit_price, unit_price, "unit_price"),
        "note": collect(errors, check_paragraphs, note, "note", limit=DESCRIPTION_MAX),
    }
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    order = Order(
        centre_id=centre.id,
        status=OPEN,
        allocated=0,
        delivered=0,
        created_by_id=actor.id,
        created_at=utcnow(),
        **values,
    )
    session.add(order)
    session.flush()
    return order


def orders_query(centre: Centre, *, status: str | None = None) -> Select[Any]:
    """The centre's orders, newest first (only those in ``status`` when given)."""
    stmt = select(Order).where(Order.centre_id == centre.id)
    if status:
        if status not in ORDER_STATUSES:
            raise bad(_("Unknown status."), "status")
        stmt = stmt.where(Order.status == status)
    return stmt.order_by(Order.id.desc())


def order_by_id(session: Session, order_id: Any) -> Order:
    """Any order by id (for the CLI, which answers to the operator); NotFound otherwise."""
    oid = id_of(order_id)
    order = (
        session.scalar(select(Order).where(Order.id == oid).options(joinedload(Order.centre)))
        if oid is not None
        else None
    )
    if order is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def get_order(session: Session, actor: Member, order_id: Any) -> Order:
    """An order its centre's manager may see; NotFound for anyone else, so ids reveal nothing."""
    order = order_by_id(session, order_id)
    if not may_manage(actor, order.centre):
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def lock_order(session: Session, order_id: int) -> Order:
    """The order's row, locked until the transaction ends, with fresh values.

    PostgreSQL: SELECT ... FOR UPDATE makes concurrent splits, answers and deliveries of one order
    wait for each other. SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE already lets one writer in.
    """
    order = session.scalar(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def require_open(order: Order) -> None:
    """Refuse any change to an order that was cancelled or delivered in full."""
    if order.status == CANCELLED:
        raise BadInput(_("This order was cancelled."), code="order_cancelled")
    if order.status == DELIVERED:
        raise BadInput(_("This order has been delivered in full."), code="order_delivered")


def refresh_status(session: Session, order: Order) -> None:
    """Open until a core accepts, in progress until every unit is delivered, then delivered."""
    if order.status == CANCELLED:
        return
    if order.delivered >= order.quantity:
        order.status = DELIVERED
        order.closed_at = utcnow()
        return
    started = order.delivered > 0 or session.scalar(
        select(exists().where(Share.order_id == order.id, Share.status == ACCEPTED))
    )
    order.status = IN_PROGRESS if started else OPEN


# --- sharing among the cores ---------------------------------------------------------------------


@dataclass(frozen=True)
class SharePart:
    """One share asked for in a split: a core (core ID or id), a quantity and a due date.

    A quantity or date that could not be read from what was typed is None (refused as missing).
    """

    core: Any
    quantity: int | None
    due_date: date | None


def _core_of_centre(ref: Any, cores: dict[int, Core], by_code: dict[str, Core]) -> Core | None:
    if isinstance(ref, Core):
        return cores.get(ref.id)
    text = normalize_text(str(ref)) if ref is not None else ""
    if text in by_code:
        return by_code[text]
    cid = id_of(text)
    return cores.get(cid) if cid is not None else None


def _check_parts(
    session: Session, order: Order, parts: Sequence[SharePart]
) -> tuple[list[tuple[Core, int, date]], dict[str, Any]]:
    """Each part's core, quantity and due date checked against the centre and the order: the
    shares to give, and the errors named ``shares.<i>.<field>``."""
    cores = {c.id: c for c in active_cores_of(session, order.centre)}
    by_code = {c.code: c for c in cores.values()}
    errors: dict[str, Any] = {}
    wanted: list[tuple[Core, int, date]] = []
    seen: set[int] = set()
    for i, part in enumerate(parts):
        prefix = f"shares.{i}"
        core = _core_of_centre(part.core, cores, by_code)
        if core is None:
            errors[f"{prefix}.core"] = _("Choose one of the centre's active cores.")
        elif core.id in seen:
            errors[f"{prefix}.core"] = _("This core appears twice; give it one share.")
        else:
            seen.add(core.id)
        quantity = collect(errors, check_quantity, part.quantity, f"{prefix}.quantity")
        due = collect(errors, check_due_date, part.due_date, f"{prefix}.due_date")
        if due is not None and due > order.due_date:
            errors[f"{prefix}.due_date"] = _(
                "A share cannot be due after the order (%(date)s).", date=Day(order.due_date)
            )
        if core is not None and quantity and due is not None:
            wanted.append((core, quantity, due))
    return wanted, errors


def split_order(
    session: Session, order: Order | int, actor: Member, parts: Sequence[SharePart]
) -> list[Share]:
    """Give each core in ``parts`` a share of ``order``; all or nothing.

    Each core must be an active core of the order's centre, each quantity positive, each due date
    no later than the order's; together they may not exceed what remains unshared. The order's
    row is locked first and everything is checked against its fresh values, so concurrent splits
    can never over-allocate. Field errors name ``shares.<i>.<field>``.
    """
    order_id = order.id if isinstance(order, Order) else order
    order = lock_order(session, order_id)
    require_manager(actor, order.centre)
    require_open(order)
    parts = list(parts)
    if not parts:
        raise bad(_("Give at least one share."), "shares")
    if len(parts) > SPLIT_MAX:
        raise bad(_("At most %(max)d shares at a time.", max=SPLIT_MAX), "shares")
    wanted, errors = _check_parts(session, order, parts)
    total = sum(q for _c, q, _d in wanted)
    if not errors and total > order.remaining:
        errors["shares"] = _(
            "Only %(remaining)d %(unit)s remain to be shared; these shares add up to %(total)d.",
            remaining=order.remaining,
            unit=order.unit,
            total=total,
        )
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors, code="bad_split")
    now = utcnow()
    shares = [
        Share(
            order_id=order.id,
            core_id=core.id,
            quantity=quantity,
            due_date=due,
            status=OFFERED,
            delivered=0,
            assigned_by_id=actor.id,
            created_at=now,
        )
        for core, quantity, due in wanted
    ]
    session.add_all(shares)
    order.allocated += total
    session.flush()
    for share in shares:
        tell_share_offered(session, share, order)
    return shares


def cancel_order(session: Session, order: Order | int, actor: Member) -> Order:
    """Cancel an unfinished order; its shares still open are withdrawn from their cores."""
    order_id = order.id if isinstance(order, Order) else order
    order = lock_order(session, order_id)
    require_manager(actor, order.centre)
    require_open(order)
    touched = list(
        session.scalars(
            select(Share)
            .where(Share.order_id == order.id, Share.status.in_((OFFERED, ACCEPTED)))
            .options(joinedload(Share.core))
        )
    )
    session.execute(
        update(Share)
        .where(Share.order_id == order.id, Share.status.in_((OFFERED, ACCEPTED)))
        .values(status=WITHDRAWN)
        .execution_options(synchronize_session="fetch")
    )
    order.status = CANCELLED
    order.closed_at = utcnow()
    session.flush()
    for share in touched:
        if share.delivered < share.quantity:
            tell_share_withdrawn(session, share, order)
    return order


# --- progress ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoreProgress:
    """How one core is doing on an order: what it was given, accepted and delivered."""

    core: Core
    offered: int
    accepted: int
    delivered: int
    declined: int

    @property
    def assigned(self) -> int:
        return self.offered + self.accepted

    @property
    def percent(self) -> int:
        return self.delivered * 100 // self.accepted if self.accepted else 0


def order_progress(session: Session, order: Order) -> list[CoreProgress]:
    """Per-core progress on ``order``: two queries, however many shares and cores."""

    def total(status: str | None, column: Any = Share.quantity) -> Any:
        value = column if status is None else case((Share.status == status, column), else_=0)
        return func.coalesce(func.sum(value), 0)

    rows = session.execute(
        select(
            Share.core_id,
            total(OFFERED),
            # A withdrawn share counts with what it accepted: its deliveries stay on record.
            func.coalesce(
                func.sum(case((Share.status.in_((ACCEPTED, WITHDRAWN)), Share.delivered), else_=0)), 0
            ),
            total(ACCEPTED),
            total(DECLINED),
        )
        .where(Share.order_id == order.id)
        .group_by(Share.core_id)
    ).all()
    if not rows:
        return []
    # Named by code and name only: their leaders (and the leaders' roles, a query for every few
    # hundred members) stay unloaded.
    named = select(Core).where(Core.id.in_([r[0] for r in rows])).options(lazyload(Core.leader))
    cores = {c.id: c for c in session.scalars(named)}
    progress = [
        CoreProgress(
            core=cores[core_id],
            offered=int(offered),
            accepted=int(accepted),
            delivered=int(delivered),
            declined=int(declined),
        )
        for core_id, offered, delivered, accepted, declined in rows
    ]
    return sorted(progress, key=lambda p: p.core.id)


def order_shares_query(order: Order) -> Select[Any]:
    """The shares of ``order``, oldest first, each with its core loaded."""
    return select(Share).where(Share.order_id == order.id).options(joinedload(Share.core)).order_by(Share.id)
