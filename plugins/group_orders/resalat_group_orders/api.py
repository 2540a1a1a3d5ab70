"""The group orders JSON API: purchases open to cores, opening one, the supplier's answer, joining
(idempotent, it moves money), closing, calling off, and the hand-over."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    api_doc,
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

from . import plugin, services
from .models import BulkOrder, BulkPart, Purchase, Share
from .schemas import (
    AnswerSchema,
    BulkOrderDetailSchema,
    BulkOrderSchema,
    BulkPartSchema,
    DecisionSchema,
    JoinSchema,
    NewBulkOrderSchema,
    NewPurchaseSchema,
    PurchaseDetailSchema,
    PurchaseSchema,
    ShareSchema,
    SplitSchema,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


def _purchase(p: Purchase) -> dict[str, Any]:
    return {
        "id": p.id,
        "status": p.status,
        "status_text": render(services.STATUS_LABELS[p.status]),
        "reason": p.reason,
        "title": p.title,
        "product_id": p.product_id,
        "booth_id": p.booth_id,
        "booth": p.booth.name,
        "organiser_id": p.organiser_id,
        "region": p.region.code,
        "collection_point": p.collection_point,
        "listed_price": p.listed_price,
        "unit_price": p.unit_price,
        "min_quantity": p.min_quantity,
        "max_quantity": p.max_quantity,
        "joined_quantity": p.joined_quantity,
        "places_left": p.places_left,
        "deadline": p.deadline,
        "order_id": p.order_id,
        "created_at": p.created_at,
    }


def _share(s: Share, viewer_id: int) -> dict[str, Any]:
    own = s.leader_id == viewer_id
    return {
        "id": s.id,
        "purchase_id": s.purchase_id,
        "core_id": s.core_id,
        "core": s.core.name,
        "quantity": s.quantity,
        "paid": s.paid if own else None,
        "account_id": s.account_id if own else None,
        "status": s.status,
        "status_text": render(services.SHARE_STATUS_LABELS[s.status]),
        "handed_at": s.handed_at,
        "received_at": s.received_at,
    }


def _listed(query: Any) -> dict[str, Any]:
    page, per_page = page_args()
    result = paginate(db_session(), query, page, per_page)
    return {
        "items": dump(PurchaseSchema, [_purchase(p) for p in result.items], many=True),
        "meta": result.meta(),
    }


@bp.get("/purchases")
@api_doc(
    summary="Group purchases open to cores, the nearest deadline first",
    response=PurchaseSchema,
    paginated=True,
)
@login_required
def purchases() -> Any:
    return _listed(services.open_query())


@bp.get("/purchases/mine")
@api_doc(summary="The group purchases I organised, newest first", response=PurchaseSchema, paginated=True)
@login_required
def organised() -> Any:
    return _listed(services.organised_query(me()))


@bp.get("/purchases/<int:purchase_id>")
@api_doc(summary="A group purchase with the cores that joined it", response=PurchaseDetailSchema)
@login_required
def purchase(purchase_id: int) -> Any:
    """Before the supplier accepts, only its organiser, the supplier and the area's organisers see it."""
    member = me()
    found = services.visible_purchase(db_session(), member, purchase_id)
    body = _purchase(found)
    body["shares"] = [
        _share(s, member.id) for s in found.shares if s.quantity > 0 or s.leader_id == member.id
    ]
    return dump(PurchaseDetailSchema, body)


@bp.post("/purchases")
@api_doc(
    summary="Open a group purchase (a social leader, guide or admin of the collection point's area)",
    body=NewPurchaseSchema,
    response=PurchaseSchema,
    status=201,
)
@login_required
def open_purchase() -> Any:
    data = load(NewPurchaseSchema)
    session = db_session()
    found = services.open_purchase(
        session,
        me(),
        services.Draft(
            product_id=data["product_id"],
            unit_price=data["unit_price"],
            min_quantity=data["min_quantity"],
            max_quantity=data["max_quantity"],
            deadline=data["deadline"],
            collection_point=data["collection_point"],
            region=data["region"],
        ),
    )
    session.commit()
    return dump(PurchaseSchema, _purchase(found)), 201


@bp.post("/purchases/<int:purchase_id>/decision")
@api_doc(
    summary="The supplier booth's owner accepts or declines the group price",
    body=DecisionSchema,
    response=PurchaseSchema,
)
@login_required
def decision(purchase_id: int) -> Any:
    data = load(DecisionSchema)
    session = db_session()
    found = services.decide(session, me(), purchase_id, data["accept"])
    session.commit()
    return dump(PurchaseSchema, _purchase(found))


