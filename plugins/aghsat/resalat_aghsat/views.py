"""M-Aghsat's pages: my instalments, a purchase's schedule, paying one now, a supporter's payment,
the seller's opt-in; for administrators, the plans and the fund's exposure."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from resalat_bazaar import services as bazaar
from resalat_merat import services as merat

from resalat_aghsat import ADMIN, FUND, plugin, services
from resalat_aghsat.models import RUNNING
from resalat_core.sdk import (
    BadInput,
    FieldReader,
    _,
    _l,
    area_of,
    chosen_id,
    db_session,
    format_money,
    handle_form,
    login_required,
    main_account,
    me,
    paginate,
    permission_required,
    system_account,
    today_in_iran,
)

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")

STATUS_LABELS = {
    "running": _l("Running"),
    "repaid": _l("Paid off"),
    "cancelled": _l("Cancelled"),
}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "plan_name": services.plan_name,
        "status_label": lambda s: STATUS_LABELS.get(s, s),
        "bucket_label": lambda b: services.BUCKET_LABELS.get(b, b),
        "rating_name": merat.rating_name,
        "today": today_in_iran(),
    }


@bp.get("/")
@login_required
def home() -> Any:
    """My instalments: each purchase with its next instalment; the plans and my standing."""
    session = db_session()
    member = me()
    page = paginate(session, services.purchases_query(member))
    score = merat.current_score(session, member)
    rating = score.rating if score is not None else None
    return render_template(
        "aghsat/home.html",
        page=page,
        plans=services.plans(session),
        rating=rating,
        owed=services.owed(session, member),
        limit=services.limit_for(rating) if rating else 0,
        rating_ok=lambda plan: rating is not None and merat.rating_at_least(rating, plan.min_rating),
    )


@bp.get("/purchases/<int:purchase_id>")
@login_required
def purchase(purchase_id: int) -> Any:
    """A purchase's schedule: each instalment, its due day, what is paid; who paid what."""
    session = db_session()
    found = services.own_purchase(session, me(), purchase_id)
    return render_template(
        "aghsat/purchase.html",
        purchase=found,
        payments=services.payments_of(session, found),
        next_item=services.next_instalment(found),
        order_url=url_for("bazaar.order", order_id=found.order_id),
    )


@bp.get("/purchases/<int:purchase_id>/pay")
@login_required
def confirm_pay(purchase_id: int) -> Any:
    """Pay one now, the confirmation step: which instalment, how much, from which account."""
    session = db_session()
    member = me()
    found = services.own_purchase(session, member, purchase_id)
    item = services.next_instalment(found)
    if found.status != RUNNING or item is None:
        flash(_("This purchase has nothing left to pay."), "info")
        return redirect(url_for(".purchase", purchase_id=found.id))
    return render_template(
        "aghsat/pay.html",
        purchase=found,
        item=item,
        balance=main_account(session, member).available,
        key=uuid.uuid4().hex,
    )


@bp.post("/purchases/<int:purchase_id>/pay")
@login_required
def pay(purchase_id: int) -> Any:
    form = request.form

    def act(session: Any) -> Any:
        read = FieldReader()
        first = read.count(form.get("first", ""), "first", required=False)
        return read.run(
            lambda: services.pay_next(session, me(), purchase_id, key=form.get("key", ""), first=first)
        )

    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors.get("_form") or next(iter(errors.values()), ""), "danger")
        return redirect(url_for(".purchase", purchase_id=purchase_id))

    return handle_form(
        act, again=again, to=url_for(".purchase", purchase_id=purchase_id), done=_l("Paid. Thank you.")
    )


# --- a supporter pays part of a member's purchase -------------------------------------------------


@bp.get("/support")
@login_required
def support() -> Any:
    """A supporter names a member's purchase (their mobile and its number) and an amount; when all
    three are right the page shows whose purchase and what will be paid, to confirm."""
    values = request.args
    if not (values.get("mobile") or values.get("number") or values.get("amount")):
        return _support_page({}, None, None, 200)
    try:
        found, amount = _read_support(db_session(), values)
    except BadInput as exc:
        return _support_page(exc.form_errors(), None, None, 400)
    return _support_page({}, found, amount, 200)


@bp.post("/support")
@login_required
def support_pay() -> Any:
    form = request.form

    def act(session: Any) -> Any:
        found, amount = _read_support(session, form)
        return services.support(session, me(), found, amount, key=form.get("key", ""))

    return handle_form(
        act,
        again=lambda errors, status: _support_page(errors, None, None, status),
        to=url_for(".support"),
        done=_l("Paid. Thank you for your support."),
    )


def _read_support(session: Any, values: Any) -> tuple[Any, int]:
    read = FieldReader()
    amount = read.money(values.get("amount"), "amount")
    found = read.collect(
        services.find_for_supporter, session, values.get("mobile"), chosen_id(values.get("number"))
    )
    if found is None and "number" not in read.errors and "_form" in read.errors:
        read.keep("number", read.errors.pop("_form"))
    if found is not None and amount is not None:
        left = sum(i.left for i in services.unpaid(found))
        if amount > left:
            read.keep("amount", _("At most %(left)s is left to pay.", left=format_money(left)))
    if read.errors:
        raise BadInput(_("Please correct the marked fields."), fields=dict(read.errors))
    assert found is not None and amount is not None
    return found, amount


