"""Pay-later pages: my limit and purchases with pay now (confirmed first), and the admins' view."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from resalat_core.sdk import (
    _l,
    area_of,
    db_session,
    handle_form,
    login_required,
    main_account,
    me,
    paginate,
    permission_required,
)

from . import VIEW_DEBTS, plugin, services
from .models import OPEN

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"status_label": services.STATUS_LABELS, "bucket_label": services.BUCKET_LABELS, "OPEN": OPEN}


@bp.get("/")
@login_required
def mine() -> Any:
    """My limit (used, free, frozen) and my purchases, those to pay first."""
    session = db_session()
    member = me()
    return render_template(
        "paylater/mine.html",
        standing=services.standing(session, member),
        page=paginate(session, services.debts_query(member)),
        today=services.today(),
        due_days=int(plugin.setting("due_days")),
    )


@bp.get("/debts/<int:debt_id>/pay")
@login_required
def confirm_pay(debt_id: int) -> Any:
    """The confirmation step: what will be paid, from which account; nothing moves yet."""
    session = db_session()
    member = me()
    debt = services.own_debt(session, member, debt_id)
    if debt.status != OPEN:
        flash(_l("This purchase is already %(status)s.", status=services.STATUS_LABELS[debt.status]), "info")
        return redirect(url_for(".mine"))
    return render_template(
        "paylater/pay.html",
        debt=debt,
        balance=main_account(session, member).available,
        key=uuid.uuid4().hex,
    )


@bp.post("/debts/<int:debt_id>/pay")
@login_required
def pay(debt_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".mine"))

    return handle_form(
        lambda session: services.pay(session, me(), debt_id),
        again=again,
        to=url_for(".mine"),
        done=_l("Paid. Thank you: your limit is free again."),
    )


@bp.get("/admin")
@permission_required(VIEW_DEBTS)
def admin() -> Any:
    """Open and overdue pay-later debts by region, and the overdue ones, within the admin's area."""
    session = db_session()
    area = area_of(session, me(), VIEW_DEBTS)
    day = services.today()
    return render_template(
        "paylater/admin.html",
        regions=services.by_region(session, area, day),
        page=paginate(session, services.overdue_query(area, day)),
        fund=services.fund_balance(session),
        today=day,
    )
