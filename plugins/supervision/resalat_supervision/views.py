"""Social supervision's pages: public booth and product histories, reviewing, reporting, handling.

Reviewing and reporting are held by every member (``supervision.review``, ``supervision.report``),
so those pages are ``login_required`` and ask ``require`` inside; ``permission_required`` is kept
for what only some roles hold (handling reports), where a plain member gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for

from resalat_core.sdk import (
    NotAllowed,
    NotFound,
    _,
    _l,
    can,
    current_member,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    permission_required,
    public,
    require,
)
from resalat_supervision import services
from resalat_supervision.forms import PRICE_FIELDS, read_prices, with_errors
from resalat_supervision.models import BOOTH, CATEGORIES, KINDS, PENDING, PRICE, PRODUCT, STATUSES

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

RECENT_REPORTS = 5


def _int_arg(name: str) -> int | None:
    raw = (request.values.get(name) or "").strip()
    return int(raw) if raw.isdecimal() and len(raw) < 10 else None


def _common() -> dict[str, Any]:
    return {"services": services, "kinds": KINDS, "categories": CATEGORIES}


def _form_post(
    act: Callable[[Any], Any], *, again: Callable[[dict[str, str], int], Any], to: Any, done: Any
) -> Any:
    """The host's ``handle_form``; a refusal (403) is also shown on the form, with its reason."""
    try:
        return handle_form(act, again=again, to=to, done=done)
    except NotAllowed as exc:
        db_session().rollback()
        return again(exc.form_errors(), exc.status)


# --- home --------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def home() -> Any:
    """My reports and reviews; handlers also see how many reports wait in their area."""
    session = db_session()
    member = me()
    page, per_page = page_args()
    reports = services.reports_by(session, member, page=page, per_page=per_page)
    reviews = services.reviews_by(session, member, page=1, per_page=10)
    return render_template(
        "supervision/home.html",
        reports=reports,
        reviews=reviews,
        titles=services.subject_titles(session, [*reports.items, *reviews.items]),
        waiting=services.pending_in_area(session, member) if can(services.HANDLE) else None,
        **_common(),
    )


# --- public histories --------------------------------------------------------------------------


def _subject_page(
    kind: str,
    subject_id: int,
    errors: dict[str, Any] | None = None,
    replying: int | None = None,
    status: int = 200,
) -> Any:
    """A booth's or product's page; ``errors`` belong to the reply form of review ``replying``."""
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    viewer = current_member()
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
        me=viewer,
        is_seller=viewer is not None and subject.booth.owner_id == viewer.id,
        may_review=services.may_review(session, viewer, subject),
        errors=errors or {},
        replying=replying,
        **_common(),
    ), status


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
    require(services.REVIEW)
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    order_id = _int_arg("order")
    if request.method == "GET":
        errors: dict[str, Any] = {}
        if not services.may_review(session, me(), subject):
            # Said before typing, not after: the form would be refused anyway.
            errors["_form"] = _("Only a buyer whose order with it was completed can review it.")
        return _review_form(subject, {}, errors)
    form = request.form
    back = (
        url_for("supervision.order_review", order_id=order_id)
        if order_id
        else url_for(f"supervision.{kind}", subject_id=subject.id)
    )
    return _form_post(
        lambda s: services.create_review(
            s,
            me(),
            kind=kind,
            subject_id=subject.id,
            stars=form.get("stars", ""),
            text=form.get("text", ""),
            order_id=order_id,
        ),
        again=lambda errors, status: _review_form(subject, form, errors, status),
        to=back,
        done=_l("Thank you: your review is published."),
    )


