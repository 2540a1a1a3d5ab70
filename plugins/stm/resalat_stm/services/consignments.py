"""Consignments: parcels from one place to one city carried together by one operator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    NotFound,
    Region,
    _,
    can,
    get_region,
    normalize_text,
)

from .. import CONSIGN
from ..models import (
    APPROVED,
    ASSIGNED,
    C_LEFT,
    C_OPEN,
    CREATED,
    IN_TRANSIT,
    NOTE_MAX,
    PICKED_UP,
    Consignment,
    Operator,
    Shipment,
)
from .common import (
    now,
)
from .operators import (
    approved_operator,
    area_ids,
    operator_of,
)
from .pricing import (
    open_consignment,
)
from .shipments import (
    _claim,
    _order_sent,
)

# --- consignments ----------------------------------------------------------------------------------


def open_new_consignment(
    session: Session, actor: Member, origin: str, destination: str, note: str = ""
) -> Consignment:
    """A social leader or guide opens a consignment from a place of their area to a city."""
    errors: dict[str, Any] = {}
    found: dict[str, Region] = {}
    for name, code in (("origin", origin), ("destination", destination)):
        try:
            found[name] = get_region(session, (code or "").strip())
        except NotFound:
            errors[name] = _("Choose a place.")
    if not errors:
        if found["origin"].parent_id is None:
            errors["origin"] = _("Choose a village or town, not a whole province.")
        if found["destination"].parent_id is None:
            errors["destination"] = _("Choose a city, not a whole province.")
        if not errors and found["origin"].id == found["destination"].id:
            errors["destination"] = _("The destination must differ from the origin.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    if not can(CONSIGN, found["origin"], actor):
        raise NotAllowed(_("You may open consignments only from places in your area."), code="outside_area")
    if open_consignment(session, found["origin"].id, found["destination"].id) is not None:
        raise Conflict(_("A consignment between these places is already open."), code="already_open")
    made = Consignment(
        opened_by_id=actor.id,
        origin_id=found["origin"].id,
        destination_id=found["destination"].id,
        note=normalize_text(note or "")[:NOTE_MAX],
    )
    session.add(made)
    session.flush()
    return made


def with_places(stmt: Select[Any]) -> Select[Any]:
    """``stmt`` loading both ends' provinces too (a list names each place with its province)."""
    return stmt.options(
        joinedload(Consignment.origin).joinedload(Region.parent),
        joinedload(Consignment.destination).joinedload(Region.parent),
    )


def consignments_query(area: list[int] | None) -> Select[Any]:
    stmt = with_places(select(Consignment))
    if area is not None:
        stmt = stmt.where(or_(Consignment.origin_id.in_(area), Consignment.destination_id.in_(area)))
    return stmt.order_by(case((Consignment.status == C_OPEN, 0), else_=1), Consignment.id.desc())


def parcels_query(consignment: Consignment) -> Select[Any]:
    return select(Shipment).where(Shipment.consignment_id == consignment.id).order_by(Shipment.id)


def parcels_of(session: Session, consignment: Consignment) -> list[Shipment]:
    return list(session.scalars(parcels_query(consignment)))


def visible_consignment(session: Session, viewer: Member, consignment_id: int) -> Consignment:
    found = session.get(Consignment, consignment_id) if isinstance(consignment_id, int) else None
    if found is None:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    operator = operator_of(session, viewer)
    ok = (
        can(CONSIGN, found.origin, viewer)
        or can(CONSIGN, found.destination, viewer)
        or (
            operator is not None
            and operator.status == APPROVED
            and found.origin_id in area_ids(session, operator)
        )
        or (operator is not None and found.operator_id == operator.id)
    )
    if not ok:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    return found


def accept_consignment(session: Session, member: Member, consignment_id: int) -> Consignment:
    """An approved operator of the origin's area takes the whole consignment (one wins)."""
    operator = approved_operator(session, member)
    found = session.get(Consignment, consignment_id) if isinstance(consignment_id, int) else None
    if found is None:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    if found.origin_id not in area_ids(session, operator):
        raise NotAllowed(_("This consignment starts outside your service area."), code="outside_area")
    with session.begin_nested():
        claimed = session.execute(
            update(Consignment)
            .where(
                Consignment.id == found.id, Consignment.status == C_OPEN, Consignment.operator_id.is_(None)
            )
            .values(operator_id=operator.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.expire(found)
        if not claimed:
            raise Conflict(_("Another operator has just taken this consignment."), code="taken")
        for shipment in parcels_of(session, found):
            if shipment.status == CREATED:
                _claim(session, shipment, (CREATED,), ASSIGNED, member, "", operator_id=operator.id)
    return found


def leave(session: Session, member: Member, consignment_id: int) -> Consignment:
    """The consignment leaves: its operator (or whoever opened it) closes it; every parcel is
    picked up and on its way, to be delivered one by one with its own code."""
    found = session.get(Consignment, consignment_id) if isinstance(consignment_id, int) else None
    if found is None:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    operator = operator_of(session, member)
    mine = operator is not None and found.operator_id == operator.id
    if not (mine or can(CONSIGN, found.origin, member)):
        raise NotAllowed(_("Only its operator or a leader of its area may send it off."))
    if found.status != C_OPEN:
        raise Conflict(_("This consignment has already left."), code="wrong_status")
    if found.operator_id is None:
        raise Conflict(_("No operator has taken this consignment yet."), code="no_operator")
    parcels = [s for s in parcels_of(session, found) if s.status == ASSIGNED]
    if not parcels:
        raise Conflict(_("No parcel has joined this consignment yet."), code="empty")
    with session.begin_nested():
        found.status, found.left_at = C_LEFT, now()
        carrier = found.operator.member if found.operator is not None else member
        for shipment in parcels:
            _claim(session, shipment, (ASSIGNED,), PICKED_UP, carrier, "")
            _order_sent(session, shipment)
            _claim(session, shipment, (PICKED_UP,), IN_TRANSIT, carrier, "")
        session.flush()
    return found


def open_consignments_query(session: Session, operator: Operator) -> Select[Any]:
    """Open consignments leaving the operator's area that no operator has taken, oldest first."""
    area = area_ids(session, operator)
    return (
        with_places(select(Consignment))
        .where(
            Consignment.status == C_OPEN,
            Consignment.operator_id.is_(None),
            Consignment.origin_id.in_(area),
        )
        .order_by(Consignment.id)
    )


def open_consignments_for(session: Session, operator: Operator) -> list[Consignment]:
    return list(session.scalars(open_consignments_query(session, operator)))


def parcel_counts(session: Session, consignment_ids: Sequence[int]) -> dict[int, int]:
    if not consignment_ids:
        return {}
    rows = session.execute(
        select(Shipment.consignment_id, func.count(Shipment.id))
        .where(Shipment.consignment_id.in_(consignment_ids))
        .group_by(Shipment.consignment_id)
    ).all()
    return {int(c): int(n) for c, n in rows}
