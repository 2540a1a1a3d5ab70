"""M-Aghsat's JSON API: plans, the offers for my cart (with why not), my purchases and paying one,
a supporter's payment, the seller's opt-in; for administrators, plans and the fund's exposure."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from resalat_bazaar import services as bazaar
from resalat_merat import services as merat

from resalat_aghsat import ADMIN, plugin, services
from resalat_aghsat.models import Plan, Purchase
from resalat_aghsat.schemas import (
    ExposureQuerySchema,
    ExposureSchema,
    OfferSchema,
    OptInBodySchema,
    OptInSchema,
    PayBodySchema,
    PaymentSchema,
    PlanBodySchema,
    PlanSchema,
    PurchaseSchema,
    SupportBodySchema,
    SupportSchema,
)
from resalat_core.sdk import (
    api_doc,
    area_of,
    db_session,
    dump,
    idempotent,
    load,
    login_required,
    me,
    paginate,
    permission_required,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


def _plan(plan: Plan, rating: str | None) -> dict[str, Any]:
    return {
        "id": plan.id,
        "code": plan.code,
        "method": services.method_code(plan),
        "name_fa": plan.name_fa,
        "name_en": plan.name_en,
        "months": plan.months,
        "down_bps": plan.down_bps,
        "fee_bps": plan.fee_bps,
        "min_rating": plan.min_rating,
        "amount_min": plan.amount_min,
        "amount_max": plan.amount_max,
        "categories": plan.categories,
        "booths": plan.booths,
        "programmes": plan.programmes,
        "active": plan.active,
        "rating_ok": rating is not None and merat.rating_at_least(rating, plan.min_rating),
    }


def _purchase(p: Purchase) -> dict[str, Any]:
    return {
        "id": p.id,
        "plan": p.plan.code,
        "order_id": p.order_id,
        "status": p.status,
        "bucket": p.bucket,
        "price": p.price,
        "down_payment": p.down_payment,
        "financed": p.financed,
        "fee": p.fee,
        "total": p.total,
        "months": p.months,
        "created_at": p.created_at,
        "schedule": [
            {
                "seq": i.seq,
                "due_on": i.due_on,
                "principal": i.principal,
                "fee": i.fee,
                "amount": i.amount,
                "paid": i.paid,
                "paid_on": i.paid_on,
            }
            for i in p.schedule
        ],
    }


def _rating() -> str | None:
    score = merat.current_score(db_session(), me())
    return score.rating if score is not None else None


@bp.get("/plans")
@api_doc(
    summary="The instalment plans on offer, and whether my Merat rating qualifies",
    response=PlanSchema,
    many=True,
)
@login_required
def list_plans() -> Any:
    rating = _rating()
    return dump(PlanSchema, [_plan(p, rating) for p in services.plans(db_session())], many=True)


@bp.get("/offers")
@api_doc(
    summary="Every plan for my M-Bazar cart now: down payment, instalments, total, or why not",
    response=OfferSchema,
    many=True,
)
@login_required
def offers() -> Any:
    """A plan that cannot be taken (a rating too low, a booth that does not sell in instalments, a
    limit reached) is listed with ``available`` false and the reason in my language."""
    session = db_session()
    member = me()
    parts = services.parts_of_cart(bazaar.cart(session, member))
    rows = [
        {
            "method": services.method_code(o.plan),
            "plan": services.plan_name(o.plan),
            "months": o.plan.months,
            "pay_now_rials": o.down_payment,
            "later_rials": o.later,
            "total_rials": o.total,
            "instalments_rials": list(o.instalments),
            "available": o.refused is None,
            "reason": o.refused,
        }
        for o in services.offers(session, member, parts)
    ]
    return dump(OfferSchema, rows, many=True)


@bp.get("/purchases")
@api_doc(
    summary="My instalment purchases, newest first, with their schedules",
    response=PurchaseSchema,
    paginated=True,
)
@login_required
def my_purchases() -> Any:
    page = paginate(db_session(), services.purchases_query(me()))
    return {"items": dump(PurchaseSchema, [_purchase(p) for p in page.items], many=True), "meta": page.meta()}


@bp.get("/purchases/<int:purchase_id>")
@api_doc(summary="One of my instalment purchases with its schedule", response=PurchaseSchema)
@login_required
def get_purchase(purchase_id: int) -> Any:
    return dump(PurchaseSchema, _purchase(services.own_purchase(db_session(), me(), purchase_id)))


@bp.post("/purchases/<int:purchase_id>/pay")
@api_doc(
    summary="Pay my next instalment now from my main account", body=PayBodySchema, response=PaymentSchema
)
@login_required
@idempotent
def pay(purchase_id: int) -> Any:
    """Early or late, the same amount; once per Idempotency-Key."""
    data = load(PayBodySchema, request.get_json(silent=True) or {})
    session = db_session()
    payment = services.pay_next(
        session, me(), purchase_id, key=request.headers.get("Idempotency-Key", ""), first=data["first"]
    )
    session.commit()
    found = services.own_purchase(session, me(), purchase_id)
    return dump(
        PaymentSchema,
        {
            "id": payment.id,
            "amount": payment.amount,
            "principal": payment.principal,
            "fee": payment.fee,
            "purchase": _purchase(found),
        },
    )


@bp.post("/support")
@api_doc(
    summary="Pay part of a member's instalment purchase, as their supporter",
    body=SupportBodySchema,
    response=SupportSchema,
    status=201,
)
@login_required
@idempotent
def support() -> Any:
    """The purchase is named by its number and its buyer's mobile; the buyer is told who paid."""
    data = load(SupportBodySchema)
    session = db_session()
    found = services.find_for_supporter(session, data["mobile"], data["purchase"])
    payment = services.support(
        session, me(), found, data["amount"], key=request.headers.get("Idempotency-Key", "")
    )
    session.commit()
    return dump(SupportSchema, {"id": payment.id, "purchase_id": found.id, "amount": payment.amount}), 201


@bp.put("/booths/<int:booth_id>")
@api_doc(summary="Sell at my booth in instalments, or stop", body=OptInBodySchema, response=OptInSchema)
@login_required
def opt_in(booth_id: int) -> Any:
    data = load(OptInBodySchema)
    session = db_session()
    on = services.set_opt_in(session, me(), booth_id, data["on"])
    session.commit()
    return dump(OptInSchema, {"booth_id": booth_id, "on": on})


@bp.post("/plans")
@api_doc(
    summary="Create an instalment plan, or change the plan with this code",
    body=PlanBodySchema,
    response=PlanSchema,
)
@permission_required(ADMIN)
def save_plan() -> Any:
    """Months, the down payment's share and the fee are checked against the settings (the norms)."""
    data = load(PlanBodySchema)
    session = db_session()
    existing = services.plan_by_code(session, data["code"].strip().lower())
    plan = services.save_plan(session, data, existing)
    session.commit()
    return dump(PlanSchema, _plan(plan, _rating()))


@bp.get("/exposure")
@api_doc(
    summary="What the instalment fund has out, by province or by rating, in my area",
    response=ExposureSchema,
    many=True,
    query={"by": "region (default) or rating"},
)
@permission_required(ADMIN)
def exposure() -> Any:
    args = load(ExposureQuerySchema, request.args.to_dict())
    session = db_session()
    rows = services.exposure(session, area_of(session, me(), ADMIN), args["by"])
    return dump(ExposureSchema, [r.__dict__ for r in rows], many=True)
