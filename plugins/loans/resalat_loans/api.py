"""The loans JSON API: products, my loans with their schedule, requests, payments, the officer's queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Money,
    _,
    api_doc,
    db_session,
    dump,
    format_date,
    idempotent,
    load,
    login_required,
    me,
    mobile_for_reader,
    page_args,
    permission_required,
    system_account,
    to_latin_digits,
)
from resalat_loans import services
from resalat_loans.cli import product_dict
from resalat_loans.models import Loan
from resalat_loans.schemas import (
    DecisionBodySchema,
    LoanSchema,
    PayBodySchema,
    PaymentSchema,
    PayoutSchema,
    ProductSchema,
    QueueQuerySchema,
    RequestBodySchema,
)

bp = Blueprint("loans_api", __name__, url_prefix="/api/v1/loans")


def _loan(loan: Loan, *, with_schedule: bool = True) -> dict[str, Any]:
    return {
        "id": loan.id,
        "member": {"id": loan.member_id, "name": loan.member.name},
        "product": loan.product.code,
        "status": loan.status,
        "bucket": loan.bucket,
        "amount": loan.amount,
        "fee": loan.fee,
        "total": loan.total,
        "instalments": loan.instalments,
        "introduction_id": loan.introduction_id,
        "note_id": loan.note_id,
        "score_value": loan.score_value,
        "reason": loan.reason,
        "account_id": loan.account_id,
        "disbursed_on": loan.disbursed_on,
        "created_at": loan.created_at,
        "schedule": [
            {
                "seq": i.seq,
                "due_on": i.due_on,
                "due_on_jalali": to_latin_digits(format_date(i.due_on, lang="fa")),
                "principal": i.principal,
                "fee": i.fee,
                "amount": i.amount,
                "paid_on": i.paid_on,
                "late": i.late,
            }
            for i in loan.schedule
        ]
        if with_schedule
        else [],
    }


@bp.get("/products")
@api_doc(summary="The loan products and programmes on offer", response=ProductSchema, many=True)
@login_required
def list_products() -> Any:
    return dump(ProductSchema, [product_dict(p) for p in services.products(db_session())], many=True)


@bp.get("/mine")
@api_doc(summary="My loans, newest first (without schedules)", response=LoanSchema, paginated=True)
@login_required
def my_loans() -> Any:
    page, per_page = page_args()
    found = services.loans_of(db_session(), me(), page, per_page)
    items = [_loan(loan, with_schedule=False) for loan in found.items]
    return {"items": dump(LoanSchema, items, many=True), "meta": found.meta()}


@bp.get("/<int:loan_id>")
@api_doc(summary="One of my loans with its schedule", response=LoanSchema)
@login_required
def get_loan(loan_id: int) -> Any:
    return dump(LoanSchema, _loan(services.own_loan(db_session(), me(), loan_id)))


@bp.post("")
@api_doc(summary="Ask for a loan", body=RequestBodySchema, response=LoanSchema, status=201)
@login_required
@idempotent
def create() -> Any:
    """The Idempotency-Key is also the request's own key: a retry finds the same request."""
    data = load(RequestBodySchema)
    session = db_session()
    loan = services.request_loan(
        session,
        me(),
        product=data["product"],
        amount=data["amount"],
        instalments=data["instalments"],
        key=request.headers.get("Idempotency-Key", ""),
        introduction=data["introduction"],
        note=data["note"],
        guarantors=data["guarantors"],
        purpose=data["purpose"],
    )
    session.commit()
    return dump(LoanSchema, _loan(loan)), 201


@bp.post("/<int:loan_id>/pay")
@api_doc(summary="Pay the next instalments, or everything left", body=PayBodySchema, response=PaymentSchema)
@login_required
@idempotent
def pay(loan_id: int) -> Any:
    data = load(PayBodySchema, request.get_json(silent=True) or {})
    session = db_session()
    payment = services.pay(
        session,
        me(),
        loan_id,
        key=request.headers.get("Idempotency-Key", ""),
        count=data["count"],
        everything=data["everything"],
        first=data["first"],
    )
    session.commit()
    loan = services.get_loan(session, loan_id)
    return dump(
        PaymentSchema,
        {"id": payment.id, "amount": payment.amount, "instalments": payment.instalments, "loan": _loan(loan)},
    )


