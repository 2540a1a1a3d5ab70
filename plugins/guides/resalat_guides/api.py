"""The guides JSON API: candidates and their advice, registering their cores, links, the dashboard."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    api_doc,
    db_session,
    dump,
    load,
    login_required,
    me,
    page_args,
    permission_required,
)
from resalat_guides import services
from resalat_guides.schemas import (
    AdviceBodySchema,
    AdviceSchema,
    CandidateBodySchema,
    CandidateCoreSchema,
    CandidateQuerySchema,
    CandidateSchema,
    CoreBodySchema,
    DashboardSchema,
    DecisionBodySchema,
    LinkBodySchema,
    LinkQuerySchema,
    LinkSchema,
    StatusBodySchema,
    StatusChangeSchema,
)
from resalat_guides.services import MANAGE

bp = Blueprint("guides_api", __name__, url_prefix="/api/v1/guides")
TAGS = ["guides"]


def _scope() -> services.GuideScope:
    return services.scope_of(db_session(), me())


def _body(schema: Any) -> Any:
    """The JSON body through ``schema``; an empty body counts as ``{}`` for bodies of optional fields."""
    if not request.get_data():
        return load(schema, {})
    return load(schema)


# --- candidates --------------------------------------------------------------------------------


@bp.get("/candidates")
@api_doc(
    summary="The candidates of my area, in the order of work",
    tags=TAGS,
    response=CandidateSchema,
    paginated=True,
    query={
        "status": "one of identified, advised, core_registered, booth_opened, dropped",
        "q": "name or digits",
    },
)
@permission_required(MANAGE)
def list_candidates() -> Any:
    """Experience in the field first, then those who grow a business before starters, then the oldest."""
    args = load(CandidateQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    result = services.list_candidates(
        db_session(), _scope(), status=args["status"], q=args["q"], page=page, per_page=per_page
    )
    return {"items": dump(CandidateSchema, result.items, many=True), "meta": result.meta()}


@bp.post("/candidates")
@api_doc(
    summary="Record a candidate in my area",
    tags=TAGS,
    body=CandidateBodySchema,
    response=CandidateSchema,
    status=201,
)
@permission_required(MANAGE)
def create_candidate() -> Any:
    data = load(CandidateBodySchema)
    session = db_session()
    candidate = services.record_candidate(session, _scope(), **data)
    session.commit()
    return dump(CandidateSchema, candidate), 201


@bp.get("/candidates/<int:candidate_id>")
@api_doc(summary="One candidate of my area", tags=TAGS, response=CandidateSchema)
@permission_required(MANAGE)
def show_candidate(candidate_id: int) -> Any:
    """A candidate outside my area answers 404, like one that does not exist."""
    return dump(CandidateSchema, services.get_candidate(db_session(), _scope(), candidate_id))


@bp.get("/candidates/<int:candidate_id>/history")
@api_doc(
    summary="A candidate's status changes, oldest first", tags=TAGS, response=StatusChangeSchema, many=True
)
@permission_required(MANAGE)
def candidate_history(candidate_id: int) -> Any:
    session = db_session()
    candidate = services.get_candidate(session, _scope(), candidate_id)
    return dump(StatusChangeSchema, services.history_of(session, candidate), many=True)


@bp.get("/candidates/<int:candidate_id>/advice")
@api_doc(summary="A candidate's advice log, newest first", tags=TAGS, response=AdviceSchema, paginated=True)
@permission_required(MANAGE)
def list_advice(candidate_id: int) -> Any:
    session = db_session()
    candidate = services.get_candidate(session, _scope(), candidate_id)
    page, per_page = page_args()
    result = services.advice_of(session, candidate, page=page, per_page=per_page)
    return {"items": dump(AdviceSchema, result.items, many=True), "meta": result.meta()}


@bp.post("/candidates/<int:candidate_id>/advice")
@api_doc(
    summary="Log advice given to a candidate",
    tags=TAGS,
    body=AdviceBodySchema,
    response=AdviceSchema,
    status=201,
)
@permission_required(MANAGE)
def add_advice(candidate_id: int) -> Any:
    """The first advice moves an identified candidate to advised; a dropped candidate is refused."""
    data = load(AdviceBodySchema)
    session = db_session()
    scope = _scope()
    candidate = services.get_candidate(session, scope, candidate_id)
    advice = services.advise(session, scope, candidate, **data)
    session.commit()
    return dump(AdviceSchema, advice), 201


@bp.post("/candidates/<int:candidate_id>/status")
@api_doc(
    summary="Move a candidate along the pipeline", tags=TAGS, body=StatusBodySchema, response=CandidateSchema
)
@permission_required(MANAGE)
def change_status(candidate_id: int) -> Any:
    """Dropping needs a reason; core_registered is set by registering the core, not here."""
    data = load(StatusBodySchema)
    session = db_session()
    scope = _scope()
    candidate = services.get_candidate(session, scope, candidate_id)
    services.set_status(session, scope, candidate, data["status"], reason=data["reason"])
    session.commit()
    return dump(CandidateSchema, candidate)


@bp.post("/candidates/<int:candidate_id>/core")
@api_doc(
    summary="Register a candidate's core (and approve it at once if asked)",
    tags=TAGS,
    body=CoreBodySchema,
    response=CandidateCoreSchema,
    status=201,
)
@permission_required(MANAGE)
def register_core(candidate_id: int) -> Any:
    """The candidate must already be a member (found by national code or mobile): they lead the core."""
    data = load(CoreBodySchema)
    session = db_session()
    scope = _scope()
    candidate = services.get_candidate(session, scope, candidate_id)
    core = services.register_candidate_core(session, scope, candidate, **data)
    session.commit()
    return dump(CandidateCoreSchema, {"candidate": candidate, "core": core}), 201


# --- links -------------------------------------------------------------------------------------


@bp.get("/links")
@api_doc(
    summary="Links touching my area's cores, pending first",
    tags=TAGS,
    response=LinkSchema,
    paginated=True,
    query={"status": "pending, accepted or declined"},
)
@permission_required(MANAGE)
def list_links() -> Any:
    args = load(LinkQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    result = services.area_links(db_session(), _scope(), status=args["status"], page=page, per_page=per_page)
    return {"items": dump(LinkSchema, result.items, many=True), "meta": result.meta()}


@bp.post("/links")
@api_doc(
    summary="Suggest a value-chain link from a core of my area to any core",
    tags=TAGS,
    body=LinkBodySchema,
    response=LinkSchema,
    status=201,
)
@permission_required(MANAGE)
def suggest_link() -> Any:
    """The source core's output is the target's input; name the target by id or by its core ID."""
    data = load(LinkBodySchema)
    session = db_session()
    link = services.suggest_link(
        session,
        _scope(),
        source=data["source_core_id"],
        target=data["target_core_id"] if data["target_core_id"] is not None else data["target_core_code"],
        product=data["product"],
        note=data["note"],
    )
    session.commit()
    return dump(LinkSchema, link), 201


@bp.get("/my-links")
@api_doc(
    summary="Links of the cores I lead, suggestions awaiting my answer first",
    tags=TAGS,
    response=LinkSchema,
    paginated=True,
)
@login_required
def my_links() -> Any:
    page, per_page = page_args()
    result = services.leader_links(db_session(), me(), page=page, per_page=per_page)
    return {"items": dump(LinkSchema, result.items, many=True), "meta": result.meta()}


def _decide(link_id: int, accept: bool) -> Any:
    data = _body(DecisionBodySchema)
    session = db_session()
    link = services.decide_link(session, me(), link_id, accept=accept, reason=data["reason"])
    session.commit()
    return dump(LinkSchema, link)


@bp.post("/my-links/<int:link_id>/accept")
@api_doc(
    summary="Accept a link suggested to a core I lead",
    tags=TAGS,
    body=DecisionBodySchema,
    response=LinkSchema,
)
@login_required
def accept_link(link_id: int) -> Any:
    """Only the leader of the suggested link's target core may answer; others get 404."""
    return _decide(link_id, True)


@bp.post("/my-links/<int:link_id>/decline")
@api_doc(
    summary="Decline a link suggested to a core I lead",
    tags=TAGS,
    body=DecisionBodySchema,
    response=LinkSchema,
)
@login_required
def decline_link(link_id: int) -> Any:
    """Only the leader of the suggested link's target core may answer; others get 404."""
    return _decide(link_id, False)


# --- dashboard ---------------------------------------------------------------------------------


@bp.get("/dashboard")
@api_doc(
    summary="My area's figures: candidates and cores by status, follow-ups due, pending links",
    tags=TAGS,
    response=DashboardSchema,
)
@permission_required(MANAGE)
def dashboard() -> Any:
    return dump(DashboardSchema, services.dashboard(db_session(), _scope()).figures())
