"""Social supervision's pages: public booth and product histories, reviewing, reporting, handling.

Reviewing and reporting are held by every member (``supervision.review``, ``supervision.report``),
so those pages are ``login_required`` and ask ``require`` inside; ``permission_required`` is kept
for what only some roles hold (handling reports), where a plain member gets a 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    Member,
    NotFound,
    ResalatError,
    _,
    can,
    current_member,
    db_session,
    login_required,
    page_args,
    permission_required,
    public,
    require,
)
from resalat_supervision import services
from resalat_supervision.models import BOOTH, CATEGORIES, KINDS, PENDING, PRICE, PRODUCT, STATUSES

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

REVIEW = "supervision.review"
REPORT = "supervision.report"
HANDLE = "supervision.handle"
RECENT_REPORTS = 5


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required let the request in
    return member


def _int_arg(name: str) -> int | None:
    raw = (request.values.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _common() -> dict[str, Any]:
    return {"services": services, "kinds": KINDS, "categories": CATEGORIES}


# --- home --------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def home() -> Any:
    """My reports and reviews; handlers also see how many reports wait in their area."""
    session = db_session()
    me = _me()
    page, per_page = page_args()
    reports = services.reports_by(session, me, page=page, per_page=per_page)
    reviews = services.reviews_by(session, me, page=1, per_page=10)
    handler = can(HANDLE)
    return render_template(
        "supervision/home.html",
        reports=reports,
        reviews=reviews,
        titles=services.subject_titles(session, [*reports.items, *reviews.items]),
        waiting=services.pending_in_area(session, me) if handler else None,
        **_common(),
    )


# --- public histories --------------------------------------------------------------------------


def _subject_page(kind: str, subject_id: int) -> Any:
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    me = current_member()
    page, per_page = page_args()
    reviews = services.reviews_of(session, kind, subject.id, page=page, per_page=per_page)
    reports = services.reports_about(session, kind, subject.id, page=1, per_page=RECENT_REPORTS)
    return render_template(
        "supervision/subject.html",
        subject=subject,
        reputation=services.reputation(session, kind, subject.id),
        reviews=reviews,
        reports=reports,
        titles=services.subject_titles(session, [*reviews.items, *reports.items]),
        me=me,
        is_seller=me is not None and subject.booth.owner_id == me.id,
        may_review=services.may_review(session, me, subject),
        **_common(),
    )


@bp.get("/booths/<int:subject_id>")
@public
def booth(subject_id: int) -> Any:
    """A booth's rating, its and its products' reviews, and its latest reports."""
    return _subject_page(BOOTH, subject_id)


@bp.get("/products/<int:subject_id>")
@public
def product(subject_id: int) -> Any:
    """A product's rating, reviews and latest reports."""
    return _subject_page(PRODUCT, subject_id)


def _history_page(kind: str, subject_id: int) -> Any:
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    page, per_page = page_args()
    reports = services.reports_about(session, kind, subject.id, page=page, per_page=per_page)
    return render_template(
        "supervision/history.html",
        subject=subject,
        reports=reports,
        titles=services.subject_titles(session, reports.items),
        **_common(),
    )


@bp.get("/booths/<int:subject_id>/reports")
@public
def booth_reports(subject_id: int) -> Any:
    """Every report about a booth and its products: category, status, outcome; never who filed it."""
    return _history_page(BOOTH, subject_id)


@bp.get("/products/<int:subject_id>/reports")
@public
def product_reports(subject_id: int) -> Any:
    return _history_page(PRODUCT, subject_id)


# --- reviews -----------------------------------------------------------------------------------


def _review_form(
    subject: Any, values: Any, errors: dict[str, Any], status: int = 200, review: Any = None
) -> Any:
    return render_template(
        "supervision/review_form.html",
        subject=subject,
        values=values,
        errors=errors,
        review=review,
        order_id=_int_arg("order"),
        **_common(),
    ), status


@bp.route("/booths/<int:subject_id>/review", methods=["GET", "POST"])
@login_required
def review_booth(subject_id: int) -> Any:
    """Stars and words about a booth bought from in a completed order (``?order=`` picks one)."""
    return _write_review(BOOTH, subject_id)


@bp.route("/products/<int:subject_id>/review", methods=["GET", "POST"])
@login_required
def review_product(subject_id: int) -> Any:
    """Stars and words about a product of a completed order (``?order=`` picks one)."""
    return _write_review(PRODUCT, subject_id)


def _write_review(kind: str, subject_id: int) -> Any:
    require(REVIEW)
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    if request.method == "GET":
        errors: dict[str, Any] = {}
        if not services.may_review(session, _me(), subject):
            # Said before typing, not after: the form would be refused anyway.
            errors["_form"] = _("Only a buyer whose order with it was completed can review it.")
        return _review_form(subject, {}, errors)
    try:
        services.create_review(
            session,
            _me(),
            kind=kind,
            subject_id=subject.id,
            stars=request.form.get("stars", ""),
            text=request.form.get("text", ""),
            order_id=_int_arg("order"),
        )
    except NotFound:
        raise
    except ResalatError as exc:
        session.rollback()
        return _review_form(subject, request.form, exc.form_errors(), exc.status)
    session.commit()
    flash(_("Thank you: your review is published."), "success")
    back = url_for("supervision.order_review", order_id=_int_arg("order")) if _int_arg("order") else None
    return redirect(back or url_for(f"supervision.{kind}", subject_id=subject.id))


