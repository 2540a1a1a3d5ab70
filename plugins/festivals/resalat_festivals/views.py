"""The festivals' pages: upcoming fairs, a fair's page, announcing, applications, answers and sales."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for

from resalat_core.sdk import (
    FieldReader,
    NotFound,
    Page,
    _,
    _l,
    current_language,
    db_session,
    flash_back,
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
from resalat_festivals import services
from resalat_festivals.forms import read_details
from resalat_festivals.models import (
    ACCEPTED,
    ANNOUNCED,
    APPLIED,
    CANCELLED,
    CLOSED,
    DECLINED,
    FINISHED,
    RUNNING,
    WITHDRAWN,
    Festival,
)

bp = Blueprint("festivals", __name__, url_prefix="/festivals")

FESTIVAL_STATUS = {
    ANNOUNCED: (_l("Taking applications"), "success"),
    CLOSED: (_l("Applications closed"), "secondary"),
    RUNNING: (_l("Under way"), "primary"),
    FINISHED: (_l("Finished"), "dark"),
    CANCELLED: (_l("Cancelled"), "danger"),
}
APPLICATION_STATUS = {
    APPLIED: (_l("Waiting for an answer"), "warning"),
    ACCEPTED: (_l("Accepted"), "success"),
    DECLINED: (_l("Declined"), "danger"),
    WITHDRAWN: (_l("Withdrawn"), "secondary"),
}
# The organiser's buttons: (the step, its label).
STEPS = {
    CLOSED: _l("Close applications"),
    ANNOUNCED: _l("Open applications again"),
    RUNNING: _l("Start the festival"),
    FINISHED: _l("Finish the festival"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"festival_status": FESTIVAL_STATUS, "application_status": APPLICATION_STATUS, "steps": STEPS}


def _regions(within: list[int] | None = None) -> list[tuple[str, str]]:
    return region_choices(db_session(), current_language(), within=within)


# --- lists ---------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """Upcoming festivals (in the reader's province first, soonest first), filtered by place."""
    session = db_session()
    member = me()
    page, per_page = page_args()
    region_code = request.args.get("region", "").strip()
    errors: dict[str, Any] = {}
    region_ids = None
    if region_code:
        try:
            region_ids = ids_under(session, [get_region(session, region_code)])
        except NotFound:
            message = _("Choose a place from the list.")
            errors = {"region": message, "_form": message}
    near = ids_under(session, [member.region.province_id]) if member.region else None
    result = (
        Page(items=[], page=1, per_page=per_page, total=0)
        if errors
        else paginate(session, services.upcoming_query(region_ids=region_ids, near=near), page, per_page)
    )
    organiser = services.may_organise(member)
    return render_template(
        "festivals/index.html",
        page=result,
        region_code=region_code,
        regions=_regions(),
        errors=errors,
        organiser=organiser,
        organised=session.scalars(services.organised_query(member).limit(5)).unique().all()
        if organiser
        else [],
        waiting=services.applications_waiting(session, member) if organiser else 0,
        leads_cores=bool(services.cores_to_apply(session, member)),
    ), (400 if errors else 200)


@bp.get("/organised")
@permission_required(services.ORGANISE)
def organised() -> Any:
    """Every festival the member announced, newest first."""
    page, per_page = page_args()
    return render_template(
        "festivals/organised.html",
        page=paginate(db_session(), services.organised_query(me()), page, per_page),
    )


@bp.get("/mine")
@login_required
def mine() -> Any:
    """The applications of the cores the member leads."""
    page, per_page = page_args()
    result = paginate(db_session(), services.my_applications_query(me()), page, per_page)
    return render_template(
        "festivals/mine.html", page=result, may_report={a.id: services.may_report(a) for a in result.items}
    )


# --- announcing and editing ----------------------------------------------------------------------


def _form(festival: Festival | None = None, values: Any = None, errors: Any = None, status: int = 200) -> Any:
    member = me()
    area = services.area_for(db_session(), member)
    return render_template(
        "festivals/form.html",
        festival=festival,
        values=values or {},
        errors=errors or {},
        regions=_regions(area),
    ), status


@bp.get("/new")
@permission_required(services.ORGANISE)
def new() -> Any:
    return _form()


@bp.post("/new")
@permission_required(services.ORGANISE)
def announce() -> Any:
    form = request.form
    read = FieldReader()
    details = read_details(form, read)
    return handle_form(
        lambda s: read.run(lambda: services.announce(s, me(), details)),
        again=lambda errors, status: _form(None, form, errors, status),
        to=lambda festival: url_for("festivals.show", festival_id=festival.id),
        done=lambda festival: _l("The festival %(title)s was announced.", title=festival.title),
    )


def _managed(festival_id: int) -> Festival:
    festival = services.get_festival(db_session(), festival_id)
    if not services.may_manage(me(), festival):
        abort(403)
    return festival


def _values_of(festival: Festival) -> dict[str, Any]:
    from resalat_core.sdk import format_date

    return {
        "title": festival.title,
        "theme": festival.theme,
        "region": festival.region.code,
        "address": festival.address,
        "starts_on": format_date(festival.starts_on),
        "ends_on": format_date(festival.ends_on),
        "apply_by": format_date(festival.apply_by),
        "booths": festival.booths,
        "description": festival.description,
    }


@bp.get("/<int:festival_id>/edit")
@login_required
def edit(festival_id: int) -> Any:
    festival = _managed(festival_id)
    return _form(festival, _values_of(festival))


@bp.post("/<int:festival_id>/edit")
@login_required
def save(festival_id: int) -> Any:
    festival = _managed(festival_id)
    form = request.form
    read = FieldReader()
    details = read_details(form, read)
    return handle_form(
        lambda s: read.run(lambda: services.update(s, me(), festival.id, details)),
        again=lambda errors, status: _form(festival, form, errors, status),
        to=url_for("festivals.show", festival_id=festival.id),
        done=_l("The festival was saved."),
    )


@bp.post("/<int:festival_id>/step")
@login_required
def step(festival_id: int) -> Any:
    festival = _managed(festival_id)
    back = url_for("festivals.show", festival_id=festival.id)
    to = request.form.get("to", "")
    return handle_form(
        lambda s: services.move(s, me(), festival.id, to if to in STEPS else ""),
        again=flash_back(back),
        to=back,
        done=_l("The festival moved on."),
    )


@bp.get("/<int:festival_id>/cancel")
@login_required
def cancel_form(festival_id: int) -> Any:
    """What cancelling means, before the organiser confirms it."""
    festival = _managed(festival_id)
    counts = services.report(db_session(), festival)
    return render_template("festivals/cancel.html", festival=festival, counts=counts)


@bp.post("/<int:festival_id>/cancel")
@login_required
def cancel(festival_id: int) -> Any:
    festival = _managed(festival_id)
    back = url_for("festivals.show", festival_id=festival.id)
    return handle_form(
        lambda s: services.move(s, me(), festival.id, CANCELLED),
        again=flash_back(back),
        to=back,
        done=_l("The festival was cancelled and the cores that applied were told."),
    )


# --- a festival's page ---------------------------------------------------------------------------


@bp.get("/<int:festival_id>")
@login_required
def show(festival_id: int) -> Any:
    """The festival, its accepted cores and their products; what the reader may do next."""
    session = db_session()
    member = me()
    festival = services.get_festival(session, festival_id)
    return render_template(
        "festivals/show.html",
        festival=festival,
        booths=services.booths_of(session, festival),
        manager=services.may_manage(member, festival),
        leads_cores=bool(services.cores_to_apply(session, member)),
    )


# --- applying ------------------------------------------------------------------------------------


def _apply_form(festival: Festival, values: Any = None, errors: Any = None, status: int = 200) -> Any:
    session = db_session()
    cores = services.cores_to_apply(session, me())
    return render_template(
        "festivals/apply.html",
        festival=festival,
        cores=cores,
        products=services.newest_products(session, [c.id for c in cores]),
        listed=services.FORM_PRODUCTS,
        values=values or {},
        chosen={str(v) for v in (values.getlist("products") if hasattr(values, "getlist") else [])},
        errors=errors or {},
    ), status


@bp.get("/<int:festival_id>/apply")
@login_required
def apply_form(festival_id: int) -> Any:
    """A core leader sees what an application needs (an approved core) before applying."""
    return _apply_form(services.get_festival(db_session(), festival_id))


@bp.post("/<int:festival_id>/apply")
@login_required
def apply(festival_id: int) -> Any:
    festival = services.get_festival(db_session(), festival_id)
    form = request.form
    return handle_form(
        lambda s: services.apply(
            s,
            me(),
            festival.id,
            core=form.get("core", ""),
            note=form.get("note", ""),
            products=form.getlist("products"),
        ),
        again=lambda errors, status: _apply_form(festival, form, errors, status),
        to=url_for("festivals.mine"),
        done=lambda a: _l("%(core)s applied to %(festival)s.", core=a.core.name, festival=festival.title),
    )


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int) -> Any:
    back = url_for("festivals.mine")
    return handle_form(
        lambda s: services.withdraw(s, me(), application_id),
        again=flash_back(back),
        to=back,
        done=_l("The application was withdrawn."),
    )


