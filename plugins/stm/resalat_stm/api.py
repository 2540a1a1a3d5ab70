"""The M-ST JSON API: apply as an operator, jobs and their moves, delivery with the code, my
shipments and their tracking, consignments and the tariff."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    BadInput,
    NotFound,
    _,
    api_doc,
    area_of,
    db_session,
    dump,
    idempotent,
    load,
    login_required,
    me,
    page_args,
    paginate,
    render,
)

from . import CONSIGN, plugin, services
from .models import APPROVED, Consignment, Operator, Shipment
from .schemas import (
    ApplySchema,
    CodeSchema,
    ConsignmentSchema,
    MoveSchema,
    OpenConsignmentSchema,
    OperatorSchema,
    ShipmentSchema,
    TariffRowSchema,
    TrackingSchema,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


def _operator(found: Operator) -> dict[str, Any]:
    return {
        "id": found.id,
        "status": found.status,
        "vehicle": found.vehicle,
        "capacity_kg": found.capacity_kg,
        "region": found.region.code,
        "areas": [a.region.code for a in found.areas],
        "note": found.note,
    }


def _shipment(s: Shipment, role: str) -> dict[str, Any]:
    return {
        "id": s.id,
        "order_id": s.order_id,
        "status": s.status,
        "status_text": render(services.STATUS_LABELS[s.status]),
        "booth": s.booth_name,
        "pickup_region": s.pickup_region.code,
        "dropoff_region": s.dropoff_region.code,
        "dropoff_address": None if role == "seller" else s.dropoff_address,
        "weight_grams": s.weight_grams,
        "size": s.size,
        "fee": s.fee,
        "consignment_id": s.consignment_id,
        "code": s.code if role == "buyer" else None,
        "role": role,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _consignment(c: Consignment, parcels: int) -> dict[str, Any]:
    return {
        "id": c.id,
        "status": c.status,
        "origin": c.origin.code,
        "destination": c.destination.code,
        "operator_id": c.operator_id,
        "parcels": parcels,
        "note": c.note,
        "created_at": c.created_at,
        "left_at": c.left_at,
    }


@bp.get("/operator")
@api_doc(summary="My M-ST operator account", response=OperatorSchema)
@login_required
def operator() -> Any:
    found = services.operator_of(db_session(), me())
    if found is None:
        raise NotFound(_("You have not applied to be an operator."), code="not_operator")
    return dump(OperatorSchema, _operator(found))


@bp.post("/operator")
@api_doc(
    summary="Apply to carry parcels (or change my application)", body=ApplySchema, response=OperatorSchema
)
@login_required
def apply() -> Any:
    data = load(ApplySchema)
    session = db_session()
    found = services.apply(session, me(), data["vehicle"], data["capacity_kg"], data["areas"])
    session.commit()
    return dump(OperatorSchema, _operator(found))


@bp.get("/jobs")
@api_doc(summary="Open jobs in my service area, nearest first", response=ShipmentSchema, paginated=True)
@login_required
def jobs() -> Any:
    """Only for an approved operator (403 otherwise)."""
    session = db_session()
    found = services.approved_operator(session, me())
    page, per_page = page_args()
    result = paginate(session, services.open_jobs_query(session, found), page, per_page)
    return {
        "items": dump(ShipmentSchema, [_shipment(s, "operator") for s in result.items], many=True),
        "meta": result.meta(),
    }


@bp.get("/jobs/mine")
@api_doc(summary="My running jobs", response=ShipmentSchema, paginated=True)
@login_required
def my_jobs() -> Any:
    session = db_session()
    found = services.approved_operator(session, me())
    page, per_page = page_args()
    result = paginate(session, services.my_jobs_query(found), page, per_page)
    return {
        "items": dump(ShipmentSchema, [_shipment(s, "operator") for s in result.items], many=True),
        "meta": result.meta(),
    }


@bp.post("/jobs/<int:shipment_id>/accept")
@api_doc(summary="Accept an open job (409 when another operator took it first)", response=ShipmentSchema)
@login_required
def accept(shipment_id: int) -> Any:
    session = db_session()
    found = services.accept(session, me(), shipment_id)
    session.commit()
    return dump(ShipmentSchema, _shipment(found, "operator"))


@bp.post("/jobs/<int:shipment_id>/move")
@api_doc(
    summary="Move my job on: picked up, on the way, failed (with a note), returned",
    body=MoveSchema,
    response=ShipmentSchema,
    idempotent=True,
)
@login_required
@idempotent
def move(shipment_id: int) -> Any:
    data = load(MoveSchema)
    session = db_session()
    found = services.move(session, me(), shipment_id, data["action"], data["note"])
    session.commit()
    return dump(ShipmentSchema, _shipment(found, "operator"))


@bp.post("/jobs/<int:shipment_id>/deliver")
@api_doc(
    summary="Deliver my job with the buyer's code: completes the order and pays me",
    body=CodeSchema,
    response=ShipmentSchema,
    idempotent=True,
)
@login_required
@idempotent
def deliver(shipment_id: int) -> Any:
    """A wrong code is a 400 (wrong_code) and is counted; after too many, 429 for a while."""
    data = load(CodeSchema)
    session = db_session()
    found = services.deliver(session, me(), shipment_id, data["code"])
    session.commit()
    return dump(ShipmentSchema, _shipment(found, "operator"))


@bp.get("/shipments")
@api_doc(
    summary="My shipments, as buyer (or ?as=seller)",
    response=ShipmentSchema,
    paginated=True,
    query={"as": "buyer (default) or seller"},
)
@login_required
def shipments() -> Any:
    side = request.args.get("as", "buyer")
    if side not in ("buyer", "seller"):
        message = _("Choose buyer or seller.")
        raise BadInput(message, fields={"as": message})
    page, per_page = page_args()
    result = paginate(db_session(), services.mine_query(me(), as_seller=side == "seller"), page, per_page)
    return {
        "items": dump(ShipmentSchema, [_shipment(s, side) for s in result.items], many=True),
        "meta": result.meta(),
    }


@bp.get("/shipments/<int:shipment_id>")
@api_doc(summary="Track a shipment: its status and timeline", response=TrackingSchema)
@login_required
def track(shipment_id: int) -> Any:
    found, role = services.visible_shipment(db_session(), me(), shipment_id)
    data = _shipment(found, role)
    data["events"] = [
        {
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.name if e.actor else None,
            "note": e.note,
            "at": e.created_at,
        }
        for e in found.events
    ]
    return dump(TrackingSchema, data)


@bp.get("/consignments")
@api_doc(
    summary="Consignments of my area (as a leader or guide, or an operator)",
    response=ConsignmentSchema,
    paginated=True,
)
@login_required
def consignments() -> Any:
    session = db_session()
    member = me()
    area = area_of(session, member, CONSIGN)
    operator = services.operator_of(session, member)
    if area == [] and operator is not None and operator.status == APPROVED:
        area = services.area_ids(session, operator)
    page, per_page = page_args()
    result = paginate(session, services.consignments_query(area), page, per_page)
    counts = services.parcel_counts(session, [c.id for c in result.items])
    return {
        "items": dump(
            ConsignmentSchema, [_consignment(c, counts.get(c.id, 0)) for c in result.items], many=True
        ),
        "meta": result.meta(),
    }


@bp.post("/consignments")
@api_doc(
    summary="Open a consignment from a place of my area to a city",
    body=OpenConsignmentSchema,
    response=ConsignmentSchema,
    status=201,
)
@login_required
def open_consignment() -> Any:
    data = load(OpenConsignmentSchema)
    session = db_session()
    made = services.open_new_consignment(session, me(), data["origin"], data["destination"], data["note"])
    session.commit()
    return dump(ConsignmentSchema, _consignment(made, 0)), 201


@bp.post("/consignments/<int:consignment_id>/accept")
@api_doc(summary="Carry a consignment (an approved operator of its origin)", response=ConsignmentSchema)
@login_required
def accept_consignment(consignment_id: int) -> Any:
    session = db_session()
    found = services.accept_consignment(session, me(), consignment_id)
    session.commit()
    return dump(ConsignmentSchema, _consignment(found, len(services.parcels_of(session, found))))


@bp.post("/consignments/<int:consignment_id>/leave")
@api_doc(summary="The consignment leaves: its parcels are on their way", response=ConsignmentSchema)
@login_required
def leave(consignment_id: int) -> Any:
    session = db_session()
    found = services.leave(session, me(), consignment_id)
    session.commit()
    return dump(ConsignmentSchema, _consignment(found, len(services.parcels_of(session, found))))


@bp.get("/tariff")
@api_doc(summary="The tariff's rows (provinces and weight bands)", response=TariffRowSchema, paginated=True)
@login_required
def tariff() -> Any:
    page, per_page = page_args()
    result = paginate(db_session(), services.tariff_query(), page, per_page)
    rows = [
        {
            "origin": r.origin.code,
            "destination": r.destination.code,
            "max_grams": r.max_grams,
            "price_rials": r.price,
        }
        for r in result.items
    ]
    return {"items": dump(TariffRowSchema, rows, many=True), "meta": result.meta()}
