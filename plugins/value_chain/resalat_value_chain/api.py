"""The value chain JSON API: goods, fields and their chains, a core's matches, suggestions, needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    FieldReader,
    NotFound,
    Page,
    _,
    api_doc,
    current_language,
    db_session,
    dump,
    load,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    public,
)
from resalat_value_chain import chain as chain_module
from resalat_value_chain import services
from resalat_value_chain.schemas import (
    AnswerSchema,
    BoothSchema,
    ChainSchema,
    CoreSchema,
    FieldGoodsSchema,
    FieldSchema,
    GoodSchema,
    MatchQuerySchema,
    NeedSchema,
    NewAnswerSchema,
    NewGoodSchema,
    NewNeedSchema,
    SuggestionSchema,
    jalali,
)
from resalat_value_chain.views import read_day

bp = Blueprint("value_chain_api", __name__, url_prefix="/api/v1/value_chain")


def _region(region: Any) -> dict[str, Any] | None:
    if region is None:
        return None
    return {"code": region.code, "name_fa": region.name_fa, "name_en": region.name_en}


def _good(g: services.GoodView) -> dict[str, Any]:
    return {
        "code": g.code,
        "name": g.name,
        "name_fa": g.name_in("fa"),
        "name_en": g.name_in("en"),
        "categories": list(g.categories),
        "builtin": g.builtin,
    }


def _core(core: Any, here: Any = None, linked: set[int] | None = None) -> dict[str, Any]:
    return {
        "id": core.id,
        "code": core.code,
        "name": core.name,
        "field": core.field.code,
        "region": _region(core.region),
        "distance": services.distance(here.region, core.region) if here is not None else 3,
        "linked": core.id in (linked or set()),
    }


def _listed(items: list[Any], page: int, per_page: int) -> Page[Any]:
    start = (page - 1) * per_page
    return Page(items=items[start : start + per_page], page=page, per_page=per_page, total=len(items))


def _need(need: Any, goods: dict[str, Any], counts: dict[int, int]) -> dict[str, Any]:
    good = goods.get(need.good_code)
    return {
        "id": need.id,
        "good": need.good_code,
        "good_name": good.name if good else need.good_code,
        "quantity": need.quantity,
        "unit": need.unit,
        "region": _region(need.region),
        "deadline": jalali(need.deadline),
        "description": need.description,
        "status": need.status,
        "owner": need.owner.name,
        "told": need.told,
        "answers_count": counts.get(need.id, 0),
        "created_at": need.created_at,
    }


def _needs_page(stmt: Any) -> dict[str, Any]:
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, stmt, page, per_page)
    goods = services.goods_by_code(session)
    counts = services.answer_counts(session, result.items)
    return {
        "items": dump(NeedSchema, [_need(n, goods, counts) for n in result.items], many=True),
        "meta": result.meta(),
    }


# --- goods and fields ----------------------------------------------------------------------------


@bp.get("/goods")
@api_doc(summary="Goods, the built-in ones first", response=GoodSchema, paginated=True)
@public
def list_goods() -> Any:
    page, per_page = page_args()
    result = _listed(services.all_goods(db_session()), page, per_page)
    return {"items": dump(GoodSchema, [_good(g) for g in result.items], many=True), "meta": result.meta()}


@bp.post("/goods")
@api_doc(summary="Add a good", body=NewGoodSchema, response=GoodSchema, status=201)
@permission_required(services.ADMIN)
def add_good() -> Any:
    data = load(NewGoodSchema)
    session = db_session()
    good = services.add_good(session, **data)
    session.commit()
    return dump(GoodSchema, _good(services.get_good(session, good.code))), 201


def _fields_rows() -> list[dict[str, Any]]:
    session = db_session()
    chain_counts = chain_module.active_cores_by_field(session)
    lang = current_language()
    return [
        {
            "code": io.field.code,
            "name": io.field.name_en if lang == "en" else io.field.name_fa,
            "inputs": list(io.inputs),
            "outputs": list(io.outputs),
            "customised": io.customised,
            "active_cores": chain_counts.get(io.field.id, 0),
        }
        for io in services.field_goods(session).values()
    ]


@bp.get("/fields")
@api_doc(summary="Fields with the goods each needs and makes", response=FieldSchema, paginated=True)
@public
def list_fields() -> Any:
    page, per_page = page_args()
    result = _listed(_fields_rows(), page, per_page)
    return {"items": dump(FieldSchema, result.items, many=True), "meta": result.meta()}


@bp.put("/fields/<code>")
@api_doc(summary="Set a field's inputs and outputs", body=FieldGoodsSchema, response=FieldSchema)
@permission_required(services.ADMIN)
def set_field(code: str) -> Any:
    data = load(FieldGoodsSchema)
    session = db_session()
    io = services.set_field_goods(session, me(), code, inputs=data["inputs"], outputs=data["outputs"])
    session.commit()
    return dump(FieldSchema, next(r for r in _fields_rows() if r["code"] == io.field.code))


@bp.get("/fields/<code>/chain")
@api_doc(
    summary="A field's value chain: goods and fields in columns, and the arrows between them",
    response=ChainSchema,
)
@public
def chain(code: str) -> Any:
    found = chain_module.chain_of(db_session(), code)
    return dump(
        ChainSchema,
        {
            "field": found.field.code,
            "nodes": [
                {"kind": n.kind, "code": n.code, "name": n.label, "column": n.column, "active_cores": n.cores}
                for n in found.nodes
            ],
            "edges": [
                {"source": f"{a.kind}:{a.code}", "target": f"{b.kind}:{b.code}"} for a, b in found.edges
            ],
        },
    )


# --- a core's matches ---------------------------------------------------------------------------


_MATCH_QUERY = {"good": "an input or output good of the core's field (its code); else the field's first"}


@bp.get("/cores/<int:core_id>/cores")
@api_doc(
    summary="For an input good, the cores making it; for an output good, the cores needing it; nearest first",
    response=CoreSchema,
    paginated=True,
    query=_MATCH_QUERY,
)
@login_required
def core_cores(core_id: int) -> Any:
    """The core's leader, a guide or social leader of its area, an administrator there."""
    args = load(MatchQuerySchema, request.args.to_dict())
    session = db_session()
    core = services.core_for(session, me(), core_id)
    page, per_page = page_args()
    matches = services.core_matches(session, core, args["good"], page=page, per_page=per_page)
    linked = services.linked_core_ids(session, core)
    return {
        "items": dump(CoreSchema, [_core(c, core, linked) for c in matches.cores.items], many=True),
        "meta": matches.cores.meta(),
    }


