"""M-ST's pages: my shipments and their tracking, the operator's application and job list, the
seller's parcel sizes, consignments, the approvals of a region and the tariff."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    _l,
    area_of,
    can,
    current_language,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    read_count,
    region_choices,
)

from . import APPROVE, CONSIGN, plugin, services
from .models import APPROVED, SIZES, VEHICLES

# How many running jobs and waiting consignments the jobs page shows, the oldest first.
RUNNING_SHOWN = 20
WAITING_SHOWN = 5

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "status_label": services.STATUS_LABELS,
        "operator_label": services.OPERATOR_LABELS,
        "vehicle_label": services.VEHICLE_LABELS,
        "size_label": services.SIZE_LABELS,
        "consignment_label": services.CONSIGNMENT_LABELS,
        "move_label": services.MOVE_LABELS,
        "kg": _kg,
    }


def _kg(grams: int) -> int:
    """Kilograms for people, rounded up (a parcel of 200 g is "1 kg")."""
    return max(1, (int(grams) + 999) // 1000)


@bp.get("/")
@login_required
def home() -> Any:
    """My shipments (what I bought, or with ?as=seller what I sold) and the ways into M-ST."""
    session = db_session()
    member = me()
    as_seller = request.args.get("as") == "seller"
    operator = services.operator_of(session, member)
    return render_template(
        "stm/home.html",
        page=paginate(session, services.mine_query(member, as_seller=as_seller)),
        as_seller=as_seller,
        operator=operator,
        sells=services.sells(session, member),
        may_consign=can(CONSIGN, None, member),
        may_approve=can(APPROVE, None, member),
    )


@bp.get("/shipments/<int:shipment_id>")
@login_required
def track(shipment_id: int) -> Any:
    """The tracking page: the status timeline with Jalali times and who; the code for the buyer."""
    session = db_session()
    shipment, role = services.visible_shipment(session, me(), shipment_id)
    return render_template("stm/track.html", shipment=shipment, role=role, events=shipment.events)


# --- the operator ---------------------------------------------------------------------------------


def _operator_form(errors: dict[str, str] | None = None, status: int = 200, values: Any = None) -> Any:
    session = db_session()
    member = me()
    operator = services.operator_of(session, member)
    chosen = (
        values.getlist("areas")
        if values is not None
        else ([a.region.code for a in operator.areas] if operator is not None else [member.region.code])
    )
    return (
        render_template(
            "stm/operator.html",
            operator=operator,
            errors=errors or {},
            vehicles=VEHICLES,
            regions=region_choices(session, current_language()),
            chosen=chosen,
            values=values or {},
        ),
        status,
    )


@bp.get("/operator")
@login_required
def operator() -> Any:
    """Apply to carry parcels, or see the application's status and change it."""
    return _operator_form()


@bp.post("/operator")
@login_required
def operator_apply() -> Any:
    form = request.form

    def act(session: Any) -> Any:
        capacity = read_count(form.get("capacity_kg", ""), field="capacity_kg")
        return services.apply(session, me(), form.get("vehicle", ""), capacity, form.getlist("areas"))

    return handle_form(
        act,
        again=lambda errors, status: _operator_form(errors, status, form),
        to=url_for(".operator"),
        done=_l("Saved. The guide of your region will look at your application."),
    )


@bp.get("/jobs")
@login_required
def jobs() -> Any:
    """An approved operator's running jobs, open consignments and open jobs nearby, nearest first."""
    session = db_session()
    found = services.operator_of(session, me())
    if found is None or found.status != APPROVED:
        return render_template("stm/not_operator.html", operator=found), 403
    return render_template(
        "stm/jobs.html",
        operator=found,
        # The oldest running jobs and waiting consignments first, a few of each: the rest follow
        # as these are done (the API lists them all, a page at a time).
        mine=paginate(session, services.my_jobs_query(found), 1, RUNNING_SHOWN),
        consignments=paginate(session, services.open_consignments_query(session, found), 1, WAITING_SHOWN),
        page=paginate(session, services.open_jobs_query(session, found)),
        done=paginate(session, services.done_jobs_query(found), 1, 5),
    )


