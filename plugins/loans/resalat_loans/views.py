"""The loans pages: my loans and schedule, paying, requesting, the officer's queue, the supporter's view."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from resalat_bazaar import services as bazaar
from resalat_bazaar.services import PROGRAMMES

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    NotAllowed,
    NotFound,
    _l,
    can,
    chosen_id,
    current_language,
    db_session,
    handle_form,
    login_required,
    main_account,
    me,
    page_args,
    permission_required,
    read_count,
    read_money,
)
from resalat_loans import services
from resalat_loans.models import CURRENT, STATUSES
from resalat_loans.reading import codes

bp = Blueprint("loans", __name__, url_prefix="/loans", static_folder="static")

DECIDE = "loans.decide"
RULE_LISTS = ("categories", "programmes")  # a product's spend rules, as lists of codes
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
    member = me()
    page, per_page = page_args()
    loans = services.loans_of(session, member, page, per_page)
    progress = services.progress_of(session, [loan.id for loan in loans.items])
    return render_template(
        "loans/home.html",
        page=loans,
        progress=progress,
        products=services.products(session),
        introductions=services.open_introductions(session, member),
        can_follow=can(FOLLOW),
    )


# The fields the request form carries, kept when it is shown again (after a check, a refusal,
# issuing the note on iCAP's page).
REQUEST_FIELDS = ("introduction", "product", "amount", "instalments", "note", "guarantors", "purpose", "key")


class _Links:
    """The pages where a member does what the checklist finds missing."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    @property
    def merat(self) -> str:
        return url_for("merat.report")

    @property
    def deposits(self) -> str:
        return url_for("deposits.mine")

    def issue_note(self, rials: int) -> str:
        """iCAP's form with the exact amount filled in; back here afterwards with the new note chosen."""
        back = {k: v for k, v in self.values.items() if k in REQUEST_FIELDS and k != "note" and v}
        return url_for(
            "icap.new",
            amount=rials,
            purpose=str(_l("Guarantee of a Qard al-Hasan loan")),
            next=url_for("loans.new", **back),
        )


def _quietly(read: Any) -> Any:
    """A value the checklist reads while the form is being filled: None until it can be read."""
    try:
        return read()
    except BadInput:
        return None


def _standing(session: Any, member: Any, values: dict[str, Any], intro: Any) -> Any:
    product = None
    code = str(values.get("product") or "")
    if code:
        product = next((p for p in services.products(session) if p.code == code), None)
    return services.standing(
        session,
        member,
        product=product,
        amount=_quietly(lambda: read_money(values.get("amount", ""), required=False)),
        instalments=_quietly(
            lambda: read_count(values.get("instalments", ""), field="instalments", required=False)
        ),
        introduction=intro,
        note=chosen_id(values.get("note")),
        guarantors=codes(str(values.get("guarantors") or "")),
        social=services.social_guarantee_of(session, member),
        links=_Links(values),
    )