@bp.get("/orders/<int:order_id>/review")
@login_required
def order_review(order_id: int) -> Any:
    """A completed order of mine: its booth and products, each with its review or a form for one."""
    require(REVIEW)
    session = db_session()
    found = services.order_to_review(session, _me(), order_id)
    return render_template("supervision/order.html", found=found, **_common())


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit_review(review_id: int) -> Any:
    """The author changes a review, within the edit window."""
    session = db_session()
    me = _me()
    review = services.get_review(session, review_id)
    if review.author_id != me.id:
        raise NotFound(_("No such review."), code="unknown_review")
    subject = services.get_subject(session, review.kind, review.subject_id)
    if request.method == "GET":
        errors: dict[str, Any] = {}
        if not services.can_edit(review, me):
            errors = {"_form": _("This review can no longer be changed.")}
        return _review_form(subject, {"stars": review.stars, "text": review.text}, errors, review=review)
    try:
        services.edit_review(
            session, me, review.id, stars=request.form.get("stars", ""), text=request.form.get("text", "")
        )
    except NotFound:
        raise
    except ResalatError as exc:
        session.rollback()
        return _review_form(subject, request.form, exc.form_errors(), exc.status, review=review)
    session.commit()
    flash(_("Your review is updated."), "success")
    return redirect(url_for(f"supervision.{review.kind}", subject_id=review.subject_id))


@bp.post("/reviews/<int:review_id>/reply")
@login_required
def reply(review_id: int) -> Any:
    """The booth's owner answers a review, once."""
    session = db_session()
    review = services.reply_to_review(session, _me(), review_id, request.form.get("reply", ""))
    session.commit()
    flash(_("Your reply is published."), "success")
    return redirect(url_for(f"supervision.{review.kind}", subject_id=review.subject_id))


# --- reports -----------------------------------------------------------------------------------


def _report_form(subject: Any, values: Any, errors: dict[str, Any], status: int = 200) -> Any:
    return render_template(
        "supervision/report_form.html", subject=subject, values=values, errors=errors, **_common()
    ), status


@bp.route("/booths/<int:subject_id>/report", methods=["GET", "POST"])
@login_required
def report_booth(subject_id: int) -> Any:
    """Report a price or quality problem about a booth."""
    return _write_report(BOOTH, subject_id)


@bp.route("/products/<int:subject_id>/report", methods=["GET", "POST"])
@login_required
def report_product(subject_id: int) -> Any:
    """Report a price or quality problem about a product."""
    return _write_report(PRODUCT, subject_id)


def _write_report(kind: str, subject_id: int) -> Any:
    require(REPORT)
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    if request.method == "GET":
        return _report_form(subject, {"category": request.args.get("category", PRICE)}, {})
    form = request.form
    try:
        report = services.file_report(
            session,
            _me(),
            kind=kind,
            subject_id=subject.id,
            category=form.get("category", ""),
            description=form.get("description", ""),
            seen_price=form.get("seen_price"),
            reference_price=form.get("reference_price"),
        )
    except NotFound:
        raise
    except ResalatError as exc:
        session.rollback()
        return _report_form(subject, form, exc.form_errors(), exc.status)
    session.commit()
    flash(_("Thank you: your report is sent to the social leaders of the booth's region."), "success")
    return redirect(url_for("supervision.report", report_id=report.id))


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int) -> Any:
    """A report and its history: for whoever filed it, and for the handlers of its area."""
    session = db_session()
    me = _me()
    found = services.get_report(session, me, report_id)
    handler = services.handles(session, me, found)
    return render_template(
        "supervision/report.html",
        report=found,
        subject=services.get_subject(session, found.kind, found.subject_id),
        handler=handler,
        actions=services.allowed_actions(found) if handler else [],
        errors={},
        **_common(),
    )


# --- handling ----------------------------------------------------------------------------------


@bp.get("/queue")
@permission_required(HANDLE)
def queue() -> Any:
    """Reports waiting in my area, oldest first (``?status=`` shows others)."""
    session = db_session()
    status = request.args.get("status", "")
    statuses = [status] if status in STATUSES else list(PENDING)
    page, per_page = page_args()
    result = services.queue(session, _me(), statuses=statuses, page=page, per_page=per_page)
    return render_template(
        "supervision/queue.html",
        page=result,
        status=status if status in STATUSES else "",
        statuses=STATUSES,
        titles=services.subject_titles(session, result.items),
        **_common(),
    )


@bp.post("/reports/<int:report_id>/act")
@permission_required(HANDLE)
def act(report_id: int) -> Any:
    """Warn, hide, unhide, dismiss, close or take up a report of my area, with a note."""
    session = db_session()
    me = _me()
    try:
        services.act(
            session, me, report_id, action=request.form.get("action", ""), note=request.form.get("note", "")
        )
    except NotFound:
        raise
    except ResalatError as exc:
        session.rollback()
        found = services.get_report(session, me, report_id)
        return render_template(
            "supervision/report.html",
            report=found,
            subject=services.get_subject(session, found.kind, found.subject_id),
            handler=True,
            actions=services.allowed_actions(found),
            errors=exc.form_errors(),
            values=request.form,
            **_common(),
        ), exc.status
    session.commit()
    flash(_("Done: the report's history records it."), "success")
    return redirect(url_for("supervision.report", report_id=report_id))
