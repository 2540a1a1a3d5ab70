"""The centres JSON API: centres, their members and cores, orders, and the cores' shares of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, request

from resalat_centers import services
from resalat_centers.forms import read_day, read_parts, read_price, read_quantity
from resalat_centers.models import Centre
from resalat_centers.schemas import (
    CentreCoreSchema,
    CentreMemberSchema,
    CentreSchema,
    CoreRefSchema,
    DeclineSchema,
    DeliverSchema,
    DeliverySchema,
    ListQuerySchema,
    MemberRefSchema,
    MyShareSchema,
    NewCentreSchema,
    NewOrderSchema,
    OrderDetailSchema,
    OrderSchema,
    ShareSchema,
    SplitResultSchema,
    SplitSchema,
)
from resalat_core.sdk import (
    BadInput,
    FieldReader,
    NotFound,
    api_doc,
    db_session,
    dump,
    get_region,
    ids_under,
    load,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
)

bp = Blueprint("centers_api", __name__, url_prefix="/api/v1/centers")


def _centres(centres: Sequence[Centre]) -> list[dict[str, Any]]:
    counts = services.centre_counts(db_session(), centres)
    return [
        {
            "id": c.id,
            "name": c.name,
            "description": c.description,
            "region": c.region.code,
            "region_name_fa": c.region.name_fa,
            "region_name_en": c.region.name_en,
            "leader": {"id": c.leader.id, "name": c.leader.name},
            "created_at": c.created_at,
            "members_count": counts[c.id].members,
            "cores_count": counts[c.id].cores,
            "open_orders_count": counts[c.id].open_orders,
        }
        for c in centres
    ]


def _page(schema: Any, stmt: Any) -> dict[str, Any]:
    page, per_page = page_args()
    result = paginate(db_session(), stmt, page, per_page)
    return {"items": dump(schema, result.items, many=True), "meta": result.meta()}


def _order_detail(order: Any) -> Any:
    data = dump(OrderSchema, order)
    data["progress"] = [
        {
            "core": {"id": p.core.id, "code": p.core.code, "name": p.core.name, "status": p.core.status},
            "offered": p.offered,
            "accepted": p.accepted,
            "declined": p.declined,
            "delivered": p.delivered,
        }
        for p in services.order_progress(db_session(), order)
    ]
    return data


# --- centres -----------------------------------------------------------------------------------


@bp.get("")
@api_doc(
    summary="Cooperation centres, by name",
    response=CentreSchema,
    paginated=True,
    query={"q": "part of the name", "region": "a region code; a province takes in its places"},
)
@login_required
def list_centres() -> Any:
    args = load(ListQuerySchema, request.args.to_dict())
    session = db_session()
    region_ids = None
    if args["region"].strip():
        try:
            region_ids = ids_under(session, [get_region(session, args["region"])])
        except NotFound as exc:
            raise BadInput(exc.message, fields={"region": exc.message}) from None
    page, per_page = page_args()
    result = paginate(session, services.centres_query(region_ids=region_ids, q=args["q"]), page, per_page)
    return {"items": dump(CentreSchema, _centres(result.items), many=True), "meta": result.meta()}


@bp.post("")
@api_doc(summary="Register a cooperation centre", body=NewCentreSchema, response=CentreSchema, status=201)
@permission_required(services.REGISTER)
def register_centre() -> Any:
    """Cultural supporters and administrators, in their own area; every bad field is named."""
    data = load(NewCentreSchema)
    session = db_session()
    centre = services.register_centre(session, me(), **data)
    session.commit()
    return dump(CentreSchema, _centres([centre])[0]), 201


@bp.get("/mine")
@api_doc(summary="The centres I lead or belong to, by name", response=CentreSchema, paginated=True)
@login_required
def my_centres() -> Any:
    page, per_page = page_args()
    result = paginate(db_session(), services.centres_of_member_query(me()), page, per_page)
    return {"items": dump(CentreSchema, _centres(result.items), many=True), "meta": result.meta()}


@bp.get("/<int:centre_id>")
@api_doc(summary="One cooperation centre", response=CentreSchema)
@login_required
def show_centre(centre_id: int) -> Any:
    centre = services.get_centre(db_session(), centre_id)
    return dump(CentreSchema, _centres([centre])[0])


# --- members -----------------------------------------------------------------------------------


def _managed(centre_id: int) -> Centre:
    centre = services.get_centre(db_session(), centre_id)
    services.require_manager(me(), centre)
    return centre


@bp.get("/<int:centre_id>/members")
@api_doc(summary="A centre's members (for its leader)", response=CentreMemberSchema, paginated=True)
@login_required
def list_members(centre_id: int) -> Any:
    """Its leader is not listed: they belong to the centre by leading it."""
    return _page(CentreMemberSchema, services.members_query(_managed(centre_id)))


@bp.post("/<int:centre_id>/members")
@api_doc(summary="Add a member to a centre", body=MemberRefSchema, response=CentreMemberSchema, status=201)
@login_required
def add_member(centre_id: int) -> Any:
    data = load(MemberRefSchema)
    session = db_session()
    centre = services.get_centre(session, centre_id)
    row = services.add_member(session, centre, me(), data["member"])
    session.commit()
    return dump(CentreMemberSchema, row), 201


@bp.delete("/<int:centre_id>/members/<int:member_id>")
@api_doc(summary="Take a member out of a centre", status=204)
@login_required
def remove_member(centre_id: int, member_id: int) -> Any:
    session = db_session()
    centre = services.get_centre(session, centre_id)
    services.remove_member(session, centre, me(), member_id)
    session.commit()
    return "", 204


# --- cores -------------------------------------------------------------------------------------


@bp.get("/<int:centre_id>/cores")
@api_doc(summary="The cores of a centre", response=CentreCoreSchema, paginated=True)
@login_required
def list_cores(centre_id: int) -> Any:
    centre = services.get_centre(db_session(), centre_id)
    return _page(CentreCoreSchema, services.centre_cores_query(centre))


@bp.post("/<int:centre_id>/cores")
@api_doc(summary="Link an active core to a centre", body=CoreRefSchema, response=CentreCoreSchema, status=201)
@login_required
def link_core(centre_id: int) -> Any:
    """A core belongs to at most one centre."""
    data = load(CoreRefSchema)
    session = db_session()
    centre = services.get_centre(session, centre_id)
    link = services.link_core(session, centre, me(), data["core"])
    session.commit()
    return dump(CentreCoreSchema, link), 201


@bp.delete("/<int:centre_id>/cores/<int:core_id>")
@api_doc(summary="Take a core out of a centre", status=204)
@login_required
def unlink_core(centre_id: int, core_id: int) -> Any:
    """Refused while the core still has shares of the centre's orders to deliver."""
    session = db_session()
    centre = services.get_centre(session, centre_id)
    services.unlink_core(session, centre, me(), core_id)
    session.commit()
    return "", 204


