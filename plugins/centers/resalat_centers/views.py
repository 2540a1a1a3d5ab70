"""The centres' pages: centres, their members, cores and orders, and the shares core leaders answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_centers import services
from resalat_centers.forms import read_day, read_parts, read_price, read_quantity
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
    FieldReader,
    NotFound,
    Page,
    _,
    _l,
    current_language,
    db_session,
    format_date,
    get_region,
    handle_form,
    ids_under,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    region_choices,
)

# How many of the member's own centres the list of centres shows above the search.
MINE_SHOWN = 10

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


def _empty(per_page: int) -> Page[Any]:
    return Page(items=[], page=1, per_page=per_page, total=0)


def _regions() -> list[tuple[str, str]]:
    return region_choices(db_session(), current_language())


def _flashed_back(to: str) -> Callable[[dict[str, str], int], Any]:
    """For a form of one button: a refusal is flashed on the page it came from."""

    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors.get("_form", ""), "danger")
        return redirect(to)

    return again


# --- centres -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """Every centre (searchable), with mine and my cores' waiting shares first."""
    session = db_session()
    member = me()
    page, per_page = page_args()
    q = request.args.get("q", "")
    region_code = request.args.get("region", "").strip()
    errors: dict[str, Any] = {}
    region_ids = None
    if region_code:
        try:
            region_ids = ids_under(session, [get_region(session, region_code)])
        except NotFound:
            message = _("Choose a place from the list.")
            errors = {"region": message, "_form": message}
    result = (
        _empty(per_page)
        if errors
        else paginate(session, services.centres_query(region_ids=region_ids, q=q), page, per_page)
    )
    # The first few of mine; a member in many centres finds the others with the search.
    mine = paginate(session, services.centres_of_member_query(member), 1, MINE_SHOWN)
    return render_template(
        "centers/index.html",
        page=result,
        counts=services.centre_counts(session, [*result.items, *mine.items]),
        mine=mine.items,
        more_of_mine=mine.total - len(mine.items),
        q=q,
        region_code=region_code,
        regions=_regions(),
        errors=errors,
        waiting=services.awaiting_answer(session, member),
        leads_cores=bool(services.led_core_ids(session, member)),
        can_register=services.may_register(member),
    ), (400 if errors else 200)


def _centre_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    return render_template(
        "centers/centre_form.html", values=values or {}, errors=errors or {}, regions=_regions()
    ), status


@bp.get("/new")
@permission_required(services.REGISTER)
def new_centre() -> Any:
    return _centre_form()


@bp.post("/new")
@permission_required(services.REGISTER)
def register_centre() -> Any:
    """Cultural supporters and administrators register centres in their own area."""
    form = request.form
    return handle_form(
        lambda s: services.register_centre(
            s,
            me(),
            name=form.get("name", ""),
            region=form.get("region", ""),
            leader=form.get("leader", ""),
            description=form.get("description", ""),
        ),
        again=lambda errors, status: _centre_form(form, errors, status),
        to=lambda centre: url_for("centers.show", centre_id=centre.id),
        done=lambda centre: _l("The centre %(name)s was registered.", name=centre.name),
    )


@bp.get("/<int:centre_id>")
@login_required
def show(centre_id: int) -> Any:
    """The centre's public page, with its cores; its leader also sees what to manage."""
    return _centre_page(services.get_centre(db_session(), centre_id))