@bp.get("/jobs/<int:shipment_id>")
@login_required
def job(shipment_id: int) -> Any:
    """One job with what the operator may do now, the buttons at the bottom, one-handed."""
    session = db_session()
    _operator, shipment = services.job_for(session, me(), shipment_id)
    return render_template(
        "stm/job.html",
        shipment=shipment,
        actions=services.actions_for(session, me(), shipment),
        errors={},
    )


def _back_to_job(shipment_id: int) -> Any:
    def again(errors: dict[str, str], status: int) -> Any:
        session = db_session()
        try:
            _operator, shipment = services.job_for(session, me(), shipment_id)
        except Exception:  # noqa: BLE001 (the job is gone: back to the list with the message)
            flash(errors["_form"], "danger")
            return redirect(url_for(".jobs"))
        flash(errors["_form"], "danger")
        return (
            render_template(
                "stm/job.html",
                shipment=shipment,
                actions=services.actions_for(session, me(), shipment),
                errors=errors,
            ),
            status,
        )

    return again


@bp.post("/jobs/<int:shipment_id>/accept")
@login_required
def accept(shipment_id: int) -> Any:
    return handle_form(
        lambda session: services.accept(session, me(), shipment_id),
        again=_back_to_job(shipment_id),
        to=url_for(".job", shipment_id=shipment_id),
        done=_l("The job is yours: go to the booth and pick it up."),
    )


@bp.post("/jobs/<int:shipment_id>/move")
@login_required
def move(shipment_id: int) -> Any:
    action = request.form.get("action", "")
    return handle_form(
        lambda session: services.move(session, me(), shipment_id, action, request.form.get("note", "")),
        again=_back_to_job(shipment_id),
        to=url_for(".job", shipment_id=shipment_id),
        done=_l("Saved."),
    )


@bp.post("/jobs/<int:shipment_id>/deliver")
@login_required
def deliver(shipment_id: int) -> Any:
    return handle_form(
        lambda session: services.deliver(session, me(), shipment_id, request.form.get("code", "")),
        again=_back_to_job(shipment_id),
        to=url_for(".jobs"),
        done=_l("Delivered. The order is completed and your share of the fee is in your main account."),
    )


# --- the seller's parcel sizes --------------------------------------------------------------------


def _parcels_place() -> tuple[int, int, dict[str, int]]:
    """The page of the parcels list this request is on (``?page=&per_page=``, checked: a bad value
    is the usual 400), and the query arguments that lead back to it (page 1 needs none)."""
    page, per_page = page_args()
    back = {"page": page} if page > 1 else {}
    if "per_page" in request.args:
        back["per_page"] = per_page
    return page, per_page, back


def _parcels_page(errors: dict[str, str] | None = None, status: int = 200, failed: int | None = None) -> Any:
    page, per_page, back = _parcels_place()
    return (
        render_template(
            "stm/parcels.html",
            page=services.seller_products(db_session(), me(), page, per_page),
            place=back,
            sizes=SIZES,
            unit_grams=services.unit_grams,
            errors=errors or {},
            failed=failed,
        ),
        status,
    )


@bp.get("/parcels")
@login_required
def parcels() -> Any:
    """The seller's goods, newest first and a page at a time, with the weight and size M-ST prices
    them by."""
    return _parcels_page()


@bp.post("/parcels/<int:product_id>")
@login_required
def set_parcel(product_id: int) -> Any:
    # The row's form carries the list's page in its address: back to that page, saved or refused.
    _page, _per_page, back = _parcels_place()
    form = request.form

    def act(session: Any) -> Any:
        grams = read_count(form.get("weight_grams", ""), field="weight_grams")
        return services.set_parcel(session, me(), product_id, grams, form.get("size", ""))

    return handle_form(
        act,
        again=lambda errors, status: _parcels_page(errors, status, product_id),
        to=url_for(".parcels", **back),
        done=_l("Saved."),
    )