def _support_page(errors: dict[str, str], found: Any, amount: int | None, status: int) -> Any:
    values = request.values
    return render_template(
        "aghsat/support.html",
        errors=errors,
        found=found,
        amount=amount,
        values=values,
        balance=main_account(db_session(), me()).available,
        key=values.get("key") or uuid.uuid4().hex,
    ), status


# --- the seller's opt-in --------------------------------------------------------------------------


@bp.get("/booths")
@login_required
def booths() -> Any:
    """The seller's booths, each with whether buyers may pay it in instalments."""
    session = db_session()
    mine = bazaar.booths_of(session, me())
    return render_template(
        "aghsat/booths.html", booths=mine, on=services.opted_in(session, [b.id for b in mine])
    )


@bp.post("/booths/<int:booth_id>")
@login_required
def set_booth(booth_id: int) -> Any:
    on = request.form.get("on") == "1"

    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors.get("_form") or next(iter(errors.values()), ""), "danger")
        return redirect(url_for(".booths"))

    return handle_form(
        lambda s: services.set_opt_in(s, me(), booth_id, on),
        again=again,
        to=url_for(".booths"),
        done=_l("Buyers may now pay this booth in instalments.")
        if on
        else _l("This booth no longer sells in instalments."),
    )


# --- administrators -------------------------------------------------------------------------------


def _plan_data(form: Any) -> tuple[dict[str, Any], FieldReader]:
    read = FieldReader()
    data: dict[str, Any] = {
        "code": form.get("code", ""),
        "name_fa": form.get("name_fa", ""),
        "name_en": form.get("name_en", ""),
        "min_rating": form.get("min_rating", ""),
        "months": read.count(form.get("months"), "months"),
        "down_bps": read.count(form.get("down_percent"), "down_percent"),
        "fee_bps": read.count(form.get("fee_bps"), "fee_bps", minimum=0),
        "amount_min": read.money(form.get("amount_min"), "amount_min", required=False, allow_zero=True) or 0,
        "amount_max": read.money(form.get("amount_max"), "amount_max"),
        "categories": [c.strip() for c in form.get("categories", "").split(",") if c.strip()],
        "programmes": [p.strip() for p in form.get("programmes", "").split(",") if p.strip()],
        "active": form.get("active") == "1",
    }
    if data["down_bps"] is not None:
        data["down_bps"] *= 100  # typed as a percent
    booths = [chosen_id(b.strip()) for b in form.get("booths", "").split(",") if b.strip()]
    if any(b is None for b in booths):
        read.keep("booths", _("Booth numbers, separated by commas."))
    data["booths"] = [b for b in booths if b is not None]
    return data, read


def _plans_page(errors: dict[str, str], status: int, editing: Any = None) -> Any:
    session = db_session()
    return render_template(
        "aghsat/admin_plans.html",
        plans=services.plans(session, active_only=False),
        errors=errors,
        values=request.form if request.method == "POST" else {},
        editing=editing,
        ratings=merat.RATINGS,
        fund=system_account(session, FUND).available,
        settings={
            k: plugin.setting(k)
            for k in ("months_min", "months_max", "down_bps_min", "down_bps_max", "max_fee_bps")
        },
    ), status


@bp.get("/admin/plans")
@permission_required(ADMIN)
def admin_plans() -> Any:
    """The plans, a form to add one, and the fund's balance."""
    editing = None
    if request.args.get("edit"):
        editing = services.get_plan(db_session(), chosen_id(request.args.get("edit")) or 0)
    return _plans_page({}, 200, editing)


@bp.post("/admin/plans")
@permission_required(ADMIN)
def save_plan() -> Any:
    """Add a plan, or change the one named by ``plan_id``; every wrong field is said at once."""
    form = request.form
    plan_id = chosen_id(form.get("plan_id"))

    def act(session: Any) -> Any:
        data, read = _plan_data(form)
        existing = services.get_plan(session, plan_id) if plan_id else None
        try:
            return read.run(lambda: services.save_plan(session, data, existing))
        except BadInput as exc:
            if "down_bps" in exc.fields:  # the page asks for a percent, not basis points
                del exc.fields["down_bps"]
                exc.fields["down_percent"] = _(
                    "Enter a percent from %(low)s to %(high)s.",
                    low=int(plugin.setting("down_bps_min")) // 100,
                    high=int(plugin.setting("down_bps_max")) // 100,
                )
            raise

    return handle_form(
        act,
        again=lambda errors, status: _plans_page(
            errors, status, services.get_plan(db_session(), plan_id) if plan_id else None
        ),
        to=url_for(".admin_plans"),
        done=_l("Saved."),
    )


@bp.get("/admin/exposure")
@permission_required(ADMIN)
def admin_exposure() -> Any:
    """What the instalment fund has out in running purchases, by province and by rating (the admin's area)."""
    session = db_session()
    area = area_of(session, me(), ADMIN)
    return render_template(
        "aghsat/admin_exposure.html",
        by_region=services.exposure(session, area, "region"),
        by_rating=services.exposure(session, area, "rating"),
        fund=system_account(session, FUND).available,
    )
