"""The pay-later JSON API: my limit, my purchases, paying one now; the admins' view of debts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from resalat_core.sdk import (
    api_doc,
    area_of,
    current_language,
    db_session,
    dump,
    idempotent,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    render,
)

from . import VIEW_DEBTS, plugin, services
from .models import Debt
from .schemas import DebtSchema, LimitSchema, OverdueDebtSchema, RegionSummarySchema

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


def _debt(debt: Debt, day: Any) -> dict[str, Any]:
    return {
        "id": debt.id,
        "order_id": debt.order_id,
        "amount": debt.amount,
        "status": debt.status,
        "bucket": debt.bucket,
        "due_on": debt.due_on,
        "overdue": debt.is_overdue(day),
        "paid_on": debt.paid_on,
        "paid_by": debt.paid_by,
        "returned": debt.returned,
        "created_at": debt.created_at,
    }


@bp.get("/limit")
@api_doc(summary="My pay-later limit: in use, free, frozen", response=LimitSchema)
@login_required
def limit() -> Any:
    """The limit comes from my valid Merat score (rating and monthly capacity) and the settings'
    table; it is frozen (free 0) while a purchase is overdue."""
    now = services.standing(db_session(), me())
    return dump(
        LimitSchema,
        {
            "rating": now.rating,
            "capacity": now.capacity,
            "limit": now.limit,
            "used": now.used,
            "free": now.free,
            "frozen": now.frozen,
            "overdue": now.overdue,
            "next_due": now.next_due,
            "due_days": int(plugin.setting("due_days")),
            "reason": now.reason,
            "reason_text": render(now.reason_text) if now.reason_text else None,
        },
    )


@bp.get("/debts")
@api_doc(summary="My pay-later purchases, those to pay first", response=DebtSchema, paginated=True)
@login_required
def debts() -> Any:
    page, per_page = page_args()
    found = paginate(db_session(), services.debts_query(me()), page, per_page)
    day = services.today()
    return {"items": dump(DebtSchema, [_debt(d, day) for d in found.items], many=True), "meta": found.meta()}


@bp.get("/debts/<int:debt_id>")
@api_doc(summary="One of my pay-later purchases", response=DebtSchema)
@login_required
def debt(debt_id: int) -> Any:
    return dump(DebtSchema, _debt(services.own_debt(db_session(), me(), debt_id), services.today()))


@bp.post("/debts/<int:debt_id>/pay")
@api_doc(
    summary="Pay one of my pay-later purchases now, in full, from my main account",
    response=DebtSchema,
    idempotent=True,
)
@login_required
@idempotent
def pay(debt_id: int) -> Any:
    """No fee, early or late. Too little in the main account is a 400 (insufficient_funds); a
    purchase already paid or cancelled is a 409. Nothing moves on a refusal."""
    session = db_session()
    found = services.pay(session, me(), debt_id)
    session.commit()
    return dump(DebtSchema, _debt(services.own_debt(session, me(), found.id), services.today()))


@bp.get("/admin/regions")
@api_doc(
    summary="Open and overdue pay-later debts by region (within my area)",
    response=RegionSummarySchema,
    many=True,
)
@permission_required(VIEW_DEBTS)
def regions() -> Any:
    session = db_session()
    lang = current_language()
    rows = services.by_region(session, area_of(session, me(), VIEW_DEBTS))
    return dump(
        RegionSummarySchema,
        [
            {
                "region": r.region.code,
                "region_name": r.region.name(lang),
                "open_count": r.open_count,
                "open_rials": r.open_rials,
                "overdue_count": r.overdue_count,
                "overdue_rials": r.overdue_rials,
            }
            for r in rows
        ],
        many=True,
    )


@bp.get("/admin/overdue")
@api_doc(
    summary="Overdue pay-later debts (within my area), the oldest first",
    response=OverdueDebtSchema,
    paginated=True,
)
@permission_required(VIEW_DEBTS)
def overdue() -> Any:
    session = db_session()
    page, per_page = page_args()
    day = services.today()
    found = paginate(session, services.overdue_query(area_of(session, me(), VIEW_DEBTS), day), page, per_page)
    items = [
        {
            **_debt(d, day),
            "member_id": d.member_id,
            "member_name": d.member.name,
            "region": d.region.code,
            "days_overdue": d.days_overdue(day),
        }
        for d in found.items
    ]
    return {"items": dump(OverdueDebtSchema, items, many=True), "meta": found.meta()}