@bp.post("/<int:loan_id>/cancel")
@api_doc(summary="Cancel my request before it is decided", response=LoanSchema)
@login_required
def cancel(loan_id: int) -> Any:
    session = db_session()
    loan = services.cancel(session, me(), loan_id)
    session.commit()
    return dump(LoanSchema, _loan(loan))


@bp.get("/queue")
@api_doc(
    summary="Loan requests of my area, newest first",
    response=LoanSchema,
    paginated=True,
    query={"status": "only this status (default requested)", "product": "only this product code"},
)
@permission_required("loans.decide")
def queue() -> Any:
    args = load(QueueQuerySchema, request.args.to_dict())
    page, per_page = page_args()
    found = services.queue(
        db_session(),
        me(),
        status=args["status"] or None,
        product=args["product"],
        page=page,
        per_page=per_page,
    )
    items = [_loan(loan, with_schedule=False) for loan in found.items]
    return {"items": dump(LoanSchema, items, many=True), "meta": found.meta()}


@bp.get("/<int:loan_id>/payout")
@api_doc(
    summary="What approving this request pays out: amount, recipient, schedule (nothing moves)",
    response=PayoutSchema,
)
@permission_required("loans.decide")
def payout(loan_id: int) -> Any:
    """The API's confirmation page: read it, then approve with ``confirm: true``."""
    session = db_session()
    loan = services.for_officer(session, me(), loan_id)
    report = services.officer_report(session, loan)
    return dump(
        PayoutSchema,
        {
            "loan_id": loan.id,
            "status": loan.status,
            "member": {
                "id": loan.member_id,
                "name": loan.member.name,
                "mobile": mobile_for_reader(loan.member.mobile, loan.member_id),
            },
            "product": loan.product.code,
            "amount": loan.amount,
            "fee": loan.fee,
            "total": loan.total,
            "instalments": loan.instalments,
            "source": "loan_fund",
            "into": "earmarked",
            "fund_available": system_account(session, "loan_fund").available,
            "schedule": [
                {
                    "seq": line.seq,
                    "due_on": line.due_on,
                    "due_on_jalali": to_latin_digits(format_date(line.due_on, lang="fa")),
                    "principal": line.principal,
                    "fee": line.fee,
                    "amount": line.amount,
                    "paid_on": getattr(line, "paid_on", None),
                    "late": getattr(line, "late", False),
                }
                for line in report["schedule"]
            ],
            "confirm_with": {"decision": "approve", "confirm": True, "amount_rials": loan.amount},
        },
    )


@bp.post("/<int:loan_id>/decision")
@api_doc(
    summary="Approve and pay out (with confirm: true, after reading /payout) or reject a request",
    body=DecisionBodySchema,
    response=LoanSchema,
)
@permission_required("loans.decide")
@idempotent
def decision(loan_id: int) -> Any:
    """Only requests of members in my area (403 otherwise); a rejection needs a reason.

    Approval moves money at once, so, like the page's confirmation step, it must say
    ``confirm: true``; without it nothing is paid and the answer names the amount to confirm.
    """
    data = load(DecisionBodySchema)
    session = db_session()
    approve = data["decision"] == "approve"
    if approve:
        found = services.for_officer(session, me(), loan_id)
        if found.status == "requested" and not data["confirm"]:
            message = _(
                "Approving pays out %(amount)s at once: read the payout, then send confirm: true.",
                amount=Money(found.amount),
            )
            raise BadInput(message, fields={"confirm": message}, code="confirmation_required")
        if found.status == "requested" and data["amount_rials"] not in (None, found.amount):
            raise Conflict(
                _(
                    "The amount to pay out is %(amount)s, not the one confirmed: read the payout again.",
                    amount=Money(found.amount),
                ),
                code="amount_changed",
            )
    loan = services.decide(session, me(), loan_id, approve=approve, reason=data["reason"])
    session.commit()
    return dump(LoanSchema, _loan(loan))