# --- the organiser's answers ---------------------------------------------------------------------


@bp.get("/<int:festival_id>/applications")
@login_required
def applications(festival_id: int) -> Any:
    festival = _managed(festival_id)
    page, per_page = page_args()
    return render_template(
        "festivals/applications.html",
        festival=festival,
        page=paginate(db_session(), services.applications_query(festival), page, per_page),
    )


@bp.post("/applications/<int:application_id>/decide")
@login_required
def decide(application_id: int) -> Any:
    session = db_session()
    application = services.visible_application(session, me(), application_id)
    back = url_for("festivals.applications", festival_id=application.festival_id)
    accept = request.form.get("answer") == "accept"
    return handle_form(
        lambda s: services.decide(s, me(), application_id, accept=accept),
        again=flash_back(back),
        to=back,
        done=lambda a: (
            _l("%(core)s has a booth.", core=a.core.name)
            if accept
            else _l("%(core)s's application was declined.", core=a.core.name)
        ),
    )


# --- sales ---------------------------------------------------------------------------------------


def _sales_form(application: Any, values: Any = None, errors: Any = None, status: int = 200) -> Any:
    return render_template(
        "festivals/sales.html",
        application=application,
        festival=application.festival,
        open=services.may_report(application),
        values=values or {},
        errors=errors or {},
    ), status


