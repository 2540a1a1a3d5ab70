"""The vouchers' JSON API: my vouchers, giving one on, issuing batches, a booth charging a voucher."""

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
    paginate,
)

from . import plugin, services
from .schemas import (
    BatchSchema,
    ChargeDoneSchema,
    ChargePreviewSchema,
    ChargeSchema,
    GiftSchema,
    NewBatchSchema,
    UseSchema,
    VoucherDetailSchema,
    VoucherSchema,
)
from .views import masked

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


@bp.get("/vouchers")
@api_doc(summary="My vouchers, newest first", response=VoucherSchema, paginated=True)
@login_required
def list_vouchers() -> Any:
    page = paginate(db_session(), services.vouchers_query(me()))
    return {"items": dump(VoucherSchema, page.items, many=True), "meta": page.meta()}


@bp.get("/vouchers/<int:voucher_id>")
@api_doc(summary="One of my vouchers, with its latest uses", response=VoucherDetailSchema)
@login_required
def get_voucher(voucher_id: int) -> Any:
    """Another member's voucher answers 404. ``uses`` holds the latest 20, the latest first; all
    of them are at ``/vouchers/<voucher_id>/uses``, page by page."""
    session = db_session()
    voucher = services.own_voucher(session, me(), voucher_id)
    data = dump(VoucherSchema, voucher)
    data["uses"] = dump(UseSchema, services.uses_of(session, voucher), many=True)
    return data


@bp.get("/vouchers/<int:voucher_id>/uses")
@api_doc(summary="What happened to one of my vouchers, the latest first", response=UseSchema, paginated=True)
@login_required
def voucher_uses(voucher_id: int) -> Any:
    """Another member's voucher answers 404."""
    session = db_session()
    voucher = services.own_voucher(session, me(), voucher_id)
    page = paginate(session, services.uses_query(voucher))
    return {"items": dump(UseSchema, page.items, many=True), "meta": page.meta()}


@bp.post("/vouchers/<int:voucher_id>/gift")
@api_doc(summary="Give my voucher to another member by mobile", body=GiftSchema, response=VoucherSchema)
@login_required
@idempotent
def gift_voucher(voucher_id: int) -> Any:
    """Only an administrator's vouchers may be given on; the answer is the voucher as given."""
    data = load(GiftSchema)
    session = db_session()
    voucher = services.give_voucher(session, me(), voucher_id, data["mobile"])
    session.commit()
    return dump(VoucherSchema, voucher)


@bp.get("/batches")
@api_doc(summary="The batches I issued, newest first", response=BatchSchema, paginated=True)
@login_required
def list_batches() -> Any:
    page = paginate(db_session(), services.batches_query(me()))
    return {"items": dump(BatchSchema, page.items, many=True), "meta": page.meta()}


@bp.post("/batches")
@api_doc(summary="Issue a batch of vouchers", body=NewBatchSchema, response=BatchSchema, status=201)
@login_required
@idempotent
def create_batch() -> Any:
    """As an administrator (from the vouchers' budget, to members in your region), a supporter
    (from your main account, to members you support) or an organisation (to your people). The
    whole batch is paid at once into the vouchers' float; any mistake refuses all of it."""
    data = load(NewBatchSchema)
    session = db_session()
    batch = services.issue_batch(
        session,
        me(),
        kind=data["issue_as"],
        title=data["title"],
        amount=data["amount_rials"],
        expires_on=data["expires_on"],
        mobiles=data["mobiles"],
        key=request.headers["Idempotency-Key"].strip(),
        categories=data["categories"],
        booths=data["booths"],
        regions=data["regions"],
        programmes=data["programmes"],
    )
    session.commit()
    return dump(BatchSchema, batch), 201


@bp.post("/charges/preview")
@api_doc(
    summary="Check a voucher a booth scanned before charging it",
    body=ChargeSchema,
    response=ChargePreviewSchema,
)
@login_required
def preview_charge() -> Any:
    """Nothing moves: the answer is what the booth confirms (the holder's name partly hidden)."""
    data = load(ChargeSchema)
    checked = services.preview_charge(
        db_session(), me(), data["booth_id"], data["code"], data["amount_rials"]
    )
    out = dump(ChargePreviewSchema, checked)
    out["holder"] = masked(checked.voucher.holder.name)
    return out


@bp.post("/charges")
@api_doc(summary="Charge a voucher at my booth", body=ChargeSchema, response=ChargeDoneSchema, status=201)
@login_required
@idempotent
def create_charge() -> Any:
    """The amount moves from the vouchers' float to the booth owner's main account, once per key."""
    data = load(ChargeSchema)
    session = db_session()
    use = services.charge(
        session,
        me(),
        data["booth_id"],
        data["code"],
        data["amount_rials"],
        key=request.headers["Idempotency-Key"].strip(),
    )
    session.commit()
    return dump(ChargeDoneSchema, use), 201
