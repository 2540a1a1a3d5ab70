"""Group orders' pages: the list, opening a purchase, a purchase with its cores, joining (with a
confirmation before money moves), the supplier's answer, closing and the hand-over."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from resalat_core.sdk import (
    BadInput,
    Conflict,
    FieldReader,
    _l,
    account_name,
    area_of,
    chosen_id,
    current_language,
    db_session,
    flash_back,
    handle_form,
    login_required,
    me,
    paginate,
    permission_required,
    region_choices,
    utcnow,
)

from . import ORGANISE, plugin, services
from .models import DELIVERED, HANDED, JOINED, OPEN, PROPOSED

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "status_label": services.STATUS_LABELS,
        "share_label": services.SHARE_STATUS_LABELS,
        "reason_label": services.REASON_LABELS,
        "account_name": account_name,
    }


@bp.get("/")
@login_required
def index() -> Any:
    """What waits for me (a supplier's answer, parts to confirm), my cores' shares, what I
    organised, and the purchases open to cores, nearest deadline first."""
    session = db_session()
    member = me()
    area = area_of(session, member, ORGANISE)
    return render_template(
        "group_orders/index.html",
        asked=list(session.scalars(services.supplier_query(member).limit(20)).unique()),
        shares=paginate(session, services.mine_query(member), 1, 10),
        organised=paginate(session, services.organised_query(member), 1, 10),
        page=paginate(session, services.open_query()),
        may_organise=area is None or bool(area),
    )


# --- opening -------------------------------------------------------------------------------------


def _new_form(errors: dict[str, str] | None = None, status: int = 200, values: Any = None) -> Any:
    session = db_session()
    member = me()
    area = area_of(session, member, ORGANISE)
    values = values if values is not None else MultiDict({"region": member.region.code})
    return (
        render_template(
            "group_orders/new.html",
            products=services.products_to_choose(session, member),
            regions=region_choices(session, current_language(), within=area),
            errors=errors or {},
            values=values,
        ),
        status,
    )


@bp.get("/new")
@permission_required(ORGANISE)
def new() -> Any:
    """The form that opens a collective purchase: a product, the group price, quantities, a deadline."""
    return _new_form()


@bp.post("/new")
@permission_required(ORGANISE)
def create() -> Any:
    form = request.form

    def act(session: Any) -> Any:
        read = FieldReader()
        draft = services.Draft(
            product_id=chosen_id(form.get("product")),
            unit_price=read.money(form.get("unit_price"), "unit_price"),
            min_quantity=read.count(form.get("min_quantity"), "min_quantity"),
            max_quantity=read.count(form.get("max_quantity"), "max_quantity"),
            deadline=read.day(form.get("deadline"), "deadline"),
            collection_point=form.get("collection_point", ""),
            region=form.get("region", ""),
        )
        return read.run(lambda: services.open_purchase(session, me(), draft))

    return handle_form(
        act,
        again=lambda errors, status: _new_form(errors, status, form),
        to=lambda purchase: url_for(".detail", purchase_id=purchase.id),
        done=_l("Opened. The supplier is asked to accept the group price."),
    )


# --- one purchase --------------------------------------------------------------------------------


def _detail(
    purchase_id: int, errors: dict[str, str] | None = None, status: int = 200, values: Any = None
) -> Any:
    session = db_session()
    member = me()
    purchase = services.visible_purchase(session, member, purchase_id)
    my_cores = services.leader_cores(session, member) if purchase.status == OPEN else []
    mine = {s.core_id: s for s in purchase.shares if s.leader_id == member.id}
    return (
        render_template(
            "group_orders/purchase.html",
            purchase=purchase,
            shares=[s for s in purchase.shares if s.quantity > 0 or s.leader_id == member.id],
            mine=mine,
            my_cores=my_cores,
            accounts=services.accounts_to_pay_from(session, member) if my_cores else [],
            manages=services.manages(member, purchase),
            supplier=purchase.booth.owner_id == member.id,
            deadline_passed=purchase.deadline <= utcnow(),
            errors=errors or {},
            values=values or {},
            key=uuid.uuid4().hex,
            OPEN=OPEN,
            PROPOSED=PROPOSED,
            DELIVERED=DELIVERED,
            JOINED=JOINED,
            HANDED=HANDED,
        ),
        status,
    )


@bp.get("/<int:purchase_id>")
@login_required
def detail(purchase_id: int) -> Any:
    """A purchase: the product, the group price, places taken and left, the deadline, the cores."""
    return _detail(purchase_id)


@bp.post("/<int:purchase_id>/join")
@login_required
def join(purchase_id: int) -> Any:
    """First press: the confirmation (the total, where it comes from); the second pays."""
    form = request.form
    if form.get("confirm") != "1":
        return _confirm(purchase_id, form)
    return handle_form(
        lambda session: services.join(
            session,
            me(),
            purchase_id,
            chosen_id(form.get("core")),
            _quantity(form.get("quantity")),
            key=form.get("key", ""),
            account_id=chosen_id(form.get("account")),
        ),
        again=lambda errors, status: _detail(purchase_id, errors, status, form),
        to=url_for(".detail", purchase_id=purchase_id),
        done=_l("Saved. Your core's share is in the group purchase."),
    )


def _quantity(value: Any) -> Any:
    read = FieldReader()
    found = read.count(value, "quantity", minimum=0)
    if read.errors:
        raise BadInput(read.errors["quantity"], fields=dict(read.errors))
    return found


def _confirm(purchase_id: int, form: Any) -> Any:
    """What the press would do, before anything moves: the core, the quantity, the difference
    paid or paid back, and the account; refusals found now are shown on the purchase's page."""
    session = db_session()
    member = me()
    purchase = services.visible_purchase(session, member, purchase_id)
    try:
        plan = services.preview_join(
            session,
            member,
            purchase,
            chosen_id(form.get("core")),
            _quantity(form.get("quantity")),
            chosen_id(form.get("account")),
        )
    except (BadInput, Conflict) as refused:
        errors = {k: str(v) for k, v in (refused.fields or {}).items()}
        errors["_form"] = str(refused.message)
        return _detail(purchase_id, errors, refused.status, form)
    return render_template(
        "group_orders/confirm.html",
        purchase=purchase,
        plan=plan,
        key=form.get("key") or uuid.uuid4().hex,
    )


@bp.post("/<int:purchase_id>/decide")
@login_required
def decide(purchase_id: int) -> Any:
    accept = request.form.get("answer") == "accept"
    return handle_form(
        lambda session: services.decide(session, me(), purchase_id, accept),
        again=flash_back(url_for(".detail", purchase_id=purchase_id)),
        to=url_for(".detail", purchase_id=purchase_id),
        done=_l("Saved."),
    )


@bp.post("/<int:purchase_id>/close")
@login_required
def close(purchase_id: int) -> Any:
    return handle_form(
        lambda session: services.close(session, purchase_id, me()),
        again=flash_back(url_for(".detail", purchase_id=purchase_id)),
        to=url_for(".detail", purchase_id=purchase_id),
        done=lambda purchase: services.STATUS_LABELS[purchase.status],
    )


@bp.post("/<int:purchase_id>/cancel")
@login_required
def cancel(purchase_id: int) -> Any:
    return handle_form(
        lambda session: services.cancel(session, me(), purchase_id),
        again=flash_back(url_for(".detail", purchase_id=purchase_id)),
        to=url_for(".detail", purchase_id=purchase_id),
        done=_l("Called off. Every core was paid back."),
    )


@bp.post("/shares/<int:share_id>/hand")
@login_required
def hand(share_id: int) -> Any:
    purchase_id = chosen_id(request.form.get("purchase")) or 0
    return handle_form(
        lambda session: services.hand_over(session, me(), share_id),
        again=flash_back(url_for(".detail", purchase_id=purchase_id) if purchase_id else url_for(".index")),
        to=lambda share: url_for(".detail", purchase_id=share.purchase_id),
        done=_l("Recorded. The core's leader is asked to confirm."),
    )


@bp.post("/shares/<int:share_id>/receive")
@login_required
def receive(share_id: int) -> Any:
    purchase_id = chosen_id(request.form.get("purchase")) or 0
    return handle_form(
        lambda session: services.confirm_receipt(session, me(), share_id),
        again=flash_back(url_for(".detail", purchase_id=purchase_id) if purchase_id else url_for(".index")),
        to=lambda share: url_for(".detail", purchase_id=share.purchase_id),
        done=_l("Thank you: receipt confirmed."),
    )


# --- bulk orders: a customer's order split among cores -------------------------------------------


def _bulk_labels() -> dict[str, Any]:
    return {
        "bulk_label": services.BULK_STATUS_LABELS,
        "part_label": services.PART_STATUS_LABELS,
    }


@bp.get("/bulk/")
@login_required
def bulk_index() -> Any:
    """My bulk orders as a customer, the orders of my area to split, and my cores' parts."""
    session = db_session()
    member = me()
    area = area_of(session, member, ORGANISE)
    leads = area is None or bool(area)
    return render_template(
        "group_orders/bulk_index.html",
        mine=paginate(session, services.bulk.customer_query(member), 1, 20),
        to_split=paginate(session, services.bulk.to_split_query(session, member), 1, 20) if leads else None,
        parts=paginate(session, services.bulk.parts_query(member), 1, 20),
        **_bulk_labels(),
    )


def _bulk_form(errors: dict[str, str] | None = None, status: int = 200, values: Any = None) -> Any:
    session = db_session()
    member = me()
    values = values if values is not None else MultiDict({"region": member.region.code})
    return (
        render_template(
            "group_orders/bulk_new.html",
            regions=region_choices(session, current_language()),
            errors=errors or {},
            values=values,
            key=(values.get("key") if values is not None else None) or uuid.uuid4().hex,
        ),
        status,
    )


@bp.get("/bulk/new")
@login_required
def bulk_new() -> Any:
    """The form a customer fills to place a bulk order with the leaders of an area."""
    return _bulk_form()


def _bulk_draft(form: Any, read: FieldReader) -> Any:
    return services.bulk.BulkDraft(
        description=form.get("description", ""),
        unit=form.get("unit", ""),
        quantity=read.count(form.get("quantity"), "quantity"),
        unit_price=read.money(form.get("unit_price"), "unit_price"),
        deadline=read.day(form.get("deadline"), "deadline"),
        place=form.get("place", ""),
        region=form.get("region", ""),
    )


@bp.post("/bulk/new")
@login_required
def bulk_create() -> Any:
    """First press: the confirmation (the total and the account it comes from); the second pays."""
    form = request.form
    if form.get("confirm") != "1":
        session = db_session()
        read = FieldReader()
        draft = _bulk_draft(form, read)
        try:
            plan = read.run(lambda: services.bulk.preview_bulk(session, me(), draft))
        except (BadInput, Conflict) as refused:
            return _bulk_form(refused.form_errors(), refused.status, form)
        return render_template(
            "group_orders/bulk_confirm.html",
            plan=plan,
            values=form,
            key=form.get("key") or uuid.uuid4().hex,
        )

    def act(session: Any) -> Any:
        read = FieldReader()
        draft = _bulk_draft(form, read)
        return read.run(lambda: services.bulk.place_bulk(session, me(), draft, key=form.get("key", "")))

    return handle_form(
        act,
        again=lambda errors, status: _bulk_form(errors, status, form),
        to=lambda order: url_for(".bulk_detail", order_id=order.id),
        done=_l("Placed and paid. The leaders of the area will split it among cores."),
    )


def _bulk_detail(order_id: int, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    member = me()
    order = services.bulk.visible_bulk(session, member, order_id)
    splitter = services.bulk.splits(member, order)
    return (
        render_template(
            "group_orders/bulk_order.html",
            order=order,
            parts=services.bulk.parts_seen(session, member, order),
            customer=order.customer_id == member.id,
            splitter=splitter,
            cores=services.bulk.cores_to_split(session, member, order)
            if splitter and order.status == "open" and order.remaining
            else [],
            rows=range(4),
            errors=errors or {},
            values=request.form if request.method == "POST" else {},
            **_bulk_labels(),
        ),
        status,
    )


@bp.get("/bulk/<int:order_id>")
@login_required
def bulk_detail(order_id: int) -> Any:
    """A bulk order: what, how many, the price, the deadline, the cores' parts and what each may do."""
    return _bulk_detail(order_id)


@bp.post("/bulk/<int:order_id>/split")
@login_required
def bulk_split(order_id: int) -> Any:
    form = request.form
    asks = []
    for i in range(10):
        core, quantity = form.get(f"core_{i}", ""), form.get(f"quantity_{i}", "")
        if not core and not quantity.strip():
            continue
        asks.append(services.bulk.PartAsk(chosen_id(core), _split_quantity(quantity)))
    return handle_form(
        lambda session: services.bulk.split(session, me(), order_id, asks),
        again=lambda errors, status: _bulk_detail(order_id, errors, status),
        to=url_for(".bulk_detail", order_id=order_id),
        done=_l("Split. Each core's leader is asked to accept their part."),
    )


def _split_quantity(value: Any) -> int | None:
    read = FieldReader()
    return read.count(value, "quantity", minimum=1)


@bp.post("/bulk/<int:order_id>/cancel")
@login_required
def bulk_cancel(order_id: int) -> Any:
    return handle_form(
        lambda session: services.bulk.cancel_bulk(session, me(), order_id),
        again=flash_back(url_for(".bulk_detail", order_id=order_id)),
        to=url_for(".bulk_detail", order_id=order_id),
        done=_l("Cancelled. What was not delivered went back to your account."),
    )


def _part_action(part_id: int, act: Any, done: Any) -> Any:
    order_id = chosen_id(request.form.get("order")) or 0
    back = url_for(".bulk_detail", order_id=order_id) if order_id else url_for(".bulk_index")
    return handle_form(
        act,
        again=flash_back(back),
        to=lambda part: url_for(".bulk_detail", order_id=part.order_id),
        done=done,
    )


@bp.post("/bulk/parts/<int:part_id>/answer")
@login_required
def bulk_answer(part_id: int) -> Any:
    accept = request.form.get("answer") == "accept"
    return _part_action(
        part_id, lambda session: services.bulk.answer(session, me(), part_id, accept), _l("Saved.")
    )


@bp.post("/bulk/parts/<int:part_id>/deliver")
@login_required
def bulk_deliver(part_id: int) -> Any:
    return _part_action(
        part_id,
        lambda session: services.bulk.deliver(session, me(), part_id),
        _l("Recorded. The customer is asked to confirm."),
    )


@bp.post("/bulk/parts/<int:part_id>/confirm")
@login_required
def bulk_confirm(part_id: int) -> Any:
    return _part_action(
        part_id,
        lambda session: services.bulk.confirm(session, me(), part_id),
        _l("Thank you: receipt confirmed and the core paid."),
    )
