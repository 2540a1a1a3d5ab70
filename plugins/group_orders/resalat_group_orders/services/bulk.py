"""A bulk customer order split among cores: placed and paid into escrow by a customer, split by
the area's social leader or guide, made by cores, confirmed part by part (each core's leader paid
at once), or cancelled (what was not delivered goes back to the customer).

Money. The customer pays quantity × unit price from their main account into the plugin's escrow
after a confirmation step, once per their key. Confirming a part pays its core's leader its share
from escrow; cancelling pays back what no core delivered. Every transfer key is derived from a row
(the order, a part), so nothing moves twice.

Races. Every change of an order or its parts takes the order's row lock first (``FOR UPDATE`` on
PostgreSQL; SQLite lets one writer in anyway) and checks the status under it, so two people
confirming one part at once pay its core's leader once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    MAX_AMOUNT,
    Account,
    BadInput,
    Conflict,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Number,
    Region,
    Words,
    _,
    _l,
    area_of,
    can,
    main_account,
    normalize_text,
    notify,
    system_account,
    transfer,
    utcnow,
)
from resalat_group_orders import BULK_PAY, BULK_REFUND, BULK_SHARE, ESCROW, ORGANISE, messages
from resalat_group_orders.models import (
    ACCEPTED,
    BULK_CANCELLED,
    BULK_COMPLETED,
    BULK_OPEN,
    CONFIRMED,
    DESCRIPTION_MAX,
    KEY_MAX,
    OFFERED,
    PART_DECLINED,
    PART_DELIVERED,
    UNIT_MAX,
    WITHDRAWN,
    BulkOrder,
    BulkPart,
)
from resalat_group_orders.services.purchases import QUANTITY_MAX, deadline_of
from resalat_group_orders.services.when_where import check_when_and_where

# A ledger line's reference ("group_orders_bulk:12"), named by ``resalat_reference``.
BULK_REFERENCE = "group_orders_bulk"
# At most this many parts in one split: a form or a request, not an import.
SPLIT_MAX = 20


def _reference(order: BulkOrder) -> str:
    return f"{BULK_REFERENCE}:{order.id}"


def _line(order: BulkOrder) -> dict[str, Any]:
    return {"order": order.id, "title": order.description[:80]}


def _escrow(session: Session) -> Account:
    return system_account(session, ESCROW)


def _id(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
    return value if ok else None


# --- placing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkDraft:
    """What a customer asked for, read at the edge: integer rials, whole numbers, a date."""

    description: str
    unit: str
    quantity: int | None
    unit_price: int | None
    deadline: date | None
    place: str
    region: str
    product_id: int | None = None


@dataclass(frozen=True)
class BulkPlan:
    """What placing would do: the order's fields checked, the total and the account it comes from."""

    draft: BulkDraft
    region: Any
    product: Any
    total: int
    account: Account


def preview_bulk(session: Session, customer: Member, draft: BulkDraft) -> BulkPlan:
    """Check every field (all reported at once) and the balance, before anything moves."""
    errors: dict[str, Any] = {}
    description = normalize_text(draft.description) if isinstance(draft.description, str) else ""
    if len(description) < 3:
        errors["description"] = _("Write what you order.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(n)s characters.", n=Number(DESCRIPTION_MAX))
    unit = normalize_text(draft.unit) if isinstance(draft.unit, str) else ""
    if not unit:
        errors["unit"] = _("Write the unit, like piece or metre.")
    elif len(unit) > UNIT_MAX:
        errors["unit"] = _("At most %(n)s characters.", n=Number(UNIT_MAX))
    quantity = draft.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= QUANTITY_MAX:
        errors["quantity"] = _(
            "Enter a whole number between %(low)s and %(high)s.", low=Number(1), high=Number(QUANTITY_MAX)
        )
        quantity = None
    price = draft.unit_price
    if isinstance(price, bool) or not isinstance(price, int) or price <= 0 or price > MAX_AMOUNT:
        errors["unit_price"] = _("Enter the price of one unit in digits.")
        price = None
    elif quantity is not None and quantity * price > MAX_AMOUNT:
        errors["quantity"] = _("The total is too large.")
    place, region = check_when_and_where(
        session,
        errors,
        deadline=draft.deadline,
        place=draft.place,
        place_field="place",
        place_hint=_("Write where the parts are delivered."),
        region=draft.region,
    )
    product = None
    if draft.product_id is not None:
        found = session.get(bazaar.Product, draft.product_id) if _id(draft.product_id) else None
        if found is None or not found.is_public:
            errors["product"] = _("Choose a product that is for sale.")
        else:
            product = found
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert quantity is not None and price is not None
    account = main_account(session, customer)
    total = quantity * price
    if account.available < total:
        message = _(
            "Your main account holds %(available)s; this order needs %(total)s.",
            available=Money(account.available),
            total=Money(total),
        )
        raise BadInput(message, fields={"quantity": message}, code="insufficient_funds")
    clean = BulkDraft(
        description, unit, quantity, price, draft.deadline, place, draft.region, draft.product_id
    )
    return BulkPlan(clean, region, product, total, account)