# --- consignments ---------------------------------------------------------------------------------


def _consignments(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    member = me()
    area = area_of(session, member, CONSIGN)
    operator = services.operator_of(session, member)
    if area == [] and operator is not None and operator.status == APPROVED:
        area = services.area_ids(session, operator)
    return (
        render_template(
            "stm/consignments.html",
            page=paginate(session, services.consignments_query(area)),
            may_open=can(CONSIGN, None, member),
            regions=region_choices(session, current_language(), within=area_of(session, member, CONSIGN)),
            all_regions=region_choices(session, current_language()),
            errors=errors or {},
            values=request.form,
        ),
        status,
    )


@bp.get("/consignments")
@login_required
def consignments() -> Any:
    """Consignments of my area: open ones that parcels may join, and those that left."""
    return _consignments()


@bp.post("/consignments")
@login_required
def open_consignment() -> Any:
    form = request.form
    return handle_form(
        lambda session: services.open_new_consignment(
            session, me(), form.get("origin", ""), form.get("destination", ""), form.get("note", "")
        ),
        again=lambda errors, status: _consignments(errors, status),
        to=lambda made: url_for(".consignment", consignment_id=made.id),
        done=_l("The consignment is open: paid M-ST orders between these places join it."),
    )


@bp.get("/consignments/<int:consignment_id>")
@login_required
def consignment(consignment_id: int) -> Any:
    """One consignment and the parcels that joined it."""
    session = db_session()
    member = me()
    found = services.visible_consignment(session, member, consignment_id)
    operator = services.operator_of(session, member)
    return render_template(
        "stm/consignment.html",
        consignment=found,
        parcels=paginate(session, services.parcels_query(found)),
        may_accept=operator is not None
        and operator.status == APPROVED
        and found.operator_id is None
        and found.status == "open",
        may_leave=found.status == "open"
        and found.operator_id is not None
        and (
            (operator is not None and found.operator_id == operator.id) or can(CONSIGN, found.origin, member)
        ),
    )


@bp.post("/consignments/<int:consignment_id>/accept")
@login_required
def accept_consignment(consignment_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".consignment", consignment_id=consignment_id))

    return handle_form(
        lambda session: services.accept_consignment(session, me(), consignment_id),
        again=again,
        to=url_for(".consignment", consignment_id=consignment_id),
        done=_l("The consignment is yours."),
    )


@bp.post("/consignments/<int:consignment_id>/leave")
@login_required
def leave(consignment_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".consignment", consignment_id=consignment_id))

    return handle_form(
        lambda session: services.leave(session, me(), consignment_id),
        again=again,
        to=url_for(".consignment", consignment_id=consignment_id),
        done=_l("The consignment has left: deliver each parcel with its own code."),
    )


# --- approvals and the tariff ---------------------------------------------------------------------


@bp.get("/approvals")
@permission_required(APPROVE)
def approvals() -> Any:
    """Operators of my area, those waiting first, to approve or suspend."""
    session = db_session()
    area = area_of(session, me(), APPROVE)
    return render_template("stm/approvals.html", page=paginate(session, services.approvals_query(area)))


@bp.post("/approvals/<int:operator_id>")
@permission_required(APPROVE)
def decide(operator_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".approvals"))

    return handle_form(
        lambda session: services.decide(
            session, me(), operator_id, request.form.get("decision", ""), request.form.get("note", "")
        ),
        again=again,
        to=url_for(".approvals"),
        done=_l("Saved."),
    )


@bp.get("/tariff")
@login_required
def tariff() -> Any:
    """The price matrix by provinces and weight bands, and the default rule for other pairs."""
    session = db_session()
    return render_template(
        "stm/tariff.html",
        page=paginate(session, services.tariff_query()),
        same=plugin.setting("default_same_province"),
        other=plugin.setting("default_other_province"),
        consignment_percent=int(plugin.setting("consignment_percent")),
    )