@bp.get("/orders/<int:order_id>/review")
@login_required
def order_review(order_id: int) -> Any:
    """A completed order of mine: its booth and products, each with its review or a form for one."""
    require(services.REVIEW)
    found = services.order_to_review(db_session(), me(), order_id)
    return render_template("supervision/order.html", found=found, **_common())


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit_review(review_id: int) -> Any:
    """The author changes a review, within the edit window."""
    session = db_session()
    member = me()
    review = services.get_review(session, review_id)
    if review.author_id != member.id:
        # Someone else's review does not exist for this page.
        raise NotFound(_("No such review."), code="unknown_review")
    subject = services.get_subject(session, review.kind, review.subject_id)
    if request.method == "GET":
        errors: dict[str, Any] = {}
        if not services.can_edit(review, member):
            errors = {"_form": _("This review can no longer be changed.")}
        return _review_form(subject, {"stars": review.stars, "text": review.text}, errors, review=review)
    form = request.form
    return _form_post(
        lambda s: services.edit_review(
            s, member, review.id, stars=form.get("stars", ""), text=form.get("text", "")
        ),
        again=lambda errors, status: _review_form(subject, form, errors, status, review=review),
        to=url_for(f"supervision.{review.kind}", subject_id=review.subject_id),
        done=_l("Your review is updated."),
    )


@bp.post("/reviews/<int:review_id>/reply")
@login_required
def reply(review_id: int) -> Any:
    """The booth's owner answers a review, once; a bad reply is shown on the review's page."""
    review = services.get_review(db_session(), review_id)
    return handle_form(
        lambda s: services.reply_to_review(s, me(), review_id, request.form.get("reply", "")),
        again=lambda errors, status: _subject_page(review.kind, review.subject_id, errors, review_id, status),
        to=url_for(f"supervision.{review.kind}", subject_id=review.subject_id),
        done=_l("Your reply is published."),
    )


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
    require(services.REPORT)
    session = db_session()
    subject = services.get_subject(session, kind, subject_id)
    if request.method == "GET":
        return _report_form(subject, {"category": request.args.get("category", PRICE)}, {})
    form = request.form

    def act(s: Any) -> Any:
        category = form.get("category", "")
        # Prices matter only to a price report: a quality report ignores whatever was typed there.
        prices, errors = read_prices(form, {n: n for n in PRICE_FIELDS}) if category == PRICE else ({}, {})
        return with_errors(
            errors,
            lambda: services.file_report(
                s,
                me(),
                kind=kind,
                subject_id=subject.id,
                category=category,
                description=form.get("description", ""),
                seen_price=prices.get("seen_price"),
                reference_price=prices.get("reference_price"),
            ),
        )

    return _form_post(
        act,
        again=lambda errors, status: _report_form(subject, form, errors, status),
        to=lambda report: url_for("supervision.report", report_id=report.id),
        done=_l("Thank you: your report is sent to the social leaders of the booth's region."),
    )


def _report_page(report_id: int, errors: dict[str, Any] | None = None, values: Any = None) -> Any:
    session = db_session()
    member = me()
    found = services.get_report(session, member, report_id)
    handler = services.handles(session, member, found)
    return render_template(
        "supervision/report.html",
        report=found,
        subject=services.get_subject(session, found.kind, found.subject_id),
        handler=handler,
        actions=services.allowed_actions(found) if handler else [],
        errors=errors or {},
        values=values or {},
        **_common(),
    )


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int) -> Any:
    """A report and its history: for whoever filed it, and for the handlers of its area."""
    return _report_page(report_id)


# --- handling ----------------------------------------------------------------------------------


@bp.get("/queue")
@permission_required(services.HANDLE)
def queue() -> Any:
    """Reports waiting in my area, oldest first (``?status=`` shows others)."""
    session = db_session()
    status = request.args.get("status", "")
    statuses = [status] if status in STATUSES else list(PENDING)
    page, per_page = page_args()
    result = services.queue(session, me(), statuses=statuses, page=page, per_page=per_page)
    return render_template(
        "supervision/queue.html",
        page=result,
        status=status if status in STATUSES else "",
        statuses=STATUSES,
        titles=services.subject_titles(session, result.items),
        **_common(),
    )


@bp.post("/reports/<int:report_id>/act")
@permission_required(services.HANDLE)
def act(report_id: int) -> Any:
    """Warn, hide, unhide, dismiss, close or take up a report of my area, with a note."""
    form = request.form
    return handle_form(
        lambda s: services.act(s, me(), report_id, action=form.get("action", ""), note=form.get("note", "")),
        again=lambda errors, status: (_report_page(report_id, errors, form), status),
        to=url_for("supervision.report", report_id=report_id),
        done=_l("Done: the report's history records it."),
    )
