"""The loans pages: my loans and schedule, paying, requesting, the officer's queue, the supporter's view."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    NotFound,
    _,
    current_language,
    current_member,
    db_session,
    ledger,
    login_required,
    page_args,
    permission_required,
)
from resalat_loans import services
from resalat_loans.models import BUCKETS, CURRENT, STATUSES

bp = Blueprint("loans", __name__, url_prefix="/loans")

DECIDE = "loans.decide"
ADMIN = "loans.admin"
FLAGS = ("requires_note", "social_guarantee_accepted", "uses_points", "introduction_required", "active")
FOLLOW = "loans.follow"
STATUS_STYLE = {
    "requested": "warning",
    "rejected": "danger",
    "cancelled": "secondary",
    "disbursed": "primary",
    "repaid": "success",
}
BUCKET_STYLE = {CURRENT: "success", "1-30": "warning", "31-60": "warning", "61-90": "danger", "90+": "danger"}


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required / permission_required let the request in
    return member


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "status_label": lambda s: str(services.STATUS_LABELS.get(s, s)),
        "status_style": lambda s: STATUS_STYLE.get(s, "secondary"),
        "bucket_label": lambda b: str(services.BUCKET_LABELS.get(b, b)),
        "bucket_style": lambda b: BUCKET_STYLE.get(b, "secondary"),
        "product_name": lambda p: p.name(current_language()),
        "percent": lambda bps: f"{bps / 100:g}",
    }


# --- the member --------------------------------------------------------------------------------


@bp.get("/")
@login_required
def home() -> Any:
    """My loans, the products on offer and the introductions waiting for a request."""
    session = db_session()
    me = _me()
    page, per_page = page_args()
    loans = services.loans_of(session, me, page, per_page)
    progress = services.progress_of(session, [loan.id for loan in loans.items])
    return render_template(
        "loans/home.html",
        page=loans,
        progress=progress,
        products=services.products(session),
        introductions=services.open_introductions(session, me),
    )


def _request_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    me = _me()
    values = dict(values or {})
    values.setdefault("key", uuid.uuid4().hex)
    intro = None
    if values.get("introduction"):
        intro = next(
            (i for i in services.open_introductions(session, me) if str(i.id) == str(values["introduction"])),
            None,
        )
        if intro is not None:
            values.setdefault("amount", str(intro.amount // 10))
            # An introduction is for a programme: offer the first one that takes introductions.
            programme = next((p for p in services.products(session) if p.introduction_required), None)
            if programme is not None:
                values.setdefault("product", programme.code)
    notes = services.notes_for(session, me)
    return render_template(
        "loans/request_form.html",
        products=services.products(session),
        introduction=intro,
        notes=notes,
        values=values,
        errors=errors or {},
    ), status


@bp.get("/new")
@login_required
def new() -> Any:
    return _request_form(request.args)


@bp.post("/new")
@login_required
def create() -> Any:
    session = db_session()
    form = request.form
    try:
        loan = services.request_loan(
            session,
            _me(),
            product=form.get("product", ""),
            amount=form.get("amount", ""),
            instalments=form.get("instalments", ""),
            key=form.get("key", ""),
            introduction=form.get("introduction") or None,
            note=form.get("note") or None,
            guarantors=form.get("guarantors", ""),
            purpose=form.get("purpose", ""),
        )
    except (BadInput, Conflict, NotAllowed, NotFound) as exc:
        session.rollback()
        return _request_form(form, exc.form_errors(), exc.status)
    session.commit()
    flash(_("Your request was sent to the credit officer."), "success")
    return redirect(url_for("loans.loan", loan_id=loan.id))


@bp.get("/<int:loan_id>")
@login_required
def loan(loan_id: int) -> Any:
    """A loan with its schedule (Jalali dates, tomans), its bucket and what is left to spend."""
    session = db_session()
    found = services.own_loan(session, _me(), loan_id)
    return render_template(
        "loans/loan.html",
        loan=found,
        schedule=found.schedule,
        left=services.unpaid(found),
        spendable=services.balance_of(session, found),
        today=services.today(),
    )


@bp.get("/<int:loan_id>/pay")
@login_required
def confirm_pay(loan_id: int) -> Any:
    """The confirmation step: what will be paid, from which account."""
    session = db_session()
    me = _me()
    found = services.own_loan(session, me, loan_id)
    left = services.unpaid(found)
    everything = request.args.get("all") == "1"
    try:
        count = len(left) if everything else max(1, min(int(request.args.get("count", 1)), len(left)))
    except ValueError:
        count = 1
    chosen = left[:count]
    return render_template(
        "loans/pay.html",
        loan=found,
        chosen=chosen,
        total=sum(i.amount for i in chosen),
        everything=everything,
        count=count,
        balance=ledger.main_account(session, me).available,
        key=uuid.uuid4().hex,
    )


@bp.post("/<int:loan_id>/pay")
@login_required
def pay(loan_id: int) -> Any:
    session = db_session()
    form = request.form
    try:
        services.pay(
            session,
            _me(),
            loan_id,
            key=form.get("key", ""),
            count=form.get("count", "1"),
            everything=form.get("all") == "1",
            first=int(form["first"]) if form.get("first", "").isdigit() else None,
        )
    except (BadInput, Conflict) as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("loans.loan", loan_id=loan_id))
    session.commit()
    flash(_("Paid. Thank you."), "success")
    return redirect(url_for("loans.loan", loan_id=loan_id))


@bp.post("/<int:loan_id>/cancel")
@login_required
def cancel(loan_id: int) -> Any:
    session = db_session()
    try:
        services.cancel(session, _me(), loan_id)
    except Conflict as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("loans.loan", loan_id=loan_id))
    session.commit()
    flash(_("Your request was cancelled."), "success")
    return redirect(url_for("loans.loan", loan_id=loan_id))


# --- the credit officer ------------------------------------------------------------------------


@bp.get("/officer")
@permission_required(DECIDE)
def officer_queue() -> Any:
    """The requests of the officer's area, newest first, filtered by status and product."""
    session = db_session()
    status = request.args.get("status", "requested")
    product = request.args.get("product") or None
    page, per_page = page_args()
    found = services.queue(
        session, _me(), status=status or None, product=product, page=page, per_page=per_page
    )
    return render_template(
        "loans/queue.html",
        page=found,
        status=status,
        product=product,
        statuses=STATUSES,
        products=services.products(session, active_only=False),
    )


