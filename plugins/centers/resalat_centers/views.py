"""The centres' pages: centres, their members, cores and orders, and the shares core leaders answer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from resalat_cores.services import region_with_places

from resalat_centers import services
from resalat_centers.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    DELIVERED,
    IN_PROGRESS,
    OFFERED,
    OPEN,
    SHARE_STATUSES,
    WITHDRAWN,
    Centre,
    Order,
)
from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Page,
    _,
    _l,
    current_member,
    db_session,
    format_date,
    get_region,
    login_required,
    page_args,
    paginate,
    permission_required,
)

bp = Blueprint("centers", __name__, url_prefix="/centers")

ORDER_STATUS = {
    OPEN: (_l("Open"), "secondary"),
    IN_PROGRESS: (_l("In progress"), "primary"),
    DELIVERED: (_l("Delivered"), "success"),
    CANCELLED: (_l("Cancelled"), "dark"),
}
SHARE_STATUS = {
    OFFERED: (_l("Waiting for an answer"), "warning"),
    ACCEPTED: (_l("Accepted"), "primary"),
    DECLINED: (_l("Declined"), "danger"),
    WITHDRAWN: (_l("Withdrawn"), "dark"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"order_status": ORDER_STATUS, "share_status": SHARE_STATUS}


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required let the request in
    return member


def _empty(per_page: int) -> Page[Any]:
    return Page(items=[], page=1, per_page=per_page, total=0)


# --- centres -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """Every centre (searchable), with mine and my cores' waiting shares first."""
    session = db_session()
    me = _me()
    page, per_page = page_args()
    q = request.args.get("q", "")
    region_code = request.args.get("region", "").strip()
    errors: dict[str, Any] = {}
    region_ids = None
    if region_code:
        try:
            region_ids = region_with_places(session, get_region(session, region_code))
        except NotFound:
            errors = {
                "region": _("Choose a place from the list."),
                "_form": _("Choose a place from the list."),
            }
    result = (
        _empty(per_page)
        if errors
        else paginate(session, services.centres_query(region_ids=region_ids, q=q), page, per_page)
    )
    mine = services.centres_of_member(session, me)
    return render_template(
        "centers/index.html",
        page=result,
        counts=services.centre_counts(session, [*result.items, *mine]),
        mine=mine,
        q=q,
        region_code=region_code,
        regions=services.region_choices(session),
        errors=errors,
        waiting=services.awaiting_answer(session, me),
        leads_cores=bool(services.led_core_ids(session, me)),
        can_register=services.may_register(me),
    ), (400 if errors else 200)


def _centre_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    return render_template(
        "centers/centre_form.html",
        values=values or {},
        errors=errors or {},
        regions=services.region_choices(db_session()),
    ), status


@bp.get("/new")
@permission_required(services.REGISTER)
def new_centre() -> Any:
    return _centre_form()


@bp.post("/new")
@permission_required(services.REGISTER)
def register_centre() -> Any:
    """Cultural supporters and administrators register centres in their own area."""
    session = db_session()
    form = request.form
    try:
        centre = services.register_centre(
            session,
            _me(),
            name=form.get("name", ""),
            region=form.get("region", ""),
            leader=form.get("leader", ""),
            description=form.get("description", ""),
        )
    except BadInput as exc:
        session.rollback()
        return _centre_form(form, exc.form_errors(), 400)
    session.commit()
    flash(_("The centre %(name)s was registered.", name=centre.name), "success")
    return redirect(url_for("centers.show", centre_id=centre.id))


@bp.get("/<int:centre_id>")
@login_required
def show(centre_id: int) -> Any:
    """The centre's public page, with its cores; its leader also sees what to manage."""
    return _centre_page(services.get_centre(db_session(), centre_id))