def _centre_page(centre: Centre, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    session = db_session()
    member = me()
    page, per_page = page_args()
    return render_template(
        "centers/centre.html",
        centre=centre,
        cores=paginate(session, services.centre_cores_query(centre), page, per_page),
        counts=services.centre_counts(session, [centre])[centre.id],
        manager=services.may_manage(member, centre),
        belongs=services.is_in_centre(session, centre, member),
        errors=errors or {},
        values=values or {},
    ), (400 if errors else 200)


def _managed(centre_id: int) -> Centre:
    centre = services.get_centre(db_session(), centre_id)
    services.require_manager(me(), centre)
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
    centre = _managed(centre_id)
    form = request.form
    return handle_form(
        lambda s: services.add_member(s, centre, me(), form.get("member", "")),
        again=lambda errors, _status: _members_page(centre, errors, form),
        to=url_for("centers.members", centre_id=centre.id),
        done=lambda row: _l("%(name)s joined the centre.", name=row.member.name),
    )


@bp.post("/<int:centre_id>/members/<int:member_id>/remove")
@login_required
def remove_member(centre_id: int, member_id: int) -> Any:
    centre = _managed(centre_id)
    back = url_for("centers.members", centre_id=centre.id)
    return handle_form(
        lambda s: services.remove_member(s, centre, me(), member_id),
        again=_flashed_back(back),
        to=back,
        done=lambda member: _l("%(name)s is no longer a member of the centre.", name=member.name),
    )


# --- cores -------------------------------------------------------------------------------------


@bp.post("/<int:centre_id>/cores")
@login_required
def link_core(centre_id: int) -> Any:
    centre = _managed(centre_id)
    form = request.form
    return handle_form(
        lambda s: services.link_core(s, centre, me(), form.get("core", "")),
        again=lambda errors, _status: _centre_page(centre, errors, form),
        to=url_for("centers.show", centre_id=centre.id),
        done=lambda link: _l("The core %(name)s joined the centre.", name=link.core.name),
    )


@bp.post("/<int:centre_id>/cores/<int:core_id>/unlink")
@login_required
def unlink_core(centre_id: int, core_id: int) -> Any:
    centre = _managed(centre_id)
    back = url_for("centers.show", centre_id=centre.id)
    return handle_form(
        lambda s: services.unlink_core(s, centre, me(), core_id),
        again=_flashed_back(back),
        to=back,
        done=lambda core: _l("The core %(name)s left the centre.", name=core.name),
    )


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
    centre = _managed(centre_id)
    form = request.form

    def act(s: Any) -> Order:
        read = FieldReader()
        quantity = read.collect(read_quantity, form.get("quantity", ""), "quantity")
        due = read.collect(read_day, form.get("due_date", ""), "due_date")
        price = read.collect(read_price, form.get("unit_price", ""), "unit_price")
        return read.run(
            lambda: services.create_order(
                s,
                centre,
                me(),
                customer=form.get("customer", ""),
                item=form.get("item", ""),
                unit=form.get("unit", ""),
                quantity=quantity,
                due_date=due,
                unit_price=price,
                note=form.get("note", ""),
            ),
        )

    return handle_form(
        act,
        again=lambda errors, status: _order_form(centre, form, errors, status),
        to=lambda order: url_for("centers.order", order_id=order.id),
        done=_l("The order was recorded; now share it among the cores."),
    )


def _order_page(order: Order, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    session = db_session()
    page, per_page = page_args()
    cores = services.active_cores_of(session, order.centre, with_leaders=False)
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
    return _order_page(services.get_order(db_session(), me(), order_id))


@bp.post("/orders/<int:order_id>/split")
@login_required
def split(order_id: int) -> Any:
    """One row per core of the centre; rows left without a quantity are skipped."""
    order = services.get_order(db_session(), me(), order_id)
    form = request.form
    rows: list[dict[str, Any]] = []
    for core_id in form.getlist("core"):
        quantity = form.get(f"quantity.{core_id}", "").strip()
        if quantity:
            rows.append(
                {"core": core_id, "quantity": quantity, "due_date": form.get(f"due_date.{core_id}", "")}
            )

    def act(s: Any) -> list[Any]:
        read = FieldReader()
        parts = read_parts(rows, read)
        return read.run(lambda: services.split_order(s, order, me(), parts))

    def again(errors: dict[str, str], _status: int) -> Any:
        # Each row's errors go back beside its core's fields.
        for i, row in enumerate(rows):
            core_id = row["core"] if str(row["core"]).isdecimal() else "0"
            for name in ("core", "quantity", "due_date"):
                if f"shares.{i}.{name}" in errors:
                    errors[f"{name}.{core_id}"] = errors.pop(f"shares.{i}.{name}")
        return _order_page(services.get_order(db_session(), me(), order_id), errors, form)

    return handle_form(
        act,
        again=again,
        to=url_for("centers.order", order_id=order.id),
        done=lambda shares: _l("The order was shared among %(count)s cores.", count=len(shares)),
    )


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel(order_id: int) -> Any:
    order = services.get_order(db_session(), me(), order_id)
    back = url_for("centers.order", order_id=order.id)
    return handle_form(
        lambda s: services.cancel_order(s, order, me()),
        again=_flashed_back(back),
        to=back,
        done=_l("The order was cancelled; its open shares were withdrawn."),
    )


# --- shares, for core leaders ------------------------------------------------------------------


@bp.get("/shares")
@login_required
def shares() -> Any:
    """The shares of the orders given to the cores I lead."""
    session = db_session()
    page, per_page = page_args()
    status = request.args.get("status", "")
    status = status if status in SHARE_STATUSES else ""
    stmt = services.my_shares_query(session, me(), status=status or None)
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
    return _share_page(services.get_share(db_session(), me(), share_id))


def _answer(share_id: int, form_name: str, act: Callable[[Any], Any], done: Any) -> Any:
    """A core leader's answer: a field's mistake is shown on the share's form, a refusal flashed."""
    back = url_for("centers.share", share_id=share_id)

    def again(errors: dict[str, str], status: int) -> Any:
        if set(errors) - {"_form"}:
            share = services.get_share(db_session(), me(), share_id)
            return _share_page(share, errors, request.form, form_name)
        return _flashed_back(back)(errors, status)

    return handle_form(act, again=again, to=back, done=done)


@bp.post("/shares/<int:share_id>/accept")
@login_required
def accept(share_id: int) -> Any:
    return _answer(
        share_id,
        "accept",
        lambda s: services.accept_share(s, me(), share_id),
        _l("You accepted the share. Report deliveries here as they are made."),
    )


@bp.post("/shares/<int:share_id>/decline")
@login_required
def decline(share_id: int) -> Any:
    reason = request.form.get("reason", "")
    return _answer(
        share_id,
        "decline",
        lambda s: services.decline_share(s, me(), share_id, reason),
        _l("You declined the share; the centre's leader was told why."),
    )


@bp.post("/shares/<int:share_id>/deliver")
@login_required
def deliver(share_id: int) -> Any:
    form = request.form

    def act(s: Any) -> Any:
        read = FieldReader()
        quantity = read.collect(read_quantity, form.get("quantity", ""), "quantity")
        return read.run(lambda: services.report_delivery(s, me(), share_id, quantity, form.get("note", "")))

    return _answer(share_id, "deliver", act, _l("The delivery was recorded."))
