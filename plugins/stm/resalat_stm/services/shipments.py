"""Shipments: created for a paid order, listed nearest first, moved on, delivered with the
buyer's code, the operator paid; called off with the order."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Digits,
    Member,
    Money,
    Named,
    NotAllowed,
    NotFound,
    Region,
    TooManyAttempts,
    Words,
    _,
    can,
    main_account,
    normalize_text,
    notify,
    region_hook,
    system_account,
    to_latin_digits,
    transfer,
)

from .. import APPROVE, COMMISSION, FEES, INCOME, OPTION, PAYOUT, messages, setting
from ..models import (
    ACTIVE,
    APPROVED,
    ASSIGNED,
    CANCELLED,
    CODE_LENGTH,
    CREATED,
    DELIVERED,
    FAILED,
    IN_TRANSIT,
    NOTE_MAX,
    PICKED_UP,
    RETURNED,
    Operator,
    Shipment,
    ShipmentEvent,
)
from .common import (
    MOVES,
    REFERENCE_KIND,
    STATUS_LABELS,
    _member_region,
    now,
)
from .operators import (
    approved_operator,
    area_ids,
    operator_of,
)
from .pricing import (
    open_consignment,
    weigh,
)

# --- shipments: creation, cancellation ------------------------------------------------------------


def _code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def plan_shipment(session: Session, order: Any) -> Shipment | None:
    """The shipment of an order just paid with M-ST delivery (M-Bazar's resalat_order_paid)."""
    if order.delivery != OPTION:
        return None
    existing = session.scalar(select(Shipment).where(Shipment.order_id == order.id))
    if existing is not None:
        return existing
    buyer = order.buyer
    lines = [(item.product, item.quantity) for item in order.items]
    grams, size = weigh(session, lines)
    pickup, dropoff = order.booth.region, _member_region(session, buyer)
    joined = open_consignment(session, order.booth.region_id, buyer.region_id)
    shipment = Shipment(
        order_id=order.id,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        booth_name=order.booth.name[:160],
        pickup_region_id=pickup.id,
        dropoff_region_id=dropoff.id,
        pickup_province_id=pickup.province_id,
        dropoff_province_id=dropoff.province_id,
        dropoff_address=(order.address or "")[:600],
        weight_grams=grams,
        size=size,
        fee=order.delivery_fee or 0,
        fee_account_id=order.delivery_fee_account_id,
        consignment_id=joined.id if joined is not None else None,
        status=CREATED,
        code=_code(),
    )
    session.add(shipment)
    session.flush()
    _event(session, shipment, None, CREATED, None, "")
    if joined is not None and joined.operator_id is not None:
        _claim(session, shipment, (CREATED,), ASSIGNED, None, "", operator_id=joined.operator_id)
    notify(
        buyer,
        messages.SHIPMENT_CREATED(
            url=track_url(shipment), order=Digits(str(order.id)), code=Digits(shipment.code)
        ),
    )
    return shipment


def order_cancelled(session: Session, order: Any) -> Shipment | None:
    """M-Bazar cancelled the order: call its shipment off and tell the operator."""
    shipment = session.scalar(select(Shipment).where(Shipment.order_id == order.id))
    if shipment is None or shipment.status in (DELIVERED, RETURNED, CANCELLED):
        return shipment
    was_carrying = shipment.status in (PICKED_UP, IN_TRANSIT, FAILED)
    _claim(session, shipment, (shipment.status,), CANCELLED, None, _("The order was cancelled."))
    if shipment.operator is not None:
        notify(
            shipment.operator.member,
            messages.CALLED_OFF(url=track_url(shipment), order=Digits(str(order.id))),
        )
    if was_carrying:
        # Carried part of the way: the operator is paid what the fee account still holds for it.
        _pay_operator(session, shipment)
    return shipment


# --- shipments: who sees them, lists --------------------------------------------------------------


def track_url(shipment: Shipment) -> str:
    return f"/stm/shipments/{shipment.id}"


def role_in(session: Session, viewer: Any, shipment: Shipment) -> str | None:
    """'buyer', 'seller', 'operator', 'admin' or None: how the viewer stands to the shipment."""
    if viewer is None or getattr(viewer, "is_anonymous", True):
        return None
    if shipment.buyer_id == viewer.id:
        return "buyer"
    if shipment.seller_id == viewer.id:
        return "seller"
    if shipment.operator is not None and shipment.operator.member_id == viewer.id:
        return "operator"
    if can(APPROVE, shipment.pickup_region, viewer) or can(APPROVE, shipment.dropoff_region, viewer):
        return "admin"
    return None


def visible_shipment(session: Session, viewer: Any, shipment_id: int) -> tuple[Shipment, str]:
    found = session.get(Shipment, shipment_id) if isinstance(shipment_id, int) else None
    role = role_in(session, viewer, found) if found is not None else None
    if found is None or role is None:
        raise NotFound(_("No such shipment."), code="unknown_shipment")
    return found, role


def with_places(stmt: Select[Any]) -> Select[Any]:
    """``stmt`` loading both ends' provinces too: a list names each place with its province, and
    the provinces are not looked up one by one."""
    return stmt.options(
        joinedload(Shipment.pickup_region).joinedload(Region.parent),
        joinedload(Shipment.dropoff_region).joinedload(Region.parent),
    )


def mine_query(member: Member, as_seller: bool = False) -> Select[Any]:
    column = Shipment.seller_id if as_seller else Shipment.buyer_id
    return with_places(select(Shipment).where(column == member.id).order_by(Shipment.id.desc()))


def on_the_way(session: Session, member: Member) -> int:
    return (
        session.scalar(
            select(func.count(Shipment.id)).where(
                Shipment.buyer_id == member.id, Shipment.status.in_((ASSIGNED, PICKED_UP, IN_TRANSIT))
            )
        )
        or 0
    )


def _nearness(home: Region) -> Any:
    """0 for a job at the operator's own place, 1 in their province, 2 elsewhere in their area."""
    return case(
        (or_(Shipment.pickup_region_id == home.id, Shipment.dropoff_region_id == home.id), 0),
        (
            or_(
                Shipment.pickup_province_id == home.province_id,
                Shipment.dropoff_province_id == home.province_id,
            ),
            1,
        ),
        else_=2,
    )


def open_jobs_query(session: Session, operator: Operator) -> Select[Any]:
    """Open jobs that start or end in the operator's area, nearest first (consignment parcels
    travel with their consignment and are not offered one by one)."""
    area = area_ids(session, operator)
    home = _member_region(session, operator.member)
    return with_places(
        select(Shipment)
        .where(
            Shipment.status == CREATED,
            Shipment.consignment_id.is_(None),
            or_(Shipment.pickup_region_id.in_(area), Shipment.dropoff_region_id.in_(area)),
        )
        .order_by(_nearness(home), Shipment.id)
    )


def open_jobs_near(session: Session, operator: Operator) -> int:
    stmt = open_jobs_query(session, operator).order_by(None)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def my_jobs_query(operator: Operator) -> Select[Any]:
    return with_places(
        select(Shipment)
        .where(Shipment.operator_id == operator.id, Shipment.status.in_(ACTIVE))
        .order_by(Shipment.id)
    )


def done_jobs_query(operator: Operator) -> Select[Any]:
    return with_places(
        select(Shipment)
        .where(Shipment.operator_id == operator.id, Shipment.status.in_((DELIVERED, RETURNED, CANCELLED)))
        .order_by(Shipment.updated_at.desc(), Shipment.id.desc())
    )


def in_area(session: Session, operator: Operator, shipment: Shipment) -> bool:
    area = set(area_ids(session, operator))
    return shipment.pickup_region_id in area or shipment.dropoff_region_id in area


def job_for(session: Session, member: Member, shipment_id: int) -> tuple[Operator, Shipment]:
    """A job the approved operator may see: an open one in their area, or one of theirs."""
    operator = approved_operator(session, member)
    found = session.get(Shipment, shipment_id) if isinstance(shipment_id, int) else None
    if found is None:
        raise NotFound(_("No such shipment."), code="unknown_shipment")
    if found.operator_id != operator.id and not (
        found.status == CREATED and in_area(session, operator, found)
    ):
        if found.status == CREATED:
            raise NotAllowed(
                _(
                    "This job is outside your service area: it starts in %(from)s and ends in %(to)s.",
                    **{
                        "from": Named(found.pickup_region.name_fa, found.pickup_region.name_en),
                        "to": Named(found.dropoff_region.name_fa, found.dropoff_region.name_en),
                    },
                ),
                code="outside_area",
            )
        if in_area(session, operator, found):
            raise Conflict(_("Another operator has just taken this job."), code="taken")
        raise NotFound(_("No such shipment."), code="unknown_shipment")
    return operator, found


def actions_for(session: Session, member: Member, shipment: Shipment) -> list[str]:
    """What the operator may do with this job now, in the order the page shows them."""
    operator = operator_of(session, member)
    if operator is None or operator.status != APPROVED:
        return []
    if shipment.status == CREATED and shipment.consignment_id is None:
        return ["accept"] if in_area(session, operator, shipment) else []
    if shipment.operator_id != operator.id:
        return []
    found = [a for a, (sources, _t, _n) in MOVES.items() if shipment.status in sources]
    if shipment.status in (PICKED_UP, IN_TRANSIT):
        found.insert(0, "deliver")
    if shipment.consignment_id is not None and shipment.status == ASSIGNED:
        found = []  # the consignment leaves as one
    return found


# --- shipments: moves ------------------------------------------------------------------------------


def _event(
    session: Session, shipment: Shipment, before: str | None, after: str, actor: Member | None, note: Any
) -> None:
    session.add(
        ShipmentEvent(
            shipment_id=shipment.id,
            from_status=before,
            to_status=after,
            actor_id=actor.id if actor is not None else None,
            note=str(note or "")[:NOTE_MAX],
        )
    )
    session.flush()
    session.expire(shipment, ["events"])
    region_hook("resalat_shipment_changed", shipment.buyer)(shipment=shipment)


def _claim(
    session: Session,
    shipment: Shipment,
    sources: Sequence[str],
    target: str,
    actor: Member | None,
    note: Any,
    *,
    operator_id: int | None = None,
) -> None:
    """Make the change with a conditional UPDATE, so two racing requests cannot both make it."""
    before = shipment.status
    values: dict[str, Any] = {"status": target, "updated_at": now()}
    where = [Shipment.id == shipment.id, Shipment.status.in_(sources)]
    if operator_id is not None:
        values["operator_id"] = operator_id
        where.append(Shipment.operator_id.is_(None))
    claimed = session.execute(
        update(Shipment).where(*where).values(**values).execution_options(synchronize_session=False)
    ).rowcount
    session.expire(shipment)
    if not claimed:
        if target == ASSIGNED:
            raise Conflict(_("Another operator has just taken this job."), code="taken")
        raise Conflict(
            _("This shipment is already %(status)s.", status=Words(STATUS_LABELS[shipment.status])),
            code="wrong_status",
        )
    _event(session, shipment, before, target, actor, note)


def accept(session: Session, member: Member, shipment_id: int) -> Shipment:
    """The operator takes an open job in their area; of two at once exactly one wins (409)."""
    operator, shipment = job_for(session, member, shipment_id)
    if shipment.consignment_id is not None:
        raise Conflict(
            _("This parcel travels with a consignment: accept the consignment."), code="in_consignment"
        )
    if shipment.weight_grams > operator.capacity_kg * 1000:
        raise BadInput(
            _(
                "This parcel weighs %(kg)s kg, more than your vehicle carries.",
                kg=Digits(str((shipment.weight_grams + 999) // 1000)),
            ),
            code="too_heavy",
        )
    with session.begin_nested():
        _claim(session, shipment, (CREATED,), ASSIGNED, member, "", operator_id=operator.id)
    for who in (shipment.buyer, shipment.seller):
        notify(
            who,
            messages.ACCEPTED(
                url=track_url(shipment), order=Digits(str(shipment.order_id)), operator=Words(member.name)
            ),
        )
    return shipment


def _order(session: Session, shipment: Shipment) -> Any:
    return bazaar.get_order(session, shipment.order_id)


def _order_sent(session: Session, shipment: Shipment) -> None:
    """The order leaves the booth with the parcel: accepted if the seller had not, then sent."""
    order = _order(session, shipment)
    if order.status == bazaar.PLACED:
        bazaar.transition(session, order, "accept", None)
    if order.status == bazaar.ACCEPTED:
        bazaar.transition(session, order, "ship", None)


def move(session: Session, member: Member, shipment_id: int, action: str, note: str = "") -> Shipment:
    """An operator moves their job on: picked up, on the way, failed (with a reason), returned."""
    if action not in MOVES:
        message = _("Unknown action.")
        raise BadInput(message, fields={"action": message})
    sources, target, needs_note = MOVES[action]
    _operator, shipment = job_for(session, member, shipment_id)
    if shipment.operator_id != _operator.id:
        raise NotAllowed(_("Accept the job first."), code="not_yours")
    note = normalize_text(note or "")[:NOTE_MAX]
    if needs_note and len(note) < 3:
        message = _("Say why: the buyer and the seller will read it.")
        raise BadInput(message, fields={"note": message}, code="reason_required")
    with session.begin_nested():
        _claim(session, shipment, sources, target, member, note)
        if target == PICKED_UP:
            _order_sent(session, shipment)
        if target == FAILED:
            for who in (shipment.buyer, shipment.seller):
                notify(
                    who,
                    messages.FAILED(
                        url=track_url(shipment), order=Digits(str(shipment.order_id)), reason=note
                    ),
                )
        if target == RETURNED:
            # The operator carried it there and back: they are paid the fee (see the README).
            _pay_operator(session, shipment)
            for who in (shipment.buyer, shipment.seller):
                notify(who, messages.RETURNED(url=track_url(shipment), order=Digits(str(shipment.order_id))))
    if target == PICKED_UP:
        notify(
            shipment.buyer,
            messages.PICKED_UP(
                url=track_url(shipment), order=Digits(str(shipment.order_id)), code=Digits(shipment.code)
            ),
        )
    return shipment


def deliver(session: Session, member: Member, shipment_id: int, code: str) -> Shipment:
    """The operator types the buyer's code at the door: the shipment is delivered, the order
    delivered and completed (the seller paid by M-Bazar), the operator paid from the fee account.
    A wrong code changes nothing but the count of wrong codes; too many lock it for a while."""
    operator, shipment = job_for(session, member, shipment_id)
    if shipment.operator_id != operator.id:
        raise NotAllowed(_("Accept the job first."), code="not_yours")
    if shipment.status not in (PICKED_UP, IN_TRANSIT):
        raise Conflict(
            _("This shipment is already %(status)s.", status=Words(STATUS_LABELS[shipment.status])),
            code="wrong_status",
        )
    moment = now()
    if shipment.locked_until is not None and shipment.locked_until > moment:
        minutes = max(1, int((shipment.locked_until - moment).total_seconds() // 60) + 1)
        error = TooManyAttempts(
            _("Too many wrong codes: try again in %(minutes)s minutes.", minutes=Digits(str(minutes))),
            code="code_locked",
        )
        error.minutes = minutes
        raise error
    typed = to_latin_digits(str(code or "")).strip()
    if not hmac.compare_digest(typed.encode(), shipment.code.encode()):
        wrong = shipment.wrong_codes + 1
        if wrong >= int(setting("max_code_attempts")):
            shipment.wrong_codes = 0
            shipment.locked_until = moment + timedelta(minutes=int(setting("lock_minutes")))
        else:
            shipment.wrong_codes = wrong
        session.flush()
        message = _("That is not the buyer's delivery code. Ask the buyer to read it from their M-ST page.")
        # keep_changes: the wrong try is counted even though the delivery is refused.
        raise BadInput(message, fields={"code": message}, code="wrong_code", keep_changes=True)
    with session.begin_nested():
        shipment.wrong_codes, shipment.locked_until = 0, None
        _claim(session, shipment, (PICKED_UP, IN_TRANSIT), DELIVERED, member, "")
        order = _order(session, shipment)
        if order.status in (bazaar.PLACED, bazaar.ACCEPTED):
            _order_sent(session, shipment)
        if order.status == bazaar.SHIPPED:
            bazaar.transition(session, order, "deliver", None)
        if order.status == bazaar.DELIVERED:
            bazaar.transition(session, order, "confirm", None)
        _pay_operator(session, shipment)
    notify(shipment.seller, messages.DELIVERED(url=track_url(shipment), order=Digits(str(shipment.order_id))))
    return shipment


def _pay_operator(session: Session, shipment: Shipment) -> None:
    """The fee held at checkout goes to the operator, less M-ST's commission; once per shipment."""
    if shipment.paid or shipment.operator is None or shipment.fee <= 0 or shipment.fee_account_id is None:
        return
    commission = shipment.fee * int(setting("commission_percent")) // 100
    pay = shipment.fee - commission
    params = {"shipment": shipment.id}
    reference = f"{REFERENCE_KIND}:{shipment.id}"
    if pay > 0:
        transfer(
            session,
            f"stm:payout:{shipment.id}",
            shipment.fee_account_id,
            main_account(session, shipment.operator.member),
            pay,
            PAYOUT,
            reference,
            params=params,
        )
    if commission > 0:
        transfer(
            session,
            f"stm:commission:{shipment.id}",
            shipment.fee_account_id,
            system_account(session, INCOME),
            commission,
            COMMISSION,
            reference,
            params=params,
        )
    shipment.paid = True
    session.flush()
    notify(
        shipment.operator.member,
        messages.PAID(url=track_url(shipment), amount=Money(pay), shipment=Digits(str(shipment.id))),
    )


# --- figures ---------------------------------------------------------------------------------------


def figures(session: Session, area: list[int] | None) -> tuple[int, int]:
    """Shipments on the way and delivered, of the area."""
    stmt = select(Shipment.status, func.count(Shipment.id)).group_by(Shipment.status)
    if area is not None:
        stmt = stmt.where(or_(Shipment.pickup_region_id.in_(area), Shipment.dropoff_region_id.in_(area)))
    rows = dict(session.execute(stmt).all())
    moving = sum(int(rows.get(s, 0)) for s in (ASSIGNED, PICKED_UP, IN_TRANSIT))
    return moving, int(rows.get(DELIVERED, 0))


def fees_held(session: Session) -> int:
    return system_account(session, FEES).posted