def _centre_page(centre: Centre, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    session = db_session()
    me = _me()
    page, per_page = page_args()
    return render_template(
        "centers/centre.html",
        centre=centre,
        cores=paginate(session, services.centre_cores_query(centre), page, per_page),
        counts=services.centre_counts(session, [centre])[centre.id],
        manager=services.may_manage(me, centre),
        belongs=services.is_in_centre(session, centre, me),
        errors=errors or {},
        values=values or {},
    ), (400 if errors else 200)


def _managed(centre_id: int) -> Centre:
    centre = services.get_centre(db_session(), centre_id)
    services.require_manager(_me(), centre)
    return centre


# --- members -----------------------------------------------------------------------------------


def _members_page(centre: Centre, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    page, per_page = page_args()
    return render_template(
        "centers/members.html",
        centre=centre,
        page=paginate(db_session(), services.members_query(centre), page, per_page),
        errors=errors or {},
        values=values or {},
    ), (400 if errors else 200)


@bp.get("/<int:centre_id>/members")
@login_required
def members(centre_id: int) -> Any:
    return _members_page(_managed(centre_id))


@bp.post("/<int:centre_id>/members")
@login_required
def add_member(centre_id: int) -> Any:
    session = db_session()
    centre = _managed(centre_id)
    try:
        row = services.add_member(session, centre, _me(), request.form.get("member", ""))
    except BadInput as exc:
        session.rollback()
        return _members_page(centre, exc.form_errors(), request.form)
    session.commit()
    flash(_("%(name)s joined the centre.", name=row.member.name), "success")
    return redirect(url_for("centers.members", centre_id=centre.id))


@bp.post("/<int:centre_id>/members/<int:member_id>/remove")
@login_required
def remove_member(centre_id: int, member_id: int) -> Any:
    session = db_session()
    centre = _managed(centre_id)
    member = services.remove_member(session, centre, _me(), member_id)
    session.commit()
    flash(_("%(name)s is no longer a member of the centre.", name=member.name), "success")
    return redirect(url_for("centers.members", centre_id=centre.id))


# --- cores -------------------------------------------------------------------------------------


@bp.post("/<int:centre_id>/cores")
@login_required
def link_core(centre_id: int) -> Any:
    session = db_session()
    centre = _managed(centre_id)
    try:
        link = services.link_core(session, centre, _me(), request.form.get("core", ""))
    except BadInput as exc:
        session.rollback()
        return _centre_page(centre, exc.form_errors(), request.form)
    session.commit()
    flash(_("The core %(name)s joined the centre.", name=link.core.name), "success")
    return redirect(url_for("centers.show", centre_id=centre.id))


@bp.post("/<int:centre_id>/cores/<int:core_id>/unlink")
@login_required
def unlink_core(centre_id: int, core_id: int) -> Any:
    session = db_session()
    centre = _managed(centre_id)
    try:
        core = services.unlink_core(session, centre, _me(), core_id)
    except BadInput as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("centers.show", centre_id=centre.id))
    session.commit()
    flash(_("The core %(name)s left the centre.", name=core.name), "success")
    return redirect(url_for("centers.show", centre_id=centre.id))


# --- orders ------------------------------------------------------------------------------------


@bp.get("/<int:centre_id>/orders")
@login_required
def orders(centre_id: int) -> Any:
    centre = _managed(centre_id)
    page, per_page = page_args()
    status = request.args.get("status", "")
    status = status if status in ORDER_STATUS else ""
    result = paginate(db_session(), services.orders_query(centre, status=status or None), page, per_page)
    return render_template("centers/orders.html", centre=centre, page=result, status=status)


def _order_form(
    centre: Centre, values: Any = None, errors: dict[str, Any] | None = None, status: int = 200
) -> Any:
    return render_template(
        "centers/order_form.html", centre=centre, values=values or {}, errors=errors or {}
    ), status


@bp.get("/<int:centre_id>/orders/new")
@login_required
def new_order(centre_id: int) -> Any:
    return _order_form(_managed(centre_id))


@bp.post("/<int:centre_id>/orders/new")
@login_required
def create_order(centre_id: int) -> Any:
    session = db_session()
    centre = _managed(centre_id)
    form = request.form
    try:
        order = services.create_order(
            session,
            centre,
            _me(),
            customer=form.get("customer", ""),
            item=form.get("item", ""),
            unit=form.get("unit", ""),
            quantity=form.get("quantity", ""),
            due_date=form.get("due_date", ""),
            unit_price=form.get("unit_price", ""),
            note=form.get("note", ""),
        )
    except BadInput as exc:
        session.rollback()
        return _order_form(centre, form, exc.form_errors(), 400)
    session.commit()
    flash(_("The order was recorded; now share it among the cores."), "success")
    return redirect(url_for("centers.order", order_id=order.id))


def _order_page(order: Order, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    session = db_session()
    page, per_page = page_args()
    cores = services.active_cores_of(session, order.centre)
    return render_template(
        "centers/order.html",
        order=order,
        centre=order.centre,
        core_progress=services.order_progress(session, order),
        shares=paginate(session, services.order_shares_query(order), page, per_page),
        cores=cores,
        default_due=format_date(order.due_date),
        errors=errors or {},
        values=values or {},
    ), (400 if errors else 200)


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int) -> Any:
    """The order's progress and the form that shares it among the centre's cores."""
    return _order_page(services.get_order(db_session(), _me(), order_id))


@bp.post("/orders/<int:order_id>/split")
@login_required
def split(order_id: int) -> Any:
    """One row per core of the centre; rows left without a quantity are skipped."""
    session = db_session()
    me = _me()
    order = services.get_order(session, me, order_id)
    form = request.form
    parts: list[services.SharePart] = []
    rows: list[int] = []  # the core id of each part, to put its errors back on its row
    for core_id in form.getlist("core"):
        quantity = form.get(f"quantity.{core_id}", "").strip()
        if not quantity:
            continue
        parts.append(services.SharePart(core_id, quantity, form.get(f"due_date.{core_id}", "")))
        rows.append(int(core_id) if core_id.isdigit() else 0)
    try:
        shares = services.split_order(session, order, me, parts)
    except BadInput as exc:
        session.rollback()
        errors = exc.form_errors()
        for i, core_id in enumerate(rows):
            for name in ("core", "quantity", "due_date"):
                if f"shares.{i}.{name}" in errors:
                    errors[f"{name}.{core_id}"] = errors.pop(f"shares.{i}.{name}")
        order = services.get_order(session, me, order_id)
        return _order_page(order, errors, form)
    session.commit()
    flash(_("The order was shared among %(count)s cores.", count=len(shares)), "success")
    return redirect(url_for("centers.order", order_id=order.id))


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel(order_id: int) -> Any:
    session = db_session()
    me = _me()
    order = services.get_order(session, me, order_id)
    try:
        services.cancel_order(session, order, me)
    except BadInput as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("centers.order", order_id=order_id))
    session.commit()
    flash(_("The order was cancelled; its open shares were withdrawn."), "success")
    return redirect(url_for("centers.order", order_id=order.id))