@bp.get("/cores/<int:core_id>/booths")
@api_doc(
    summary="For an input good, M-Bazar booths selling it, nearest first (empty for an output good)",
    response=BoothSchema,
    paginated=True,
    query=_MATCH_QUERY,
)
@login_required
def core_booths(core_id: int) -> Any:
    args = load(MatchQuerySchema, request.args.to_dict())
    session = db_session()
    core = services.core_for(session, me(), core_id)
    page, per_page = page_args()
    matches = services.core_matches(session, core, args["good"], page=1, per_page=1, other_page=page)
    if matches.booths is None:
        result: Page[Any] = Page(items=[], page=page, per_page=per_page, total=0)
    else:
        result = paginate(session, services.booths_query(session, core, matches.good), page, per_page)
    rows = [
        {
            "id": b.id,
            "name": b.name,
            "region": _region(b.region),
            "distance": services.distance(core.region, b.region),
        }
        for b in result.items
    ]
    return {"items": dump(BoothSchema, rows, many=True), "meta": result.meta()}


# --- suggestions --------------------------------------------------------------------------------


def _suggestion(s: Any, goods: dict[str, Any]) -> dict[str, Any]:
    good = goods.get(s.good_code)
    return {
        "id": s.id,
        "good": s.good_code,
        "good_name": good.name if good else s.good_code,
        "source": _core(s.source),
        "target": _core(s.target),
        "distance": s.distance,
        "status": s.status,
        "link_id": s.link_id,
    }


@bp.get("/suggestions")
@api_doc(
    summary="Open suggested links whose source core is in your area, nearest first",
    response=SuggestionSchema,
    paginated=True,
)
@permission_required(services.LINK)
def list_suggestions() -> Any:
    session = db_session()
    page, per_page = page_args()
    result = paginate(
        session, services.suggestions_query(services.suggestions_area(session, me())), page, per_page
    )
    goods = services.goods_by_code(session)
    return {
        "items": dump(SuggestionSchema, [_suggestion(s, goods) for s in result.items], many=True),
        "meta": result.meta(),
    }