@bp.post("/purchases/<int:purchase_id>/join")
@api_doc(
    summary="Set my core's quantity (0 leaves): pays or pays back the difference",
    body=JoinSchema,
    response=ShareSchema,
    idempotent=True,
)
@login_required
@idempotent
def join(purchase_id: int) -> Any:
    """409 when the purchase is not open, its deadline passed or too few places are left; 400 when
    the money is not there or loan money may not buy this product. Nothing moves then."""
    data = load(JoinSchema)
    session = db_session()
    member = me()
    share = services.join(
        session,
        member,
        purchase_id,
        data["core_id"],
        data["quantity"],
        key=request.headers["Idempotency-Key"].strip(),
        account_id=data["account_id"],
    )
    session.commit()
    return dump(ShareSchema, _share(share, member.id))


@bp.post("/purchases/<int:purchase_id>/close")
@api_doc(summary="Close it after its deadline: order it, or pay every core back", response=PurchaseSchema)
@login_required
def close(purchase_id: int) -> Any:
    session = db_session()
    found = services.close(session, purchase_id, me())
    session.commit()
    return dump(PurchaseSchema, _purchase(found))


@bp.post("/purchases/<int:purchase_id>/cancel")
@api_doc(summary="Call it off before it is ordered: every core is paid back", response=PurchaseSchema)
@login_required
def cancel(purchase_id: int) -> Any:
    session = db_session()
    found = services.cancel(session, me(), purchase_id)
    session.commit()
    return dump(PurchaseSchema, _purchase(found))


@bp.get("/shares")
@api_doc(summary="My cores' shares, newest first", response=ShareSchema, paginated=True)
@login_required
def shares() -> Any:
    member = me()
    page, per_page = page_args()
    result = paginate(db_session(), services.mine_query(member), page, per_page)
    return {
        "items": dump(ShareSchema, [_share(s, member.id) for s in result.items], many=True),
        "meta": result.meta(),
    }


@bp.post("/shares/<int:share_id>/hand")
@api_doc(summary="The organiser records that a core's part was handed over", response=ShareSchema)
@login_required
def hand(share_id: int) -> Any:
    session = db_session()
    member = me()
    share = services.hand_over(session, member, share_id)
    session.commit()
    return dump(ShareSchema, _share(share, member.id))


@bp.post("/shares/<int:share_id>/receive")
@api_doc(
    summary="The core's leader confirms receipt; the purchase closes when every core did",
    response=ShareSchema,
)
@login_required
def receive(share_id: int) -> Any:
    session = db_session()
    member = me()
    share = services.confirm_receipt(session, member, share_id)
    session.commit()
    return dump(ShareSchema, _share(share, member.id))


# --- bulk orders ---------------------------------------------------------------------------------


def _bulk(o: BulkOrder, viewer_id: int, sees_money: bool) -> dict[str, Any]:
    return {
        "id": o.id,
        "status": o.status,
        "status_text": render(services.BULK_STATUS_LABELS[o.status]),
        "customer_id": o.customer_id,
        "customer": o.customer.name,
        "region": o.region.code,
        "description": o.description,
        "product_id": o.product_id,
        "unit": o.unit,
        "quantity": o.quantity,
        "unit_price": o.unit_price,
        "total": o.total if sees_money else None,
        "allocated": o.allocated,
        "refunded": o.refunded if o.customer_id == viewer_id else None,
        "deadline": o.deadline,
        "place": o.place,
        "created_at": o.created_at,
    }


def _part(p: BulkPart) -> dict[str, Any]:
    return {
        "id": p.id,
        "order_id": p.order_id,
        "core_id": p.core_id,
        "core": p.core.name,
        "quantity": p.quantity,
        "amount": p.amount,
        "paid": p.paid,
        "status": p.status,
        "status_text": render(services.PART_STATUS_LABELS[p.status]),
        "delivered_at": p.delivered_at,
        "confirmed_at": p.confirmed_at,
    }


def _bulk_listed(query: Any, sees_money: bool) -> dict[str, Any]:
    member = me()
    page, per_page = page_args()
    result = paginate(db_session(), query, page, per_page)
    return {
        "items": dump(BulkOrderSchema, [_bulk(o, member.id, sees_money) for o in result.items], many=True),
        "meta": result.meta(),
    }


@bp.get("/bulk")
@api_doc(
    summary="The bulk orders I placed as a customer, newest first", response=BulkOrderSchema, paginated=True
)
@login_required
def bulk_mine() -> Any:
    return _bulk_listed(services.bulk.customer_query(me()), True)


