"""The cores JSON API: public search and core pages, registering, the guide's queue and review, people."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    BadInput,
    NotFound,
    _,
    api_doc,
    current_member,
    db_session,
    dump,
    find_member,
    load,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    public,
    require,
)
from resalat_cores import services
from resalat_cores.models import ACTIVE, Core
from resalat_cores.schemas import (
    CoreMemberSchema,
    CoreSchema,
    FieldSchema,
    HistorySchema,
    NewCoreMemberSchema,
    NewCoreSchema,
    QueueQuerySchema,
    SearchQuerySchema,
    StatusChangeSchema,
)

bp = Blueprint("cores_api", __name__, url_prefix="/api/v1/cores")


def _page_of(schema: Any, result: Any) -> dict[str, Any]:
    return {"items": dump(schema, result.items, many=True), "meta": result.meta()}


def _managed(core_id: int) -> Core:
    """The core, if the caller leads it or reviews its area; 404 for anyone else."""
    session = db_session()
    core = services.visible_core(session, current_member(), core_id)
    if not services.may_manage(current_member(), core):
        raise NotFound(_("No such core among those you manage."), code="unknown_core")
    return core


# --- public ------------------------------------------------------------------------------------


@bp.get("")
@api_doc(
    summary="Search active cores by field, place and name",
    response=CoreSchema,
    paginated=True,
    query={
        "field": "a field code, e.g. saffron",
        "region": "a place or province code, e.g. zanjan or yazd/ardakan",
        "q": "part of the name, or a core ID",
    },
)
@public
def search() -> Any:
    """An unknown field or place is a 400 naming it, never a silently empty list."""
    args = load(SearchQuerySchema, request.args.to_dict())
    session = db_session()
    filters = services.search_filters(session, field=args["field"], region=args["region"], q=args["q"])
    stmt = services.cores_query(
        region_ids=filters["region_ids"], field=filters["field"], status=ACTIVE, q=filters["q"]
    )
    page, per_page = page_args()
    result = paginate(session, stmt, page, per_page)
    session.commit()  # the brochure's fields, if this first search seeded them
    return _page_of(CoreSchema, result)


@bp.get("/fields")
@api_doc(summary="The fields of work a core can be registered in", response=FieldSchema, many=True)
@public
def list_fields() -> Any:
    session = db_session()
    found = services.fields(session)
    session.commit()
    return dump(FieldSchema, found, many=True)


@bp.get("/<int:core_id>")
@api_doc(summary="One core (a candidate only for its people and its area's guides)", response=CoreSchema)
@public
def show(core_id: int) -> Any:
    return dump(CoreSchema, services.visible_core(db_session(), current_member(), core_id))


@bp.get("/by-code/<string:code>")
@api_doc(summary="One core by its core ID", response=CoreSchema)
@public
def by_code(code: str) -> Any:
    return dump(CoreSchema, services.get_core_by_code(db_session(), code))


# --- members -----------------------------------------------------------------------------------


@bp.get("/mine")
@api_doc(summary="The cores I lead or work in", response=CoreSchema, paginated=True)
@login_required
def mine() -> Any:
    page, per_page = page_args()
    return _page_of(CoreSchema, paginate(db_session(), services.cores_of_member_query(me()), page, per_page))


@bp.post("")
@api_doc(
    summary="Register a core (a candidate until a guide approves it)",
    body=NewCoreSchema,
    response=CoreSchema,
    status=201,
)
@login_required
def register() -> Any:
    """A guide or admin may name another member of their area as ``leader``; every bad field is
    reported at once (family rows as ``family.<i>.<field>``) and nothing is stored."""
    data = load(NewCoreSchema)
    session = db_session()
    leader = me()
    if data["leader"]:
        leader = find_member(session, data["leader"])
        if leader is None:
            message = _("No member has that mobile or national code.")
            raise BadInput(message, fields={"leader": message})
    core = services.register_core(
        session,
        leader=leader,
        name=data["name"],
        field=data["field"],
        region=data["region"],
        existed_before=data["existed_before"],
        description=data["description"],
        family=data["family"],
        actor=me(),
    )
    session.commit()
    return dump(CoreSchema, core), 201


@bp.get("/<int:core_id>/members")
@api_doc(
    summary="The people of a core I lead or review, with national codes",
    response=CoreMemberSchema,
    paginated=True,
)
@login_required
def list_members(core_id: int) -> Any:
    core = _managed(core_id)
    page, per_page = page_args()
    return _page_of(
        CoreMemberSchema, paginate(db_session(), services.core_members_query(core), page, per_page)
    )


@bp.post("/<int:core_id>/members")
@api_doc(
    summary="Add a person to a core I lead or review",
    body=NewCoreMemberSchema,
    response=CoreMemberSchema,
    status=201,
)
@login_required
def add_member(core_id: int) -> Any:
    """The same national code twice in one core is a 400 on ``national_code``."""
    core = _managed(core_id)
    data = load(NewCoreMemberSchema)
    session = db_session()
    person = services.add_core_member(session, core, actor=me(), **data)
    session.commit()
    return dump(CoreMemberSchema, person), 201


@bp.delete("/<int:core_id>/members/<int:person_id>")
@api_doc(summary="Remove a person (not the leader) from a core I lead or review", status=204)
@login_required
def remove_member(core_id: int, person_id: int) -> Any:
    core = _managed(core_id)
    session = db_session()
    services.remove_core_member(session, core, person_id, actor=me())
    session.commit()
    return "", 204


@bp.get("/<int:core_id>/history")
@api_doc(
    summary="The status history of a core I lead or review, oldest first",
    response=HistorySchema,
    paginated=True,
)
@login_required
def history(core_id: int) -> Any:
    page, per_page = page_args()
    return _page_of(
        HistorySchema, paginate(db_session(), services.history_query(_managed(core_id)), page, per_page)
    )


# --- guides ------------------------------------------------------------------------------------


@bp.get("/queue")
@api_doc(
    summary="Cores of my area by status (candidates by default)",
    response=CoreSchema,
    paginated=True,
    query={"status": "candidate (default), active or suspended"},
)
@permission_required(services.APPROVE)
def queue() -> Any:
    args = load(QueueQuerySchema, request.args.to_dict())
    session = db_session()
    page, per_page = page_args()
    return _page_of(
        CoreSchema,
        paginate(session, services.queue_query(session, me(), status=args["status"]), page, per_page),
    )


@bp.post("/<int:core_id>/approve")
@api_doc(summary="Approve a candidate core of my area and issue its core ID", response=CoreSchema)
@permission_required(services.APPROVE)
def approve(core_id: int) -> Any:
    """403 outside the guide's area; 409 when the core is not a candidate (approved twice...)."""
    session = db_session()
    core = services.get_core(session, core_id)
    require(services.APPROVE, core.region)
    services.approve_core(session, core, actor=me())
    session.commit()
    return dump(CoreSchema, core)


@bp.post("/<int:core_id>/status")
@api_doc(
    summary="Suspend or reactivate a core of my area, with a reason",
    body=StatusChangeSchema,
    response=CoreSchema,
)
@permission_required(services.SUSPEND)
def change_status(core_id: int) -> Any:
    data = load(StatusChangeSchema)
    session = db_session()
    core = services.get_core(session, core_id)
    require(services.SUSPEND, core.region)
    services.set_status(session, core, data["status"], actor=me(), reason=data["reason"])
    session.commit()
    return dump(CoreSchema, core)