def _request_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    member = me()
    values = {k: v for k, v in dict(values or {}).items() if k in REQUEST_FIELDS}
    values.setdefault("key", uuid.uuid4().hex)
    intro = None
    if values.get("introduction"):
        wanted = chosen_id(values["introduction"])
        intro = next((i for i in services.open_introductions(session, member) if i.id == wanted), None)
        if intro is not None:
            # The form starts from the introduction: its amount, and the programme it is for.
            values.setdefault("amount", str(intro.amount // 10))
            if not values.get("product"):
                chosen = services.product_for_introduction(session, intro)
                if chosen is not None:
                    values["product"] = chosen.code
    standing = _standing(session, member, values, intro)
    template = "loans/_standing.html" if request.args.get("part") == "standing" else "loans/request_form.html"
    return render_template(
        template,
        products=services.products(session),
        introduction=intro,
        notes=services.notes_for(session, member),
        values=values,
        errors=errors or {},
        standing=standing,
    ), status


@bp.get("/new")
@login_required
def new() -> Any:
    """The request form, starting from an introduction or a product, with the checklist of what it
    needs (``?part=standing``: only the checklist, for the form's script to refresh as it changes)."""
    return _request_form(request.args)


@bp.post("/new")
@login_required
def create() -> Any:
    form = request.form
    if form.get("action") == "check":
        # "Check my request": the checklist again with what is typed, nothing sent.
        return _request_form(form)

    def ask(session: Any) -> Any:
        read = FieldReader()
        amount = read.money(form.get("amount", ""), "amount", required=False)
        instalments = read.count(form.get("instalments", ""), "instalments", required=False)
        return read.run(
            lambda: services.request_loan(
                session,
                me(),
                product=form.get("product", ""),
                amount=amount,
                instalments=instalments,
                key=form.get("key", ""),
                introduction=chosen_id(form.get("introduction")),
                note=chosen_id(form.get("note")),
                guarantors=codes(form.get("guarantors", "")),
                purpose=form.get("purpose", ""),
            )
        )

    def act(session: Any) -> Any:
        try:
            return ask(session)
        except (NotAllowed, NotFound) as exc:
            # The form says it beside its fields (a note that cannot be pledged, loans not offered
            # here), as it says every other refusal.
            raise BadInput(exc.message, fields=exc.fields, code=exc.code) from None

    return handle_form(
        act,
        again=lambda errors, status: _request_form(form, errors, status),
        to=lambda loan: url_for("loans.loan", loan_id=loan.id),
        done=_l("Your request was sent to the credit officer."),
    )


@bp.get("/<int:loan_id>")
@login_required
def loan(loan_id: int) -> Any:
    """A loan with its schedule (Jalali dates, tomans), its bucket and what is left to spend."""
    session = db_session()
    found = services.own_loan(session, me(), loan_id)
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
    member = me()
    found = services.own_loan(session, member, loan_id)
    left = services.unpaid(found)
    everything = request.args.get("all") == "1"
    asked = FieldReader().count(request.args.get("count", "1"), "count", required=False) or 1
    count = len(left) if everything else max(1, min(asked, len(left)))
    chosen = left[:count]
    return render_template(
        "loans/pay.html",
        loan=found,
        chosen=chosen,
        total=sum(i.amount for i in chosen),
        everything=everything,
        count=count,
        balance=main_account(session, member).available,
        key=uuid.uuid4().hex,
    )


def _back_to_the_loan(loan_id: int) -> Any:
    """A refused payment or cancellation is said on the loan's own page."""

    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for("loans.loan", loan_id=loan_id))

    return again


@bp.post("/<int:loan_id>/pay")
@login_required
def pay(loan_id: int) -> Any:
    form = request.form

    def act(session: Any) -> Any:
        read = FieldReader()
        count = read.count(form.get("count", "1"), "count", required=False)
        first = read.count(form.get("first", ""), "first", required=False)
        return read.run(
            lambda: services.pay(
                session,
                me(),
                loan_id,
                key=form.get("key", ""),
                count=count,
                everything=form.get("all") == "1",
                first=first,
            )
        )

    return handle_form(
        act,
        again=_back_to_the_loan(loan_id),
        to=url_for("loans.loan", loan_id=loan_id),
        done=_l("Paid. Thank you."),
    )


@bp.get("/<int:loan_id>/cancel")
@login_required
def confirm_cancel(loan_id: int) -> Any:
    """Cancelling asks first: what is released, and that the introduction stays open."""
    session = db_session()
    found = services.own_loan(session, me(), loan_id)
    if found.status != "requested":
        flash(_l("Only a request still waiting for a decision can be cancelled."), "warning")
        return redirect(url_for("loans.loan", loan_id=loan_id))
    return render_template("loans/cancel.html", loan=found, note=services.pledged_note(session, found))


@bp.post("/<int:loan_id>/cancel")
@login_required
def cancel(loan_id: int) -> Any:
    if request.form.get("confirmed") != "1":
        # Never in one tap: without the confirmation page's answer, show it.
        return redirect(url_for("loans.confirm_cancel", loan_id=loan_id))
    return handle_form(
        lambda session: services.cancel(session, me(), loan_id),
        again=_back_to_the_loan(loan_id),
        to=url_for("loans.loan", loan_id=loan_id),
        done=_l("Your request was cancelled."),
    )


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
        session, me(), status=status or None, product=product, page=page, per_page=per_page
    )
    return render_template(
        "loans/queue.html",
        page=found,
        status=status,
        product=product,
        statuses=STATUSES,
        products=services.products(session, active_only=False),
    )


