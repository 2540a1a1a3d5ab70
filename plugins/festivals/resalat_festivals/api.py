"""The festivals JSON API: upcoming festivals, a festival with its cores, applications, answers, sales."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    NotFound,
    _,
    api_doc,
    db_session,
    dump,
    get_region,
    ids_under,
    load,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
)
from resalat_festivals import services
from resalat_festivals.forms import read_details
from resalat_festivals.models import Festival
from resalat_festivals.schemas import (
    ApplicationSchema,
    ApplyBodySchema,
    BoothSchema,
    DecideBodySchema,
    FestivalBodySchema,
    FestivalDetailSchema,
    FestivalSchema,
    ListQuerySchema,
    ReportSchema,
    SalesBodySchema,
    StepSchema,
    report_data,
)

bp = Blueprint("festivals_api", __name__, url_prefix="/api/v1/festivals")


def _page(schema: Any, stmt: Any) -> dict[str, Any]:
    page, per_page = page_args()
    result = paginate(db_session(), stmt, page, per_page)
    return {"items": dump(schema, result.items, many=True), "meta": result.meta()}


def _detail(festival: Festival) -> dict[str, Any]:
    data = dump(FestivalSchema, festival)
    data["cores"] = dump(
        BoothSchema,
        [
            {
                "core": {"id": b.core.id, "code": b.core.code, "name": b.core.name},
                "products": [
                    {
                        "id": p.id,
                        "title": p.title,
                        "price_rials": p.price,
                        "photo": url_for("bazaar.photo", name=p.cover.key + "_t.jpg") if p.cover else None,
                        "url": url_for("bazaar.product", product_id=p.id),
                    }
                    for p in b.products
                ],
                "more_products": b.more,
                "booth_url": url_for("bazaar.booth", booth_id=b.booth_id) if b.more else None,
            }
            for b in services.booths_of(db_session(), festival)
        ],
        many=True,
    )
    return data


@bp.get("")
@api_doc(
    summary="Upcoming festivals: in my province first, then soonest first",
    response=FestivalSchema,
    paginated=True,
    query={"region": "a region code; a province takes in its places"},
)
@login_required
def list_festivals() -> Any:
    args = load(ListQuerySchema, request.args.to_dict())
    session = db_session()
    member = me()
    region_ids = None
    if args["region"].strip():
        try:
            region_ids = ids_under(session, [get_region(session, args["region"].strip())])
        except NotFound as exc:
            raise BadInput(exc.message, fields={"region": exc.message}) from None
    near = ids_under(session, [member.region.province_id]) if member.region else None
    return _page(FestivalSchema, services.upcoming_query(region_ids=region_ids, near=near))


@bp.post("")
@api_doc(summary="Announce a festival", body=FestivalBodySchema, response=FestivalSchema, status=201)
@permission_required(services.ORGANISE)
def announce() -> Any:
    """Guides, social leaders and administrators, in their own area; dates are Jalali."""
    data = load(FestivalBodySchema)
    session = db_session()
    read = FieldReader()
    details = read_details(data, read)
    festival = read.run(lambda: services.announce(session, me(), details))
    session.commit()
    return dump(FestivalSchema, festival), 201


@bp.get("/organised")
@api_doc(summary="The festivals I announced, newest first", response=FestivalSchema, paginated=True)
@permission_required(services.ORGANISE)
def organised() -> Any:
    return _page(FestivalSchema, services.organised_query(me()))


@bp.get("/<int:festival_id>")
@api_doc(summary="A festival, with its accepted cores and their products", response=FestivalDetailSchema)
@login_required
def show(festival_id: int) -> Any:
    return _detail(services.get_festival(db_session(), festival_id))


@bp.put("/<int:festival_id>")
@api_doc(
    summary="Edit a festival (its organiser, until it runs)", body=FestivalBodySchema, response=FestivalSchema
)
@login_required
def update(festival_id: int) -> Any:
    data = load(FestivalBodySchema)
    session = db_session()
    festival = services.get_festival(session, festival_id)
    if not services.may_manage(me(), festival):
        raise NotFound(_("No such festival."), code="unknown_festival")
    read = FieldReader()
    details = read_details(data, read)
    festival = read.run(lambda: services.update(session, me(), festival.id, details))
    session.commit()
    return dump(FestivalSchema, festival)


@bp.post("/<int:festival_id>/step")
@api_doc(
    summary="Move a festival on: close or reopen applications, start, finish or cancel",
    body=StepSchema,
    response=FestivalSchema,
)
@login_required
def step(festival_id: int) -> Any:
    """Cancelling tells the leaders of the cores that applied."""
    data = load(StepSchema)
    session = db_session()
    festival = services.get_festival(session, festival_id)
    if not services.may_manage(me(), festival):
        raise NotFound(_("No such festival."), code="unknown_festival")
    festival = services.move(session, me(), festival.id, data["to"])
    session.commit()
    return dump(FestivalSchema, festival)


@bp.get("/<int:festival_id>/applications")
@api_doc(
    summary="A festival's applications, waiting first (its organiser)",
    response=ApplicationSchema,
    paginated=True,
)
@login_required
def applications(festival_id: int) -> Any:
    session = db_session()
    festival = services.get_festival(session, festival_id)
    if not services.may_manage(me(), festival):
        raise NotFound(_("No such festival."), code="unknown_festival")
    return _page(ApplicationSchema, services.applications_query(festival))


@bp.post("/<int:festival_id>/applications")
@api_doc(
    summary="Apply for a booth for a core I lead",
    body=ApplyBodySchema,
    response=ApplicationSchema,
    status=201,
)
@login_required
def apply(festival_id: int) -> Any:
    """One application per core; refused (409) after the deadline, or when the festival is not
    taking applications."""
    data = load(ApplyBodySchema)
    session = db_session()
    application = services.apply(
        session, me(), festival_id, core=data["core"], note=data["note"], products=data["products"]
    )
    session.commit()
    return dump(ApplicationSchema, application), 201


@bp.get("/applications/mine")
@api_doc(
    summary="The applications of the cores I lead, newest first", response=ApplicationSchema, paginated=True
)
@login_required
def my_applications() -> Any:
    return _page(ApplicationSchema, services.my_applications_query(me()))


@bp.get("/applications/<int:application_id>")
@api_doc(
    summary="One application (its core's leader or the festival's organiser)", response=ApplicationSchema
)
@login_required
def show_application(application_id: int) -> Any:
    return dump(ApplicationSchema, services.visible_application(db_session(), me(), application_id))


@bp.post("/applications/<int:application_id>/withdraw")
@api_doc(summary="Withdraw an application still waiting for an answer", response=ApplicationSchema)
@login_required
def withdraw(application_id: int) -> Any:
    session = db_session()
    application = services.withdraw(session, me(), application_id)
    session.commit()
    return dump(ApplicationSchema, application)


@bp.post("/applications/<int:application_id>/decide")
@api_doc(
    summary="Accept or decline an application (the organiser)",
    body=DecideBodySchema,
    response=ApplicationSchema,
)
@login_required
def decide(application_id: int) -> Any:
    """Never more accepted than booths: the last booth's second taker gets a 409."""
    data = load(DecideBodySchema)
    session = db_session()
    application = services.decide(session, me(), application_id, accept=data["answer"] == "accept")
    session.commit()
    return dump(ApplicationSchema, application)


@bp.put("/applications/<int:application_id>/sales")
@api_doc(
    summary="Report what the core sold at the fair in person (its leader)",
    body=SalesBodySchema,
    response=ApplicationSchema,
)
@login_required
def report_sales(application_id: int) -> Any:
    """Amount in tomans; from the fair's first day until a week after its last."""
    data = load(SalesBodySchema)
    session = db_session()
    read = FieldReader()
    amount = read.money(data["amount"], "amount", allow_zero=True)
    items = read.count(data["items"], "items", minimum=0)
    application = read.run(
        lambda: services.report_sales(session, me(), application_id, amount=amount, items=items)
    )
    session.commit()
    return dump(ApplicationSchema, application)


@bp.get("/<int:festival_id>/report")
@api_doc(summary="The organiser's sales summary: totals and per core", response=ReportSchema)
@login_required
def report(festival_id: int) -> Any:
    session = db_session()
    festival = services.get_festival(session, festival_id)
    if not services.may_manage(me(), festival):
        raise NotFound(_("No such festival."), code="unknown_festival")
    return dump(ReportSchema, report_data(services.report(session, festival)))