@bp.get("/bulk/area")
@api_doc(
    summary="Open bulk orders of my area to split (a social leader, guide or admin), oldest first",
    response=BulkOrderSchema,
    paginated=True,
)
@login_required
def bulk_area() -> Any:
    """Empty for a member who leads no area."""
    return _bulk_listed(services.bulk.to_split_query(db_session(), me()), True)


@bp.get("/bulk/parts")
@api_doc(summary="The parts given to the cores I lead, newest first", response=BulkPartSchema, paginated=True)
@login_required
def bulk_parts() -> Any:
    page, per_page = page_args()
    result = paginate(db_session(), services.bulk.parts_query(me()), page, per_page)
    return {"items": dump(BulkPartSchema, [_part(p) for p in result.items], many=True), "meta": result.meta()}


@bp.get("/bulk/<int:order_id>")
@api_doc(summary="A bulk order with the parts I may see", response=BulkOrderDetailSchema)
@login_required
def bulk_order(order_id: int) -> Any:
    """Its customer and the area's leaders see every part; a core's leader only their own; 404 otherwise."""
    session = db_session()
    member = me()
    order = services.bulk.visible_bulk(session, member, order_id)
    sees = order.customer_id == member.id or services.bulk.splits(member, order)
    body = _bulk(order, member.id, sees)
    body["parts"] = [_part(p) for p in services.bulk.parts_seen(session, member, order)]
    return dump(BulkOrderDetailSchema, body)


@bp.post("/bulk")
@api_doc(
    summary="Place a bulk order and pay its total from my main account into escrow",
    body=NewBulkOrderSchema,
    response=BulkOrderSchema,
    status=201,
    idempotent=True,
)
@login_required
@idempotent
def bulk_place() -> Any:
    """400 when a field is wrong or the main account holds less than the total: nothing moves then.
    The same Idempotency-Key again answers the same order, paid once."""
    data = load(NewBulkOrderSchema)
    session = db_session()
    member = me()
    order = services.bulk.place_bulk(
        session,
        member,
        services.bulk.BulkDraft(
            description=data["description"],
            unit=data["unit"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            deadline=data["deadline"],
            place=data["place"],
            region=data["region"],
            product_id=data["product_id"],
        ),
        key=request.headers["Idempotency-Key"].strip(),
    )
    session.commit()
    return dump(BulkOrderSchema, _bulk(order, member.id, True)), 201


@bp.post("/bulk/<int:order_id>/split")
@api_doc(
    summary="Split what is left of a bulk order among active cores of my area",
    body=SplitSchema,
    response=BulkPartSchema,
    many=True,
)
@login_required
def bulk_split(order_id: int) -> Any:
    """400 when the quantities do not add up to what is left or a core is not an active core of the
    area; 403 outside the area; 409 when the order is closed or fully given."""
    data = load(SplitSchema)
    session = db_session()
    parts = services.bulk.split(
        session,
        me(),
        order_id,
        [services.bulk.PartAsk(p["core_id"], p["quantity"]) for p in data["parts"]],
    )
    session.commit()
    return dump(BulkPartSchema, [_part(p) for p in parts], many=True)


@bp.post("/bulk/<int:order_id>/cancel")
@api_doc(summary="The customer cancels what is not delivered; its money comes back", response=BulkOrderSchema)
@login_required
def bulk_cancel(order_id: int) -> Any:
    session = db_session()
    member = me()
    order = services.bulk.cancel_bulk(session, member, order_id)
    session.commit()
    return dump(BulkOrderSchema, _bulk(order, member.id, True))


@bp.post("/bulk/parts/<int:part_id>/answer")
@api_doc(summary="The core's leader accepts or declines its part", body=AnswerSchema, response=BulkPartSchema)
@login_required
def bulk_answer(part_id: int) -> Any:
    data = load(AnswerSchema)
    session = db_session()
    part = services.bulk.answer(session, me(), part_id, data["accept"])
    session.commit()
    return dump(BulkPartSchema, _part(part))


@bp.post("/bulk/parts/<int:part_id>/deliver")
@api_doc(summary="The core's leader records its part delivered", response=BulkPartSchema)
@login_required
def bulk_deliver(part_id: int) -> Any:
    session = db_session()
    part = services.bulk.deliver(session, me(), part_id)
    session.commit()
    return dump(BulkPartSchema, _part(part))


@bp.post("/bulk/parts/<int:part_id>/confirm")
@api_doc(
    summary="The customer confirms a delivered part: its core's leader is paid its share at once",
    response=BulkPartSchema,
)
@login_required
def bulk_confirm(part_id: int) -> Any:
    """409 when the part is not delivered or was already confirmed (paid once, never twice)."""
    session = db_session()
    part = services.bulk.confirm(session, me(), part_id)
    session.commit()
    return dump(BulkPartSchema, _part(part))