def _decision_page(
    loan_id: int,
    errors: dict[str, Any] | None = None,
    status: int = 200,
    template: str = "loans/decision.html",
) -> Any:
    session = db_session()
    found = services.for_officer(session, me(), loan_id)
    return render_template(
        template,
        loan=found,
        report=services.officer_report(session, found),
        errors=errors or {},
        today=services.today(),
    ), status


@bp.get("/officer/<int:loan_id>")
@permission_required(DECIDE)
def decision(loan_id: int) -> Any:
    return _decision_page(loan_id)


@bp.get("/officer/<int:loan_id>/confirm")
@permission_required(DECIDE)
def confirm_decision(loan_id: int) -> Any:
    """Before money moves: the amount in tomans, who receives it and where, the exact schedule."""
    return _decision_page(loan_id, template="loans/confirm_approval.html")


@bp.post("/officer/<int:loan_id>")
@permission_required(DECIDE)
def decide(loan_id: int) -> Any:
    approve = request.form.get("decision") == "approve"
    # Outside the officer's area: 403 before anything else is said.
    found = services.for_officer(db_session(), me(), loan_id)
    if approve and request.form.get("confirmed") != "1":
        # Approval pays out at once: it goes through the confirmation page first.
        return redirect(url_for("loans.confirm_decision", loan_id=loan_id))
    if approve and found.status == "disbursed":
        # The confirmation sent twice (a double tap, a reload): paid out once, said as done.
        flash(_l("This loan was already approved and paid out."), "info")
        return redirect(url_for("loans.officer_queue"))
    return handle_form(
        lambda session: services.decide(
            session, me(), loan_id, approve=approve, reason=request.form.get("reason", "")
        ),
        again=lambda errors, status: _decision_page(loan_id, errors, status),
        to=url_for("loans.officer_queue"),
        done=_l("Approved and paid out.") if approve else _l("Rejected."),
    )


# --- the credit supporter ----------------------------------------------------------------------


@bp.get("/introductions")
@permission_required(FOLLOW)
def introductions() -> Any:
    """The supporter's introductions and what came of each: the loan, its amount, instalments paid."""
    page, per_page = page_args()
    intros, loans, progress = services.introductions_page(db_session(), me(), page, per_page)
    return render_template("loans/introductions.html", page=intros, loans=loans, progress=progress)


# --- products (admin) --------------------------------------------------------------------------

WHOLE_FIELDS = ("instalments_min", "instalments_max", "fee_bps", "min_score", "guarantors_required")
MONEY_FIELDS = ("amount_min", "amount_max")


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
        "categories": list(rules.get("categories", [])),
        "programmes": list(rules.get("programmes", [])),
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
        programmes=PROGRAMMES,
        programme_label=bazaar.programme_label,
        categories=bazaar.category_tree(db_session()),
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
    form = request.form
    existing = form.get("existing") == "1"
    flags = {flag: form.get(flag) == "1" for flag in FLAGS}

    def act(session: Any) -> Any:
        read = FieldReader()
        data: dict[str, Any] = {name: form.get(name, "") for name in ("code", "name_fa", "name_en")}
        data.update({name: read.money(form.get(name, ""), name, required=False) for name in MONEY_FIELDS})
        data.update({name: read.count(form.get(name, ""), name, required=False) for name in WHOLE_FIELDS})
        # Ticked boxes (one value each) or, from a script, one comma-separated field.
        data.update({name: codes(",".join(form.getlist(name))) for name in RULE_LISTS})
        data["programme"] = form.get("programme") or None
        data.update(flags)
        return read.run(lambda: services.save_product(session, data))

    return handle_form(
        act,
        again=lambda errors, status: _product_form(
            {**form.to_dict(), **{n: codes(",".join(form.getlist(n))) for n in RULE_LISTS}, **flags},
            existing,
            errors,
            status,
        ),
        to=url_for("loans.products"),
        done=_l("The loan product was saved."),
    )