def _own_application(application_id: int) -> Any:
    application = services.get_application(db_session(), application_id)
    if application.core.leader_id != me().id:
        abort(404)
    return application


@bp.get("/applications/<int:application_id>/sales")
@login_required
def sales_form(application_id: int) -> Any:
    application = _own_application(application_id)
    values = {}
    if application.fair_sales is not None:
        values = {"amount": str(application.fair_sales // 10), "items": str(application.fair_items or 0)}
    return _sales_form(application, values)


@bp.post("/applications/<int:application_id>/sales")
@login_required
def report_sales(application_id: int) -> Any:
    application = _own_application(application_id)
    form = request.form
    read = FieldReader()
    amount = read.money(form.get("amount"), "amount", allow_zero=True)
    items = read.count(form.get("items"), "items", minimum=0)
    return handle_form(
        lambda s: read.run(
            lambda: services.report_sales(s, me(), application.id, amount=amount, items=items)
        ),
        again=lambda errors, status: _sales_form(application, form, errors, status),
        to=url_for("festivals.mine"),
        done=_l("Your core's sales at the fair were saved."),
    )


@bp.get("/<int:festival_id>/report")
@login_required
def report(festival_id: int) -> Any:
    """The organiser's summary: totals and each accepted core's sales."""
    festival = _managed(festival_id)
    return render_template(
        "festivals/report.html", festival=festival, report=services.report(db_session(), festival)
    )