# --- orders ------------------------------------------------------------------------------------


@bp.get("/<int:centre_id>/orders")
@api_doc(
    summary="A centre's orders, newest first (for its leader)",
    response=OrderSchema,
    paginated=True,
    query={"status": "open, in_progress, delivered or cancelled"},
)
@login_required
def list_orders(centre_id: int) -> Any:
    args = load(ListQuerySchema, request.args.to_dict())
    centre = _managed(centre_id)
    return _page(OrderSchema, services.orders_query(centre, status=args["status"] or None))


@bp.post("/<int:centre_id>/orders")
@api_doc(
    summary="Record an order from outside the centre", body=NewOrderSchema, response=OrderSchema, status=201
)
@login_required
def create_order(centre_id: int) -> Any:
    """Due date in Jalali (1404/07/15); unit price in tomans, optional."""
    data = load(NewOrderSchema)
    session = db_session()
    centre = services.get_centre(session, centre_id)
    read = FieldReader()
    typed = {
        "quantity": read.collect(read_quantity, data["quantity"], "quantity"),
        "due_date": read.collect(read_day, data["due_date"], "due_date"),
        "unit_price": read.collect(read_price, data["unit_price"], "unit_price"),
    }
    order = read.run(lambda: services.create_order(session, centre, me(), **(data | typed)))
    session.commit()
    return dump(OrderSchema, order), 201