def _decision_page(loan_id: int, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    found = services.for_officer(session, _me(), loan_id)
    return render_template(
        "loans/decision.html", loan=found, report=services.officer_report(session, found), errors=errors or {}
    ), status


@bp.get("/officer/<int:loan_id>")
@permission_required(DECIDE)
def decision(loan_id: int) -> Any:
    return _decision_page(loan_id)


@bp.post("/officer/<int:loan_id>")
@permission_required(DECIDE)
def decide(loan_id: int) -> Any:
    session = db_session()
    approve = request.form.get("decision") == "approve"
    try:
        services.decide(session, _me(), loan_id, approve=approve, reason=request.form.get("reason", ""))
    except (BadInput, Conflict) as exc:
        session.rollback()
        return _decision_page(loan_id, exc.form_errors(), exc.status)
    session.commit()
    flash(_("Approved and paid out.") if approve else _("Rejected."), "success")
    return redirect(url_for("loans.officer_queue"))


# --- the credit supporter ----------------------------------------------------------------------


@bp.get("/introductions")
@permission_required(FOLLOW)
def introductions() -> Any:
    """The supporter's introductions and what came of each: the loan, its amount, instalments paid."""
    page, per_page = page_args()
    intros, loans, progress = services.introductions_page(db_session(), _me(), page, per_page)
    return render_template("loans/introductions.html", page=intros, loans=loans, progress=progress)


# --- products (admin) --------------------------------------------------------------------------


def _product_values(product: Any) -> dict[str, Any]:
    if product is None:
        return {"fee_bps": "200", "active": True, "requires_note": True}
    rules = product.spend_rules or {}
    return {
        "code": product.code,
        "name_fa": product.name_fa,
        "name_en": product.name_en,
        "programme": product.programme or "",
        "amount_min": str(product.amount_min // 10),
        "amount_max": str(product.amount_max // 10),
        "instalments_min": str(product.instalments_min),
        "instalments_max": str(product.instalments_max),
        "fee_bps": str(product.fee_bps),
        "min_score": str(product.min_score),
        "guarantors_required": str(product.guarantors_required),
        "categories": ", ".join(rules.get("categories", [])),
        "programmes": ", ".join(rules.get("programmes", [])),
        **{flag: getattr(product, flag) for flag in FLAGS},
    }


def _product_form(
    values: dict[str, Any], existing: bool, errors: dict[str, Any] | None = None, status: int = 200
) -> Any:
    return render_template(
        "loans/product_form.html",
        values=values,
        existing=existing,
        errors=errors or {},
        programmes=services.bazaar.PROGRAMMES,
        flags=FLAGS,
    ), status


@bp.get("/products")
@permission_required(ADMIN)
def products() -> Any:
    """Every product and programme, active or not, for the administrator to edit."""
    return render_template("loans/products.html", products=services.products(db_session(), active_only=False))


@bp.get("/products/new")
@permission_required(ADMIN)
def new_product() -> Any:
    return _product_form(_product_values(None), existing=False)


@bp.get("/products/<code>")
@permission_required(ADMIN)
def edit_product(code: str) -> Any:
    return _product_form(_product_values(services.get_product(db_session(), code)), existing=True)


@bp.post("/products")
@permission_required(ADMIN)
def save_product() -> Any:
    session = db_session()
    form = request.form
    data: dict[str, Any] = {
        name: form.get(name, "")
        for name in (
            "code",
            "name_fa",
            "name_en",
            "amount_min",
            "amount_max",
            "instalments_min",
            "instalments_max",
            "fee_bps",
            "min_score",
            "guarantors_required",
            "categories",
            "programmes",
        )
    }
    data["programme"] = form.get("programme") or None
    data.update({flag: form.get(flag) == "1" for flag in FLAGS})
    existing = form.get("existing") == "1"
    try:
        services.save_product(session, data)
    except BadInput as exc:
        session.rollback()
        values = {**form.to_dict(), **{flag: data[flag] for flag in FLAGS}}
        return _product_form(values, existing, exc.form_errors(), exc.status)
    session.commit()
    flash(_("The product was saved."), "success")
    return redirect(url_for("loans.products"))


__all__ = ["bp", "BUCKETS"]
