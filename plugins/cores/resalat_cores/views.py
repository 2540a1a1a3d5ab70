"""The cores' pages: search, a core's page, registering, my cores, a core's people, the guide's queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy.orm import Session, selectinload

from resalat_core.sdk import (
    BadInput,
    Digits,
    NotAllowed,
    NotFound,
    Page,
    Words,
    _,
    _l,
    can,
    current_member,
    db_session,
    find_member,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    public,
    require,
)
from resalat_cores import services
from resalat_cores.models import ACTIVE, CANDIDATE, STATUSES, Core

bp = Blueprint("cores", __name__, url_prefix="/cores")

# Blank family lines on the registration form; more people are added later on the core's page.
FAMILY_ROWS = 5
_PERSON_KEYS = ("name", "national_code", "relation", "mobile")


def _input_names(errors: dict[str, str]) -> dict[str, str]:
    """Errors keyed as the form's inputs are named (``family.0.name`` is the input ``family-0-name``)."""
    return {key.replace(".", "-"): value for key, value in errors.items()}


def _template_context() -> dict[str, Any]:
    return {
        "status_labels": services.STATUS_LABELS,
        "relation_labels": services.RELATION_LABELS,
        "relation_options": [(r, services.RELATION_LABELS[r]) for r in services.FAMILY_RELATIONS],
        "ACTIVE": ACTIVE,
        "CANDIDATE": CANDIDATE,
    }


def _back_to(core: Core) -> str:
    """Where a review form came from (the queue or the core's page), checked; else the core's page."""
    target = request.form.get("next", "")
    if target.startswith("/cores/") and "//" not in target and "\\" not in target:
        return target
    return url_for("cores.show", core_id=core.id)


# --- search and a core's page (public) ---------------------------------------------------------


@bp.get("/")
@public
def search() -> Any:
    """Active cores by field, place and name, a page at a time."""
    session = db_session()
    args = request.args
    page_no, per_page = page_args()
    errors: dict[str, str] = {}
    try:
        filters = services.search_filters(
            session, field=args.get("field"), region=args.get("region"), q=args.get("q")
        )
        stmt = services.cores_query(
            region_ids=filters["region_ids"], field=filters["field"], status=ACTIVE, q=filters["q"]
        )
        result = paginate(session, stmt, page_no, per_page)
    except BadInput as exc:
        errors = _input_names(exc.form_errors())
        # Shown back as typed, with nothing listed until they are corrected.
        result = Page(items=[], page=1, per_page=per_page, total=0)
    field_list = services.fields(session)
    session.commit()  # the brochure's fields, if this first look seeded them
    return render_template(
        "cores/search.html",
        page=result,
        errors=errors,
        args=args,
        fields=field_list,
        places=services.provinces_and_places(session),
        **_template_context(),
    ), (400 if errors else 200)