def place_bulk(session: Session, customer: Member, draft: BulkDraft, *, key: Any) -> BulkOrder:
    """Place the order and pay its total into escrow; the same ``key`` again returns the same
    order and moves nothing. Refused (400) when a field is wrong or the money is not there."""
    clean_key = str(key or "").strip()
    if not clean_key or len(clean_key) > KEY_MAX:
        raise BadInput(
            _("The form is missing its one-time key; reload the page and try again."), code="bad_key"
        )
    replay = session.scalar(
        select(BulkOrder).where(BulkOrder.customer_id == customer.id, BulkOrder.key == clean_key)
    )
    if replay is not None:
        return replay
    plan = preview_bulk(session, customer, draft)
    d = plan.draft
    assert d.quantity is not None and d.unit_price is not None and isinstance(d.deadline, date)
    order = BulkOrder(
        customer_id=customer.id,
        key=clean_key,
        region_id=plan.region.id,
        description=d.description,
        product_id=plan.product.id if plan.product is not None else None,
        unit=d.unit,
        quantity=d.quantity,
        unit_price=d.unit_price,
        deadline=deadline_of(d.deadline),
        place=d.place,
        allocated=0,
        held=plan.total,
        refunded=0,
        account_id=plan.account.id,
        status=BULK_OPEN,
    )
    session.add(order)
    session.flush()
    transfer(
        session,
        f"{_reference(order)}:pay",
        plan.account,
        _escrow(session),
        plan.total,
        BULK_PAY,
        _reference(order),
        params=_line(order),
        actor=customer,
    )
    return order


# --- finding and seeing --------------------------------------------------------------------------


def _order(session: Session, order_id: Any, *, lock: bool = False) -> BulkOrder:
    found = None
    if _id(order_id):
        stmt = select(BulkOrder).where(BulkOrder.id == order_id)
        if lock:
            stmt = stmt.with_for_update(of=BulkOrder).execution_options(populate_existing=True)
        found = session.scalars(stmt).unique().first()
    if found is None:
        raise NotFound(_("No such bulk order."), code="unknown_bulk_order")
    return found


def splits(member: Any, order: BulkOrder) -> bool:
    """A social leader, guide or admin of the order's area: they split it among cores."""
    if member is None or getattr(member, "is_anonymous", True):
        return False
    return can(ORGANISE, order.region, member)


def visible_bulk(session: Session, viewer: Any, order_id: Any) -> BulkOrder:
    """The order for its customer, the area's leaders and the leaders of cores given a part; 404
    for anyone else (an id reveals nothing)."""
    order = _order(session, order_id)
    viewer_id = getattr(viewer, "id", None)
    if order.customer_id == viewer_id or splits(viewer, order):
        return order
    led = session.scalar(
        select(func.count(BulkPart.id)).where(BulkPart.order_id == order.id, BulkPart.leader_id == viewer_id)
    )
    if led:
        return order
    raise NotFound(_("No such bulk order."), code="unknown_bulk_order")


def parts_seen(session: Session, viewer: Any, order: BulkOrder) -> list[BulkPart]:
    """Every part for the customer and the area's leaders; a core's leader sees only their own."""
    stmt = select(BulkPart).where(BulkPart.order_id == order.id).order_by(BulkPart.id)
    if order.customer_id != viewer.id and not splits(viewer, order):
        stmt = stmt.where(BulkPart.leader_id == viewer.id)
    return list(session.scalars(stmt).unique())