@bp.post("/suggestions/<int:suggestion_id>/make")
@api_doc(
    summary="Make a suggested link: it becomes the guides' link, for the target core's leader to answer",
    response=SuggestionSchema,
)
@permission_required(services.LINK)
def make_suggestion(suggestion_id: int) -> Any:
    session = db_session()
    found = services.make_suggestion(session, me(), suggestion_id)
    session.commit()
    return dump(SuggestionSchema, _suggestion(found, services.goods_by_code(session)))


@bp.post("/suggestions/<int:suggestion_id>/decline")
@api_doc(summary="Decline a suggested link: it is not suggested again", response=SuggestionSchema)
@permission_required(services.LINK)
def decline_suggestion(suggestion_id: int) -> Any:
    session = db_session()
    found = services.decline_suggestion(session, me(), suggestion_id)
    session.commit()
    return dump(SuggestionSchema, _suggestion(found, services.goods_by_code(session)))


# --- needs --------------------------------------------------------------------------------------


@bp.get("/needs")
@api_doc(
    summary="Open needs the cores you lead can supply, soonest deadline first",
    response=NeedSchema,
    paginated=True,
)
@login_required
def needs_for_me() -> Any:
    return _needs_page(services.needs_for_leader_query(db_session(), me()))


@bp.get("/needs/mine")
@api_doc(summary="The needs you posted, newest first", response=NeedSchema, paginated=True)
@permission_required(services.POST_NEED)
def my_needs() -> Any:
    return _needs_page(services.my_needs_query(me()))


@bp.post("/needs")
@api_doc(
    summary="Post a need; the leaders of matching cores are told",
    body=NewNeedSchema,
    response=NeedSchema,
    status=201,
)
@permission_required(services.POST_NEED)
def post_need() -> Any:
    data = load(NewNeedSchema)
    session = db_session()
    read = FieldReader()
    quantity = read.count(data["quantity"], "quantity", required=False)
    deadline = read.collect(read_day, data["deadline"], "deadline")
    need = read.run(
        lambda: services.post_need(
            session,
            me(),
            good=data["good"],
            quantity=quantity,
            unit=data["unit"],
            region=data["region"],
            deadline=deadline,
            description=data["description"],
        )
    )
    session.commit()
    return dump(NeedSchema, _need(need, services.goods_by_code(session), {})), 201


@bp.get("/needs/<int:need_id>")
@api_doc(summary="A need", response=NeedSchema)
@login_required
def get_need(need_id: int) -> Any:
    session = db_session()
    need = services.get_need(session, need_id)
    return dump(
        NeedSchema, _need(need, services.goods_by_code(session), services.answer_counts(session, [need]))
    )


@bp.get("/needs/<int:need_id>/answers")
@api_doc(summary="The answers to a need you posted", response=AnswerSchema, paginated=True)
@login_required
def answers(need_id: int) -> Any:
    session = db_session()
    need = services.get_need(session, need_id)
    if not services.may_manage_need(me(), need):
        raise NotFound(_("No such need."), code="unknown_need")
    page, per_page = page_args()
    result = paginate(session, services.answers_query(need), page, per_page)
    rows = [
        {
            "id": a.id,
            "core": _core(a.core),
            "quantity": a.quantity,
            "note": a.note,
            "created_at": a.created_at,
        }
        for a in result.items
    ]
    return {"items": dump(AnswerSchema, rows, many=True), "meta": result.meta()}


@bp.post("/needs/<int:need_id>/answers")
@api_doc(
    summary="Answer a need for a core you lead: we can supply this much",
    body=NewAnswerSchema,
    response=AnswerSchema,
    status=201,
)
@login_required
def answer(need_id: int) -> Any:
    """A second answer of the same core replaces the first; past the deadline or closed: 409."""
    data = load(NewAnswerSchema)
    session = db_session()
    read = FieldReader()
    quantity = read.count(data["quantity"], "quantity", required=False)
    found = read.run(
        lambda: services.answer_need(
            session, me(), need_id, core=data["core"], quantity=quantity, note=data["note"]
        )
    )
    session.commit()
    row = {
        "id": found.id,
        "core": _core(found.core),
        "quantity": found.quantity,
        "note": found.note,
        "created_at": found.created_at,
    }
    return dump(AnswerSchema, row), 201


@bp.post("/needs/<int:need_id>/close")
@api_doc(summary="Close a need you posted: no more answers", response=NeedSchema)
@login_required
def close_need(need_id: int) -> Any:
    session = db_session()
    need = services.close_need(session, me(), need_id)
    session.commit()
    return dump(
        NeedSchema, _need(need, services.goods_by_code(session), services.answer_counts(session, [need]))
    )