def _core_page(core: Core, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    viewer = current_member()
    manage = services.may_manage(viewer, core)
    return render_template(
        "cores/core.html",
        core=core,
        manage=manage,
        review=services.may_review(viewer, core.region)
        or services.may_review(viewer, core.region, services.SUSPEND),
        # The history names who acted: for the core's leader and its reviewers only; a page of it,
        # since every suspension and reactivation adds to it.
        history=paginate(db_session(), services.history_query(core), *page_args()) if manage else None,
        reactivate_to=services.reactivation_status(core),
        errors=errors or {},
        **_template_context(),
    ), status


@bp.get("/<int:core_id>")
@public
def show(core_id: int) -> Any:
    """A core's public page; a candidate is seen only by its people and its area's guides."""
    return _core_page(services.visible_core(db_session(), current_member(), core_id))


@bp.get("/id/<string:code>")
@public
def by_code(code: str) -> Any:
    """A core by its core ID (printed on its products and booth): to its page."""
    core = services.get_core_by_code(db_session(), code)
    return redirect(url_for("cores.show", core_id=core.id))


# --- registering -------------------------------------------------------------------------------


def _register_page(values: Any, errors: dict[str, str], status: int = 200) -> Any:
    session = db_session()
    field_list = services.fields(session)
    session.commit()
    return render_template(
        "cores/register.html",
        values=values,
        errors=errors,
        fields=field_list,
        places=services.provinces_and_places(session),
        family_rows=range(FAMILY_ROWS),
        # Guides (and admins) may register a core for a member of their area.
        for_others=can(services.APPROVE),
        my_region=me().region.code,
        **_template_context(),
    ), status


@bp.get("/register")
@login_required
def register_form() -> Any:
    return _register_page({"existed_before": "1"}, {})


@bp.post("/register")
@login_required
def register() -> Any:
    """Register a core (the member's own, or a guide's for a member); bad input shows the form again."""
    form = request.form
    family = [{key: form.get(f"family-{i}-{key}", "") for key in _PERSON_KEYS} for i in range(FAMILY_ROWS)]

    def act(session: Session) -> Core:
        leader = me()
        named = form.get("leader", "").strip()
        if named:
            leader = find_member(session, named)
            if leader is None:
                message = _("No member has that mobile or national code.")
                raise BadInput(message, fields={"leader": message})
        return services.register_core(
            session,
            leader=leader,
            name=form.get("name", ""),
            field=form.get("field", ""),
            region=form.get("region", ""),
            existed_before=form.get("existed_before") == "1",
            description=form.get("description", ""),
            family=family,
            actor=me(),
        )

    try:
        return handle_form(
            act,
            again=lambda errors, status: _register_page(form, _input_names(errors), status),
            to=lambda core: url_for("cores.show", core_id=core.id),
            done=_l("The core is registered. A guide of its area will review it and issue its core ID."),
        )
    except NotAllowed as exc:
        # Registering for someone outside one's area: the form stays, with the reason above it.
        db_session().rollback()
        return _register_page(form, {"_form": str(exc.message)}, exc.status)


# --- my cores ----------------------------------------------------------------------------------


@bp.get("/mine")
@login_required
def mine() -> Any:
    """The cores the member leads or works in."""
    member = me()
    page_no, per_page = page_args()
    result = paginate(db_session(), services.cores_of_member_query(member), page_no, per_page)
    return render_template("cores/mine.html", page=result, me=member, **_template_context())


# --- a core's people ---------------------------------------------------------------------------


def _managed_core(core_id: int) -> Core:
    """The core, if the member leads it or reviews its area; NotFound for anyone else."""
    session = db_session()
    core = services.visible_core(session, current_member(), core_id)
    if not services.may_manage(current_member(), core):
        raise NotFound(_("No such core among those you manage."), code="unknown_core")
    return core


def _members_page(
    core: Core, values: Any = None, errors: dict[str, str] | None = None, status: int = 200
) -> Any:
    session = db_session()
    page_no, per_page = page_args()
    result = paginate(session, services.core_members_query(core), page_no, per_page)
    return render_template(
        "cores/members.html",
        core=core,
        page=result,
        values=values or {},
        errors=errors or {},
        **_template_context(),
    ), status


@bp.get("/<int:core_id>/members")
@login_required
def members(core_id: int) -> Any:
    """The core's people with their national codes: for its leader and its area's guides."""
    return _members_page(_managed_core(core_id))


@bp.post("/<int:core_id>/members")
@login_required
def add_member(core_id: int) -> Any:
    core = _managed_core(core_id)
    form = request.form
    return handle_form(
        lambda session: services.add_core_member(
            session,
            core,
            name=form.get("name", ""),
            national_code=form.get("national_code", ""),
            relation=form.get("relation", ""),
            mobile=form.get("mobile", ""),
            actor=me(),
        ),
        again=lambda errors, status: _members_page(core, form, _input_names(errors), status),
        to=url_for("cores.members", core_id=core.id),
        done=lambda person: _l("%(name)s was added to the core.", name=person.name),
    )


@bp.post("/<int:core_id>/members/<int:person_id>/remove")
@login_required
def remove_member(core_id: int, person_id: int) -> Any:
    core = _managed_core(core_id)
    return handle_form(
        lambda session: services.remove_core_member(session, core, person_id, actor=me()),
        again=lambda errors, status: _members_page(core, None, {"_form": errors["_form"]}, status),
        to=url_for("cores.members", core_id=core.id),
        done=_l("Removed from the core."),
    )


# --- the guide's queue and review actions ------------------------------------------------------


@bp.get("/queue")
@permission_required(services.APPROVE)
def queue() -> Any:
    """Cores of the guide's area by status (candidates first), each with its history and actions."""
    session = db_session()
    status = request.args.get("status", CANDIDATE)
    if status not in STATUSES:
        message = services.unknown_status()
        raise BadInput(message, fields={"status": message})
    page_no, per_page = page_args()
    # The histories of the whole page in one more query, not one per core.
    stmt = services.queue_query(session, me(), status=status).options(selectinload(Core.history))
    result = paginate(session, stmt, page_no, per_page)
    return render_template(
        "cores/queue.html",
        page=result,
        status=status,
        statuses=STATUSES,
        reactivation_status=services.reactivation_status,
        **_template_context(),
    )


@bp.post("/<int:core_id>/approve")
@permission_required(services.APPROVE)
def approve(core_id: int) -> Any:
    """Approve a candidate of the guide's area: 403 elsewhere; if it is no longer a candidate
    (approved by another guide a moment ago), the core's page says so."""
    core = services.get_core(db_session(), core_id)
    require(services.APPROVE, core.region)
    return handle_form(
        lambda session: services.approve_core(session, core, actor=me()),
        again=lambda errors, status: _core_page(core, errors, status),
        to=lambda approved: _back_to(approved),
        done=lambda approved: _l("Approved. The core ID is %(code)s.", code=Digits(approved.code)),
    )


@bp.post("/<int:core_id>/status")
@permission_required(services.SUSPEND)
def change_status(core_id: int) -> Any:
    """Suspend or reactivate a core of the guide's area, with a reason."""
    core = services.get_core(db_session(), core_id)
    require(services.SUSPEND, core.region)
    form = request.form
    return handle_form(
        lambda session: services.set_status(
            session, core, form.get("status", ""), actor=me(), reason=form.get("reason", "")
        ),
        again=lambda errors, status: _core_page(core, _input_names(errors), status),
        to=lambda changed: _back_to(changed),
        done=lambda changed: _l(
            "The core is now: %(status)s.", status=Words(services.STATUS_LABELS[changed.status])
        ),
    )