def _listed() -> Select[Any]:
    """Bulk orders for a list: each names its place with its province, loaded here, not one by one."""
    return select(BulkOrder).options(joinedload(BulkOrder.region).joinedload(Region.parent))


def customer_query(member: Member) -> Select[Any]:
    """The bulk orders ``member`` placed, newest first."""
    return _listed().where(BulkOrder.customer_id == member.id).order_by(BulkOrder.id.desc())


def to_split_query(session: Session, member: Member) -> Select[Any]:
    """Open bulk orders in ``member``'s area (as a leader or guide), oldest first; none outside."""
    area = area_of(session, member, ORGANISE)
    stmt = _listed().where(BulkOrder.status == BULK_OPEN).order_by(BulkOrder.id)
    if area is not None:
        stmt = stmt.where(BulkOrder.region_id.in_(area or [-1]))
    return stmt


def parts_query(member: Member) -> Select[Any]:
    """The parts given to cores ``member`` leads, newest first, with their order and core."""
    return (
        select(BulkPart)
        .where(BulkPart.leader_id == member.id)
        .options(joinedload(BulkPart.order))
        .order_by(BulkPart.id.desc())
    )


def cores_to_split(session: Session, member: Member, order: BulkOrder) -> list[Any]:
    """Active cores of the splitter's area (of the order's area when they act nationwide)."""
    area = area_of(session, member, ORGANISE)
    if area is None:
        # A nationwide admin splits among the cores of the order's province, not the whole country.
        area = cores.region_with_places(session, order.region.parent or order.region)
    stmt = (
        select(cores.Core)
        .where(cores.Core.status == cores.ACTIVE, cores.Core.region_id.in_(area or [-1]))
        .order_by(cores.Core.name, cores.Core.id)
    )
    return list(session.scalars(stmt.limit(300)).unique())


# --- splitting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartAsk:
    """One part asked for in a split: a core's id and a quantity (None when unreadable)."""

    core_id: Any
    quantity: int | None


def split(session: Session, member: Member, order_id: Any, asks: Sequence[PartAsk]) -> list[BulkPart]:
    """Give each core in ``asks`` a part; all or nothing. The quantities must add up to exactly
    what is left to give (the whole order the first time, the declined units later)."""
    order = _order(session, order_id, lock=True)
    if not splits(member, order):
        raise NotAllowed(_("Only a leader or guide of the order's area splits it."), code="outside_area")
    if order.status != BULK_OPEN:
        raise Conflict(_("This bulk order is closed."), code="bulk_closed")
    if order.remaining == 0:
        raise Conflict(_("Every unit of this order is already given to a core."), code="nothing_left")
    asks = [a for a in asks if not (a.core_id in (None, "") and a.quantity in (None, 0))]
    if not asks:
        raise BadInput(
            _("Give at least one core a part."), fields={"parts": _("Give at least one core a part.")}
        )
    if len(asks) > SPLIT_MAX:
        raise BadInput(_("At most %(n)s parts at a time.", n=Number(SPLIT_MAX)), code="too_many")
    allowed = {c.id: c for c in cores_to_split(session, member, order)}
    errors: dict[str, Any] = {}
    seen: set[int] = set()
    wanted: list[tuple[Any, int]] = []
    for i, ask in enumerate(asks):
        core = allowed.get(ask.core_id) if _id(ask.core_id) else None
        if core is None:
            errors[f"parts.{i}.core"] = _("Choose one of the active cores of your area.")
        elif core.id in seen:
            errors[f"parts.{i}.core"] = _("This core appears twice; give it one part.")
        else:
            seen.add(core.id)
        q = ask.quantity
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= QUANTITY_MAX:
            errors[f"parts.{i}.quantity"] = _("Enter a whole number above zero.")
        elif core is not None:
            wanted.append((core, q))
    total = sum(q for _c, q in wanted)
    if not errors and total != order.remaining:
        errors["parts"] = _(
            "The parts add up to %(total)s %(unit)s, but %(remaining)s %(unit)s are to be given.",
            total=Number(total),
            remaining=Number(order.remaining),
            unit=order.unit,
        )
    if errors:
        first = next(iter(errors.values()))
        raise BadInput(first if "parts" in errors else _("Please correct the marked fields."), fields=errors)
    parts = [
        BulkPart(
            order_id=order.id,
            core_id=core.id,
            leader_id=core.leader_id,
            split_by_id=member.id,
            quantity=q,
            status=OFFERED,
            paid=0,
        )
        for core, q in wanted
    ]
    session.add_all(parts)
    order.allocated += total
    session.flush()
    for part in parts:
        notify(
            part.core.leader,
            messages.BULK_OFFERED(
                url=f"/group_orders/bulk/{order.id}",
                core=part.core.name,
                quantity=Number(part.quantity),
                unit=order.unit,
                title=order.description[:80],
            ),
        )
    return parts