@bp.get("/orders/<int:order_id>")
@api_doc(summary="An order with each core's progress", response=OrderDetailSchema)
@login_required
def show_order(order_id: int) -> Any:
    """Only its centre's leader (and the area's managers) see it; anyone else gets 404."""
    return _order_detail(services.get_order(db_session(), me(), order_id))


@bp.get("/orders/<int:order_id>/shares")
@api_doc(summary="The shares of an order, oldest first", response=ShareSchema, paginated=True)
@login_required
def list_order_shares(order_id: int) -> Any:
    order = services.get_order(db_session(), me(), order_id)
    return _page(ShareSchema, services.order_shares_query(order))


@bp.post("/orders/<int:order_id>/shares")
@api_doc(
    summary="Share an order among the centre's cores",
    body=SplitSchema,
    response=SplitResultSchema,
    status=201,
)
@login_required
def split_order(order_id: int) -> Any:
    """All or nothing; the shares may not add up to more than what remains, nor be due after
    the order. Field errors name ``shares.<i>.<field>``."""
    data = load(SplitSchema)
    session = db_session()
    order = services.get_order(session, me(), order_id)
    read = FieldReader()
    parts = read_parts(data["shares"], read)
    shares = read.run(lambda: services.split_order(session, order, me(), parts))
    session.commit()
    return dump(SplitResultSchema, {"items": shares, "order": order}), 201


@bp.post("/orders/<int:order_id>/cancel")
@api_doc(summary="Cancel an unfinished order", response=OrderSchema)
@login_required
def cancel_order(order_id: int) -> Any:
    session = db_session()
    order = services.get_order(session, me(), order_id)
    services.cancel_order(session, order, me())
    session.commit()
    return dump(OrderSchema, order)


# --- shares, for core leaders ------------------------------------------------------------------


@bp.get("/shares")
@api_doc(
    summary="The shares given to the cores I lead, newest first",
    response=MyShareSchema,
    paginated=True,
    query={"status": "offered, accepted, declined or withdrawn"},
)
@login_required
def my_shares() -> Any:
    args = load(ListQuerySchema, request.args.to_dict())
    return _page(MyShareSchema, services.my_shares_query(db_session(), me(), status=args["status"] or None))


@bp.get("/shares/<int:share_id>")
@api_doc(summary="One share of a core I lead", response=MyShareSchema)
@login_required
def show_share(share_id: int) -> Any:
    return dump(MyShareSchema, services.get_share(db_session(), me(), share_id))


@bp.post("/shares/<int:share_id>/accept")
@api_doc(summary="Accept a share for my core", response=MyShareSchema)
@login_required
def accept_share(share_id: int) -> Any:
    session = db_session()
    share = services.accept_share(session, me(), share_id)
    session.commit()
    return dump(MyShareSchema, share)


@bp.post("/shares/<int:share_id>/decline")
@api_doc(summary="Decline a share, with a reason", body=DeclineSchema, response=MyShareSchema)
@login_required
def decline_share(share_id: int) -> Any:
    """Its quantity is free for the centre to give to another core."""
    data = load(DeclineSchema)
    session = db_session()
    share = services.decline_share(session, me(), share_id, data["reason"])
    session.commit()
    return dump(MyShareSchema, share)


@bp.post("/shares/<int:share_id>/deliver")
@api_doc(
    summary="Report units delivered on an accepted share",
    body=DeliverSchema,
    response=DeliverySchema,
    status=201,
)
@login_required
def deliver(share_id: int) -> Any:
    """Partial deliveries add up; never more than the share has left."""
    data = load(DeliverSchema)
    session = db_session()
    read = FieldReader()
    quantity = read.collect(read_quantity, data["quantity"], "quantity")
    delivery = read.run(lambda: services.report_delivery(session, me(), share_id, quantity, data["note"]))
    session.commit()
    return dump(DeliverySchema, delivery), 201