# --- shares, for core leaders ------------------------------------------------------------------


@bp.get("/shares")
@login_required
def shares() -> Any:
    """The shares of the orders given to the cores I lead."""
    session = db_session()
    page, per_page = page_args()
    status = request.args.get("status", "")
    status = status if status in SHARE_STATUSES else ""
    stmt = services.my_shares_query(session, _me(), status=status or None)
    return render_template("centers/shares.html", page=paginate(session, stmt, page, per_page), status=status)


def _share_page(share: Any, errors: dict[str, Any] | None = None, values: Any = None, form: str = "") -> Any:
    session = db_session()
    return render_template(
        "centers/share.html",
        share=share,
        order=share.order,
        deliveries=services.deliveries_of(session, share),
        errors=errors or {},
        values=values or {},
        failed_form=form,
    ), (400 if errors else 200)


@bp.get("/shares/<int:share_id>")
@login_required
def share(share_id: int) -> Any:
    return _share_page(services.get_share(db_session(), _me(), share_id))


def _answer(share_id: int, form_name: str, act: Any, done: str) -> Any:
    session = db_session()
    me = _me()
    try:
        act(session, me)
    except BadInput as exc:
        session.rollback()
        share = services.get_share(session, me, share_id)
        if exc.fields:
            return _share_page(share, exc.form_errors(), request.form, form_name)
        flash(str(exc.message), "danger")
        return redirect(url_for("centers.share", share_id=share_id))
    session.commit()
    flash(done, "success")
    return redirect(url_for("centers.share", share_id=share_id))


@bp.post("/shares/<int:share_id>/accept")
@login_required
def accept(share_id: int) -> Any:
    return _answer(
        share_id,
        "accept",
        lambda s, me: services.accept_share(s, me, share_id),
        _("You accepted the share. Report deliveries here as they are made."),
    )


@bp.post("/shares/<int:share_id>/decline")
@login_required
def decline(share_id: int) -> Any:
    reason = request.form.get("reason", "")
    return _answer(
        share_id,
        "decline",
        lambda s, me: services.decline_share(s, me, share_id, reason),
        _("You declined the share; the centre's leader was told why."),
    )


@bp.post("/shares/<int:share_id>/deliver")
@login_required
def deliver(share_id: int) -> Any:
    form = request.form
    return _answer(
        share_id,
        "deliver",
        lambda s, me: services.report_delivery(
            s, me, share_id, form.get("quantity", ""), form.get("note", "")
        ),
        _("The delivery was recorded."),
    )