# --- a core's part -------------------------------------------------------------------------------


def _part(session: Session, part_id: Any) -> BulkPart:
    part = session.get(BulkPart, part_id) if _id(part_id) else None
    if part is None:
        raise NotFound(_("No such part."), code="unknown_part")
    return part


def _own_part(session: Session, member: Member, part_id: Any) -> tuple[BulkPart, BulkOrder]:
    """The part, for its core's leader only (404 for anyone else), with its order locked."""
    part = _part(session, part_id)
    if part.leader_id != member.id:
        raise NotFound(_("No such part."), code="unknown_part")
    order = _order(session, part.order_id, lock=True)
    session.refresh(part)
    return part, order


def answer(session: Session, member: Member, part_id: Any, accept: bool) -> BulkPart:
    """The core's leader accepts the part, or declines it: its units can then be split again."""
    part, order = _own_part(session, member, part_id)
    if part.status != OFFERED:
        raise Conflict(_("This part was already answered."), code="already_answered")
    if order.status != BULK_OPEN:
        raise Conflict(_("This bulk order is closed."), code="bulk_closed")
    part.answered_at = utcnow()
    if accept:
        part.status = ACCEPTED
    else:
        part.status = PART_DECLINED
        order.allocated -= part.quantity
    notify(
        part.split_by,
        messages.BULK_ANSWERED(
            url=f"/group_orders/bulk/{order.id}",
            core=part.core.name,
            order=Number(order.id),
            answer=Words(_l("accepted") if accept else _l("declined")),
        ),
    )
    return part


def deliver(session: Session, member: Member, part_id: Any) -> BulkPart:
    """The core's leader records the part delivered; the customer is asked to confirm it."""
    part, order = _own_part(session, member, part_id)
    if part.status != ACCEPTED:
        raise Conflict(
            _("Only an accepted part not yet delivered can be marked delivered."), code="not_accepted"
        )
    if order.status != BULK_OPEN:
        raise Conflict(_("This bulk order is closed."), code="bulk_closed")
    part.status = PART_DELIVERED
    part.delivered_at = utcnow()
    notify(
        order.customer,
        messages.BULK_DELIVERED(
            url=f"/group_orders/bulk/{order.id}",
            core=part.core.name,
            quantity=Number(part.quantity),
            unit=order.unit,
            order=Number(order.id),
        ),
    )
    return part


def confirm(session: Session, member: Member, part_id: Any) -> BulkPart:
    """The customer confirms receipt of a delivered part: its core's leader is paid its share from
    escrow at once (once: under the order's lock, and the transfer's key is the part's). The order
    completes when every unit was confirmed."""
    part = _part(session, part_id)
    order = _order(session, part.order_id, lock=True)
    if order.customer_id != member.id:
        raise NotFound(_("No such part."), code="unknown_part")
    session.refresh(part)
    if part.status == CONFIRMED:
        raise Conflict(_("This part was already confirmed and paid."), code="already_confirmed")
    if part.status != PART_DELIVERED:
        raise Conflict(_("This part has not been delivered yet."), code="not_delivered")
    amount = part.quantity * order.unit_price
    transfer(
        session,
        f"{_reference(order)}:part:{part.id}",
        _escrow(session),
        main_account(session, part.leader),
        amount,
        BULK_SHARE,
        _reference(order),
        params=_line(order),
        actor=member,
    )
    part.status = CONFIRMED
    part.paid = amount
    part.confirmed_at = utcnow()
    order.held -= amount
    notify(
        part.leader,
        messages.BULK_PAID(
            url=f"/group_orders/bulk/{order.id}",
            core=part.core.name,
            amount=Money(amount),
            order=Number(order.id),
        ),
    )
    session.flush()
    confirmed = session.scalar(
        select(func.coalesce(func.sum(BulkPart.quantity), 0)).where(
            BulkPart.order_id == order.id, BulkPart.status == CONFIRMED
        )
    )
    if order.status == BULK_OPEN and confirmed == order.quantity:
        order.status = BULK_COMPLETED
        order.closed_at = utcnow()
    return part


