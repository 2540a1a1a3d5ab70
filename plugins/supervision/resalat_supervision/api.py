"""The social supervision JSON API: reviews, reports, handlers' acts, and reputations."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    NotFound,
    _,
    api_doc,
    db_session,
    dump,
    load,
    login_required,
    me,
    page_args,
    permission_required,
    public,
    require,
)
from resalat_supervision import services
from resalat_supervision.forms import PRICE_FIELDS, read_prices, with_errors
from resalat_supervision.models import KINDS, PENDING, PRICE
from resalat_supervision.schemas import (
    ActBodySchema,
    PublicReportSchema,
    QueueQuerySchema,
    ReplySchema,
    ReportBodySchema,
    ReportDetailSchema,
    ReportSchema,
    ReputationSchema,
    ReviewBodySchema,
    ReviewEditSchema,
    ReviewSchema,
    SubjectQuerySchema,
)

bp = Blueprint("supervision_api", __name__, url_prefix="/api/v1/supervision")
TAGS = ["supervision"]


def _listing(schema: Any, result: Any) -> dict[str, Any]:
    return {"items": dump(schema, result.items, many=True), "meta": result.meta()}


# --- reviews -----------------------------------------------------------------------------------


@bp.get("/reviews")
@api_doc(
    summary="Reviews of a booth (with its products') or a product, newest first",
    tags=TAGS,
    response=ReviewSchema,
    paginated=True,
    query={"kind": "booth or product", "subject_id": "the booth's or product's id"},
)
@public
def list_reviews() -> Any:
    args = load(SubjectQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    result = services.reviews_of(db_session(), args["kind"], args["subject_id"], page=page, per_page=per_page)
    return _listing(ReviewSchema, result)


@bp.post("/reviews")
@api_doc(
    summary="Review something I bought in a completed order",
    tags=TAGS,
    body=ReviewBodySchema,
    response=ReviewSchema,
    status=201,
)
@login_required
def create_review() -> Any:
    """Stars 1 to 5 and optional text; 403 without a completed order with it, 409 if reviewed."""
    require(services.REVIEW)
    data = load(ReviewBodySchema)
    session = db_session()
    review = services.create_review(session, me(), **data)
    session.commit()
    return dump(ReviewSchema, review), 201


@bp.patch("/reviews/<int:review_id>")
@api_doc(
    summary="Change my review (within the edit window)",
    tags=TAGS,
    body=ReviewEditSchema,
    response=ReviewSchema,
)
@login_required
def edit_review(review_id: int) -> Any:
    data = load(ReviewEditSchema)
    session = db_session()
    review = services.edit_review(session, me(), review_id, **data)
    session.commit()
    return dump(ReviewSchema, review)


@bp.post("/reviews/<int:review_id>/reply")
@api_doc(summary="Reply, once, to a review of my booth", tags=TAGS, body=ReplySchema, response=ReviewSchema)
@login_required
def reply(review_id: int) -> Any:
    data = load(ReplySchema)
    session = db_session()
    review = services.reply_to_review(session, me(), review_id, data["reply"])
    session.commit()
    return dump(ReviewSchema, review)


# --- reports -----------------------------------------------------------------------------------


@bp.get("/reports")
@api_doc(summary="My reports, newest first", tags=TAGS, response=ReportSchema, paginated=True)
@login_required
def my_reports() -> Any:
    page, per_page = page_args()
    session = db_session()
    result = services.reports_by(session, me(), page=page, per_page=per_page)
    return _listing(ReportSchema, result)


@bp.post("/reports")
@api_doc(
    summary="Report a price or quality problem about a product or booth",
    tags=TAGS,
    body=ReportBodySchema,
    response=ReportSchema,
    status=201,
)
@login_required
def create_report() -> Any:
    """A price report needs seen_price_tomans and reference_price_tomans; 409 if one of mine is open."""
    require(services.REPORT)
    data = load(ReportBodySchema)
    session = db_session()
    priced = data["category"] == PRICE
    prices, errors = read_prices(data, {n: n for n in PRICE_FIELDS}) if priced else ({}, {})
    report = with_errors(
        errors,
        lambda: services.file_report(
            session,
            me(),
            kind=data["kind"],
            subject_id=data["subject_id"],
            category=data["category"],
            description=data["description"],
            seen_price=prices.get("seen_price"),
            reference_price=prices.get("reference_price"),
        ),
    )
    session.commit()
    return dump(ReportSchema, services.get_report(session, me(), report.id)), 201


@bp.get("/reports/<int:report_id>")
@api_doc(
    summary="A report and its history (its reporter, or a handler of its area)",
    tags=TAGS,
    response=ReportDetailSchema,
)
@login_required
def show_report(report_id: int) -> Any:
    return dump(ReportDetailSchema, services.get_report(db_session(), me(), report_id))


@bp.get("/queue")
@api_doc(
    summary="Reports waiting in my area, oldest first",
    tags=TAGS,
    response=ReportSchema,
    paginated=True,
    query={"status": "one status; by default open and under_review"},
)
@permission_required(services.HANDLE)
def queue() -> Any:
    args = load(QueueQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    statuses = [args["status"]] if args["status"] else list(PENDING)
    result = services.queue(db_session(), me(), statuses=statuses, page=page, per_page=per_page)
    return _listing(ReportSchema, result)


@bp.post("/reports/<int:report_id>/actions")
@api_doc(
    summary="Act on a report of my area: review, warn, hide, unhide, dismiss or close",
    tags=TAGS,
    body=ActBodySchema,
    response=ReportDetailSchema,
)
@permission_required(services.HANDLE)
def act(report_id: int) -> Any:
    """A note is required; a report outside my area is 404; an act its status forbids is 409."""
    session = db_session()
    handler = me()
    # The area is checked before the body, so nothing about a report outside it is revealed.
    services.handled_report(session, handler, report_id)
    data = load(ActBodySchema)
    services.act(session, handler, report_id, action=data["action"], note=data["note"])
    session.commit()
    return dump(ReportDetailSchema, services.get_report(session, handler, report_id))


# --- public: reputation and history -------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(_("Nothing here: only booths and products have a reputation."), code="unknown_kind")
    return kind


@bp.get("/reputation/<kind>/<int:subject_id>")
@api_doc(
    summary="A booth's or product's rating, review count and open reports",
    tags=TAGS,
    response=ReputationSchema,
)
@public
def reputation(kind: str, subject_id: int) -> Any:
    session = db_session()
    subject = services.get_subject(session, _kind(kind), subject_id)
    found = services.reputation(session, subject.kind, subject.id)
    return dump(ReputationSchema, {"kind": subject.kind, "subject_id": subject.id, **asdict(found)})


@bp.get("/history/<kind>/<int:subject_id>")
@api_doc(
    summary="Reports about a booth (with its products) or a product, newest first",
    tags=TAGS,
    response=PublicReportSchema,
    paginated=True,
)
@public
def history(kind: str, subject_id: int) -> Any:
    """Category, status and outcome of each; never who filed it."""
    session = db_session()
    subject = services.get_subject(session, _kind(kind), subject_id)
    page, per_page = page_args()
    result = services.reports_about(session, subject.kind, subject.id, page=page, per_page=per_page)
    return _listing(PublicReportSchema, result)