def cancel_bulk(session: Session, member: Member, order_id: Any) -> BulkOrder:
    """The customer cancels what is not yet delivered: those parts are withdrawn and their money
    (and that of units never given) goes back to the customer's account, in one transfer.
    Delivered parts stay: confirming them still pays their cores."""
    order = _order(session, order_id, lock=True)
    if order.customer_id != member.id:
        raise NotFound(_("No such bulk order."), code="unknown_bulk_order")
    if order.status != BULK_OPEN:
        raise Conflict(_("This bulk order is closed."), code="bulk_closed")
    parts = list(session.scalars(select(BulkPart).where(BulkPart.order_id == order.id)).unique())
    kept = 0
    for part in parts:
        if part.status in (PART_DELIVERED, CONFIRMED):
            kept += part.quantity
        elif part.status in (OFFERED, ACCEPTED):
            part.status = WITHDRAWN
            notify(
                part.leader,
                messages.BULK_WITHDRAWN(
                    url=f"/group_orders/bulk/{order.id}", core=part.core.name, order=Number(order.id)
                ),
            )
    refund = (order.quantity - kept) * order.unit_price
    if refund > 0:
        transfer(
            session,
            f"{_reference(order)}:refund",
            _escrow(session),
            order.account_id,
            refund,
            BULK_REFUND,
            _reference(order),
            params=_line(order),
            actor=member,
        )
    order.held -= refund
    order.refunded = refund
    order.allocated = kept
    order.status = BULK_CANCELLED
    order.closed_at = utcnow()
    return order


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkFigures:
    open: int
    held: int  # rials in escrow for bulk orders


def bulk_figures(session: Session, area: list[int] | None) -> BulkFigures:
    """Open bulk orders and what they hold in escrow within ``area`` (None: nationwide): one query."""
    stmt = select(func.count(BulkOrder.id), func.coalesce(func.sum(BulkOrder.held), 0)).where(
        BulkOrder.status == BULK_OPEN
    )
    if area is not None:
        stmt = stmt.where(BulkOrder.region_id.in_(area or [-1]))
    count, held = session.execute(stmt).one()
    return BulkFigures(int(count or 0), int(held or 0))


def waiting_parts(session: Session, member: Member) -> int:
    """Parts offered to ``member``'s cores still waiting for their answer."""
    return (
        session.scalar(
            select(func.count(BulkPart.id)).where(BulkPart.leader_id == member.id, BulkPart.status == OFFERED)
        )
        or 0
    )


def to_confirm(session: Session, member: Member) -> int:
    """Parts delivered to ``member`` as a customer, waiting for their confirmation."""
    return (
        session.scalar(
            select(func.count(BulkPart.id))
            .join(BulkOrder, BulkOrder.id == BulkPart.order_id)
            .where(BulkOrder.customer_id == member.id, BulkPart.status == PART_DELIVERED)
        )
        or 0
    )


__all__ = [
    "BULK_REFERENCE",
    "BulkDraft",
    "BulkFigures",
    "BulkPlan",
    "PartAsk",
    "answer",
    "bulk_figures",
    "cancel_bulk",
    "confirm",
    "cores_to_split",
    "customer_query",
    "deliver",
    "parts_query",
    "parts_seen",
    "place_bulk",
    "preview_bulk",
    "split",
    "splits",
    "to_confirm",
    "to_split_query",
    "visible_bulk",
    "waiting_parts",
]
